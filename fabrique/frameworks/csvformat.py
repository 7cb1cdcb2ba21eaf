"""The CSV file of a framework version: one row per level (docs/formats/framework.md).

UTF-8 (with a byte order mark, so that spreadsheets read the accents), values separated by
semicolons and quoted when they hold a semicolon, a quote or a line break. Bloc and competence
columns repeat on each row of their levels; on import a repeated value may be left empty.
``parse`` validates the whole file and names the line and column of every problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fabrique.frameworks.documents import (
    FIELD_LIMITS,
    MAX_BLOCS,
    MAX_COMPETENCES,
    MAX_PROBLEMS,
    MAX_SKILLS_PER_COMPETENCE,
    BlocDoc,
    CompetenceDoc,
    DocumentRefused,
    FrameworkDoc,
    LevelDoc,
    Problem,
    SkillRef,
    code_problem,
    missing_ranks,
    normalise_text,
    rank_problem,
    skill_ref_problem,
    text_problem,
)

CONTENT_TYPE = "text/csv; charset=utf-8"
DELIMITER = ";"
SKILL_SEPARATOR = "|"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = (
    "bloc_code",
    "bloc_title",
    "bloc_description",
    "competence_code",
    "competence_title",
    "competence_description",
    "skills",
    "level_rank",
    "level_label",
    "level_description",
)
REQUIRED_COLUMNS = ("bloc_code", "bloc_title", "competence_code", "competence_title")
# Free-text columns: a value starting with one of these is written with a leading apostrophe,
# so that spreadsheets do not run it as a formula; reading drops one leading apostrophe.
TEXT_COLUMNS = {
    "bloc_title",
    "bloc_description",
    "competence_title",
    "competence_description",
    "level_label",
    "level_description",
}
FORMULA_STARTS = ("=", "+", "-", "@", "'", "\t", "\r")


def _escape(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _unescape(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def skills_cell(skills: tuple[SkillRef, ...]) -> str:
    return SKILL_SEPARATOR.join(f"{ref.scheme}:{ref.code}" for ref in skills)


# --- writing -----------------------------------------------------------------------------------


def dumps(document: FrameworkDoc) -> str:
    """The CSV text (without the byte order mark, which ``encode`` adds)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for bloc in document.blocs:
        bloc_cells = [bloc.code, _escape(bloc.title), _escape(bloc.description)]
        if not bloc.competences:
            writer.writerow(bloc_cells + [""] * 7)
        for competence in bloc.competences:
            competence_cells = [
                competence.code,
                _escape(competence.title),
                _escape(competence.description),
                skills_cell(competence.skills),
            ]
            if not competence.levels:
                writer.writerow(bloc_cells + competence_cells + ["", "", ""])
            for level in competence.levels:
                writer.writerow(
                    bloc_cells
                    + competence_cells
                    + [str(level.rank), _escape(level.label), _escape(level.description)]
                )
    return out.getvalue()


def encode(document: FrameworkDoc) -> bytes:
    return dumps(document).encode("utf-8-sig")


# --- reading -----------------------------------------------------------------------------------


@dataclass
class _Competence:
    code: str
    bloc: str
    line: int
    title: str = ""
    description: str = ""
    skills: tuple[SkillRef, ...] | None = None
    levels: dict[int, LevelDoc] = field(default_factory=dict)
    level_lines: dict[int, int] = field(default_factory=dict)


