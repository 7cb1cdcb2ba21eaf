"""The JSON document of a framework version, ``fabrique-framework/1`` (docs/formats/framework.md).

``to_data`` writes it; ``parse``/``parse_data`` read it, validated whole: every problem is
reported with its path (``blocs[2].competences[0].code``) and nothing is returned unless the
document is valid.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from fabrique.frameworks.documents import (
    FIELD_LIMITS,
    MAX_BLOCS,
    MAX_COMPETENCES,
    MAX_PROBLEMS,
    MAX_SKILLS_PER_COMPETENCE,
    SCHEMES,
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
    skill_labels,
    skill_ref_problem,
    text_problem,
)
from fabrique.frameworks.models import MAX_LEVELS, FrameworkVersion

FORMAT = "fabrique-framework/1"
CONTENT_TYPE = "application/json"
MAX_BYTES = 5 * 1024 * 1024

Path = tuple[str | int, ...]


def where(path: Path) -> str:
    """``("blocs", 2, "code")`` → ``blocs[2].code``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


# --- writing -----------------------------------------------------------------------------------


def to_data(document: FrameworkDoc, version: FrameworkVersion | None = None) -> dict[str, Any]:
    labels = skill_labels(document)
    data: dict[str, Any] = {
        "format": FORMAT,
        "framework": {
            "slug": document.slug,
            "title": document.title,
            "description": document.description,
        },
    }
    if version is not None:
        owner = version.framework.owner
        data["framework"]["owner"] = {"slug": owner.slug, "name": owner.name}
        data["version"] = {
            "number": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "change_note": version.change_note,
        }
    data["blocs"] = [
        {
            "code": bloc.code,
            "title": bloc.title,
            "description": bloc.description,
            "competences": [
                {
                    "code": competence.code,
                    "title": competence.title,
                    "description": competence.description,
                    "skills": [
                        {
                            "scheme": ref.scheme,
                            "code": ref.code,
                            "label": labels.get((ref.scheme, ref.code), ""),
                        }
                        for ref in competence.skills
                    ],
                    "levels": [
                        {"rank": level.rank, "label": level.label, "description": level.description}
                        for level in competence.levels
                    ],
                }
                for competence in bloc.competences
            ],
        }
        for bloc in document.blocs
    ]
    return data


def dumps(document: FrameworkDoc, version: FrameworkVersion | None = None) -> str:
    return json.dumps(to_data(document, version), ensure_ascii=False, indent=2) + "\n"


# --- reading -----------------------------------------------------------------------------------


def parse(content: bytes) -> FrameworkDoc:
    """Read a JSON file; raises ``DocumentRefused`` with every problem found."""
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
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        location = _("line %(line)s, column %(column)s") % {
            "line": error.lineno,
            "column": error.colno,
        }
        message = _("this is not valid JSON (%(reason)s).") % {"reason": error.msg}
        raise DocumentRefused([Problem(location, message)]) from None
    except (ValueError, RecursionError):
        raise DocumentRefused([Problem("", _("This is not valid JSON."))]) from None
    return parse_data(data)


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(where(path), message, path))

    def object(self, value: Any, path: Path, keys: set[str], required: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, _("must be an object."))
            return None
        for key in value:
            if key not in keys:
                self.problem((*path, str(key)), _("is not a known field."))
        for key in sorted(required - set(value)):
            self.problem((*path, key), _("is required."))
        return value

    def array(self, value: Any, path: Path, max_items: int) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, _("must be a list."))
            return []
        if len(value) > max_items:
            self.problem(path, _("has too many items (at most %(max)s).") % {"max": max_items})
            return []
        return value

    def text(self, data: dict, key: str, path: Path, *, required: bool, limit: str) -> str:
        if key not in data:
            return ""  # a missing required field is reported by ``object``
        value = data[key]
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem((*path, key), _("must be text."))
            return ""
        value = normalise_text(value)
        if problem := text_problem(value, required=required, max_length=FIELD_LIMITS[limit]):
            self.problem((*path, key), problem)
        return value

    def code(self, data: dict, path: Path, seen: dict[str, Path], kind: str) -> str:
        value = data.get("code", "")
        if not isinstance(value, str):
            self.problem((*path, "code"), _("must be text."))
            return ""
        value = value.strip()
        if problem := code_problem(value):
            self.problem((*path, "code"), problem)
        elif value in seen:
            self.problem(
                (*path, "code"),
                _("the %(kind)s code “%(code)s” is already used at %(other)s.")
                % {"kind": kind, "code": value, "other": where(seen[value])},
            )
        else:
            seen[value] = (*path, "code")
        return value