@dataclass
class _Bloc:
    code: str
    line: int
    title: str = ""
    description: str = ""
    competences: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.blocs: dict[str, _Bloc] = {}
        self.competences: dict[str, _Competence] = {}

    def problem(self, line: int, column: str | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            return
        if column:
            location = _("line %(line)s, column %(column)s") % {"line": line, "column": column}
        else:
            location = _("line %(line)s") % {"line": line}
        self.problems.append(Problem(location, message, (line, column or "")))

    def text(self, row: dict[str, str], column: str, line: int, *, required: bool) -> str:
        value = normalise_text(_unescape(row.get(column, "")))
        limit = FIELD_LIMITS[column.split("_", 1)[1]]
        if problem := text_problem(value, required=required, max_length=limit):
            self.problem(line, column, problem)
        return value

    def repeated(self, line: int, column: str, value: str, first: str, first_line: int) -> None:
        """A value repeated on a later row must be empty or the same as on the first row."""
        if value and value != first:
            self.problem(
                line,
                column,
                _("differs from line %(line)s (“%(value)s”); leave it empty or repeat it.")
                % {"line": first_line, "value": first[:60]},
            )

    def skills(self, cell: str, line: int) -> tuple[SkillRef, ...]:
        refs: list[SkillRef] = []
        if "\x00" in cell:
            self.problem(line, "skills", _("contains a NUL character."))
            return ()
        for item in cell.split(SKILL_SEPARATOR):
            item = item.strip()
            if not item:
                continue
            scheme, colon, code = item.partition(":")
            ref = SkillRef(
                scheme.strip().lower(),
                code.strip(),
                _("line %(line)s, column %(column)s") % {"line": line, "column": "skills"},
                (line, "skills"),
            )
            if not colon:
                self.problem(
                    line,
                    "skills",
                    _("“%(item)s” is not scheme:code (e.g. rome:124907).") % {"item": item[:60]},
                )
            elif problem := skill_ref_problem(ref.scheme, ref.code):
                self.problem(line, "skills", f"{item[:60]}: {problem}")
            elif ref in refs:
                self.problem(line, "skills", _("“%(item)s” is listed twice.") % {"item": item[:60]})
            else:
                refs.append(ref)
        if len(refs) > MAX_SKILLS_PER_COMPETENCE:
            self.problem(
                line,
                "skills",
                _("too many skills (at most %(max)s).") % {"max": MAX_SKILLS_PER_COMPETENCE},
            )
        return tuple(refs)

    def row(self, row: dict[str, str], line: int) -> None:
        bloc_code = row["bloc_code"].strip()
        if problem := code_problem(bloc_code):
            self.problem(line, "bloc_code", problem)
            return
        bloc = self.blocs.get(bloc_code)
        bloc_title = self.text(row, "bloc_title", line, required=bloc is None)
        bloc_description = self.text(row, "bloc_description", line, required=False)
        if bloc is None:
            if len(self.blocs) >= MAX_BLOCS:
                self.problem(
                    line, "bloc_code", _("too many blocs (at most %(max)s).") % {"max": MAX_BLOCS}
                )
                return
            bloc = self.blocs[bloc_code] = _Bloc(bloc_code, line, bloc_title, bloc_description)
        else:
            self.repeated(line, "bloc_title", bloc_title, bloc.title, bloc.line)
            self.repeated(line, "bloc_description", bloc_description, bloc.description, bloc.line)
        competence_code = row["competence_code"].strip()
        if not competence_code:
            for column in COLUMNS[4:]:
                if row.get(column, "").strip():
                    self.problem(line, column, _("is given without a competence_code."))
            return
        if problem := code_problem(competence_code):
            self.problem(line, "competence_code", problem)
            return
        competence = self.competences.get(competence_code)
        title = self.text(row, "competence_title", line, required=competence is None)
        description = self.text(row, "competence_description", line, required=False)
        skills = self.skills(row.get("skills", ""), line)
        if competence is None:
            if len(self.competences) >= MAX_COMPETENCES:
                self.problem(
                    line,
                    "competence_code",
                    _("too many competences (at most %(max)s).") % {"max": MAX_COMPETENCES},
                )
                return
            competence = _Competence(competence_code, bloc_code, line, title, description, skills)
            self.competences[competence_code] = competence
            bloc.competences.append(competence_code)
        else:
            if competence.bloc != bloc_code:
                self.problem(
                    line,
                    "competence_code",
                    _("competence %(code)s belongs to bloc %(bloc)s (line %(line)s).")
                    % {"code": competence_code, "bloc": competence.bloc, "line": competence.line},
                )
                return
            self.repeated(line, "competence_title", title, competence.title, competence.line)
            self.repeated(
                line, "competence_description", description, competence.description, competence.line
            )
            if row.get("skills", "").strip() and set(skills) != set(competence.skills or ()):
                self.problem(
                    line,
                    "skills",
                    _("differs from line %(line)s; leave it empty or repeat it.")
                    % {"line": competence.line},
                )
        self.level(row, line, competence)

    def level(self, row: dict[str, str], line: int, competence: _Competence) -> None:
        raw_rank = row.get("level_rank", "").strip()
        label = self.text(row, "level_label", line, required=bool(raw_rank))
        description = self.text(row, "level_description", line, required=False)
        if not raw_rank:
            if label or description:
                self.problem(line, "level_rank", _("is required for a level."))
            return
        rank: object = int(raw_rank) if raw_rank.isascii() and raw_rank.isdigit() else raw_rank
        if problem := rank_problem(rank):
            self.problem(line, "level_rank", problem)
            return
        assert isinstance(rank, int)
        if rank in competence.levels:
            self.problem(
                line,
                "level_rank",
                _("competence %(code)s already has a level %(rank)s (line %(line)s).")
                % {"code": competence.code, "rank": rank, "line": competence.level_lines[rank]},
            )
            return
        competence.levels[rank] = LevelDoc(rank, label, description)
        competence.level_lines[rank] = line

    def document(self) -> FrameworkDoc:
        for competence in self.competences.values():
            if missing := missing_ranks(list(competence.levels)):
                self.problem(
                    competence.line,
                    "level_rank",
                    _("the levels of %(code)s must be ranked 1 to %(count)s; missing: %(missing)s.")
                    % {
                        "code": competence.code,
                        "count": len(competence.levels),
                        "missing": ", ".join(map(str, missing)),
                    },
                )
        return FrameworkDoc(
            blocs=tuple(
                BlocDoc(
                    code=bloc.code,
                    title=bloc.title,
                    description=bloc.description,
                    competences=tuple(
                        CompetenceDoc(
                            code=c.code,
                            title=c.title,
                            description=c.description,
                            skills=c.skills or (),
                            levels=tuple(c.levels[rank] for rank in sorted(c.levels)),
                        )
                        for c in (self.competences[code] for code in bloc.competences)
                    ),
                )
                for bloc in self.blocs.values()
            )
        )


def parse(content: bytes, *, title: str = "", description: str = "") -> FrameworkDoc:
    """Read a CSV file; raises ``DocumentRefused`` with every problem found.

    The file holds no framework title: ``title`` and ``description`` are those to use if the
    import creates a new framework.
    """
    if len(content) > MAX_BYTES:
        raise DocumentRefused(
            [Problem("", _("The file is too large (at most %(max)s MB).") % {"max": 5})]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise DocumentRefused(
            [Problem(_("line %(line)s") % {"line": line}, _("the file is not UTF-8 text."))]
        ) from None
    reader = _Reader()
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, strict=True)
    try:
        header = next(rows, None)
    except csv.Error as error:
        raise DocumentRefused([Problem(_("line 1"), str(error))]) from None
    if not header or not any(cell.strip() for cell in header):
        raise DocumentRefused([Problem(_("line 1"), _("the header row is missing."))])
    columns = [cell.strip().lower() for cell in header]
    header_problems = _header_problems(columns, header)
    if header_problems:
        raise DocumentRefused(header_problems)
    line = 1
    count = 0
    while True:
        start = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            reader.problem(
                start, None, _("this line cannot be read (%(reason)s).") % {"reason": error}
            )
            break
        line = start
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            reader.problem(line, None, _("too many rows (at most %(max)s).") % {"max": MAX_ROWS})
            break
        if len(cells) != len(columns):
            reader.problem(
                line,
                None,
                _("%(count)s values for %(columns)s columns.")
                % {"count": len(cells), "columns": len(columns)},
            )
            continue
        row = dict.fromkeys(COLUMNS, "")
        row.update(zip(columns, cells, strict=True))
        reader.row(row, line)
    document = reader.document()
    if not reader.problems and not document.blocs:
        reader.problem(line, None, _("the file holds no bloc."))
    if reader.problems:
        raise DocumentRefused(reader.problems)
    return FrameworkDoc(
        title=normalise_text(title),
        description=normalise_text(description),
        blocs=document.blocs,
    )


def _header_problems(columns: list[str], header: list[str]) -> list[Problem]:
    if len(columns) == 1 and "," in header[0]:
        return [
            Problem(
                _("line 1"),
                _("the columns must be separated by semicolons (;), not commas."),
                (1, ""),
            )
        ]
    problems = []
    seen: set[str] = set()
    for cell, column in zip(header, columns, strict=True):
        location = _("line 1, column %(column)s") % {"column": cell.strip()[:40] or "?"}
        if column not in COLUMNS:
            problems.append(
                Problem(
                    location,
                    _("unknown column; the columns are: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                    (1, column),
                )
            )
        elif column in seen:
            problems.append(Problem(location, _("this column is given twice."), (1, column)))
        seen.add(column)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(
                Problem(
                    _("line 1"),
                    _("the column %(column)s is missing.") % {"column": column},
                    (1, column),
                )
            )
    return problems