def parse_data(data: Any) -> FrameworkDoc:
    """Read a decoded ``fabrique-framework/1`` document; raises ``DocumentRefused``."""
    reader = _Reader()
    top = reader.object(
        data, (), {"format", "framework", "version", "blocs"}, {"format", "framework", "blocs"}
    )
    if top is None:
        raise DocumentRefused(reader.problems)
    if "format" in top and top["format"] != FORMAT:
        reader.problem(("format",), _("must be “%(format)s”.") % {"format": FORMAT})
    if "version" in top and not isinstance(top["version"], dict | None):
        reader.problem(("version",), _("must be an object."))
    title = description = slug = ""
    framework = reader.object(
        top.get("framework", {}),
        ("framework",),
        {"slug", "title", "description", "owner"},
        {"title"},
    )
    if framework is not None:
        title = reader.text(framework, "title", ("framework",), required=True, limit="title")
        description = reader.text(
            framework, "description", ("framework",), required=False, limit="description"
        )
        raw_slug = framework.get("slug", "")
        if isinstance(raw_slug, str) and len(raw_slug) <= 80 and "\x00" not in raw_slug:
            slug = raw_slug.strip()
        else:
            reader.problem(("framework", "slug"), _("must be a short name of 80 characters."))
    bloc_codes: dict[str, Path] = {}
    competence_codes: dict[str, Path] = {}
    blocs = []
    competence_total = 0
    for b, raw_bloc in enumerate(reader.array(top.get("blocs"), ("blocs",), MAX_BLOCS)):
        path: Path = ("blocs", b)
        bloc = reader.object(
            raw_bloc, path, {"code", "title", "description", "competences"}, {"code", "title"}
        )
        if bloc is None:
            continue
        code = reader.code(bloc, path, bloc_codes, _("bloc"))
        bloc_title = reader.text(bloc, "title", path, required=True, limit="title")
        bloc_description = reader.text(
            bloc, "description", path, required=False, limit="description"
        )
        competences = []
        raw_competences = reader.array(
            bloc.get("competences"), (*path, "competences"), MAX_COMPETENCES
        )
        competence_total += len(raw_competences)
        for c, raw_competence in enumerate(raw_competences):
            competence = _competence(
                reader, raw_competence, (*path, "competences", c), competence_codes
            )
            if competence is not None:
                competences.append(competence)
        blocs.append(
            BlocDoc(
                code=code,
                title=bloc_title,
                description=bloc_description,
                competences=tuple(competences),
            )
        )
    if competence_total > MAX_COMPETENCES:
        reader.problem(
            ("blocs",), _("has too many competences (at most %(max)s).") % {"max": MAX_COMPETENCES}
        )
    if reader.problems:
        raise DocumentRefused(reader.problems)
    return FrameworkDoc(title=title, description=description, slug=slug, blocs=tuple(blocs))


def _competence(
    reader: _Reader, raw: Any, path: Path, codes: dict[str, Path]
) -> CompetenceDoc | None:
    competence = reader.object(
        raw, path, {"code", "title", "description", "skills", "levels"}, {"code", "title"}
    )
    if competence is None:
        return None
    code = reader.code(competence, path, codes, _("competence"))
    title = reader.text(competence, "title", path, required=True, limit="title")
    description = reader.text(competence, "description", path, required=False, limit="description")
    skills: list[SkillRef] = []
    for s, raw_skill in enumerate(
        reader.array(competence.get("skills"), (*path, "skills"), MAX_SKILLS_PER_COMPETENCE)
    ):
        skill_path: Path = (*path, "skills", s)
        skill = reader.object(
            raw_skill, skill_path, {"scheme", "code", "label"}, {"scheme", "code"}
        )
        if skill is None:
            continue
        scheme, code_value = skill.get("scheme", ""), skill.get("code", "")
        if not isinstance(scheme, str) or not isinstance(code_value, str):
            reader.problem(skill_path, _("scheme and code must be text."))
            continue
        ref = SkillRef(
            scheme.strip(), code_value.strip(), where((*skill_path, "code")), (*skill_path, "code")
        )
        if problem := skill_ref_problem(ref.scheme, ref.code):
            field = "code" if ref.scheme in SCHEMES else "scheme"
            reader.problem((*skill_path, field), problem)
        elif ref in skills:
            reader.problem((*skill_path, "code"), _("this skill is already listed."))
        else:
            skills.append(ref)
    levels: list[LevelDoc] = []
    level_paths: dict[int, Path] = {}
    raw_levels = reader.array(competence.get("levels"), (*path, "levels"), MAX_LEVELS)
    for n, raw_level in enumerate(raw_levels):
        level_path: Path = (*path, "levels", n)
        level = reader.object(
            raw_level, level_path, {"rank", "label", "description"}, {"rank", "label"}
        )
        if level is None:
            continue
        rank = level.get("rank")
        if problem := rank_problem(rank):
            if "rank" in level:
                reader.problem((*level_path, "rank"), problem)
            continue
        if rank in level_paths:
            reader.problem(
                (*level_path, "rank"),
                _("rank %(rank)s is already given at %(other)s.")
                % {"rank": rank, "other": where(level_paths[rank])},
            )
            continue
        level_paths[rank] = (*level_path, "rank")
        levels.append(
            LevelDoc(
                rank=rank,
                label=reader.text(level, "label", level_path, required=True, limit="label"),
                description=reader.text(
                    level, "description", level_path, required=False, limit="description"
                ),
            )
        )
    missing = missing_ranks([level.rank for level in levels])
    if missing and len(levels) == len(raw_levels):
        reader.problem(
            (*path, "levels"),
            _("levels must be ranked 1 to %(count)s; missing: %(missing)s.")
            % {"count": len(levels), "missing": ", ".join(map(str, missing))},
        )
    return CompetenceDoc(
        code=code,
        title=title,
        description=description,
        skills=tuple(skills),
        levels=tuple(sorted(levels, key=lambda level: level.rank)),
    )
