"""A framework's content as plain data, independent of the database and of the file format.

The CSV and JSON readers (``csvformat``, ``jsonformat``) turn a file into a ``FrameworkDoc``
or into a list of ``Problem`` naming where and why; the writers turn a version into a
document (``document_of``) and the document into a file. Import writes a document through
``actions.import_framework``; exporting a version and importing the file gives the same
document again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from fabrique.frameworks.enums import SkillSchemeChoice
from fabrique.frameworks.models import (
    CODE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    MAX_LEVELS,
    TITLE_MAX_LENGTH,
    Bloc,
    Competence,
    CompetenceSkill,
    FrameworkVersion,
)
from fabrique.referentials.models import Skill

SKILL_CODE_MAX_LENGTH = 200
MAX_BLOCS = 100
MAX_COMPETENCES = 1000
MAX_SKILLS_PER_COMPETENCE = 50
MAX_PROBLEMS = 200
SCHEMES = tuple(SkillSchemeChoice.values)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")

if TYPE_CHECKING:
    from fabrique.frameworks.models import CompetencyFramework


@dataclass(frozen=True)
class Problem:
    """Why a file is refused, and where: ``line 4, column bloc_code`` or ``blocs[2].code``."""

    where: str
    message: str
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DocumentRefused(Exception):
    """A file or document that cannot be imported; ``problems`` says every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems[:5]))


@dataclass(frozen=True)
class SkillRef:
    scheme: str
    code: str
    where: str = field(default="", compare=False)
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.scheme}:{self.code}"


@dataclass(frozen=True)
class LevelDoc:
    rank: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class CompetenceDoc:
    code: str
    title: str
    description: str = ""
    skills: tuple[SkillRef, ...] = ()
    levels: tuple[LevelDoc, ...] = ()


@dataclass(frozen=True)
class BlocDoc:
    code: str
    title: str
    description: str = ""
    competences: tuple[CompetenceDoc, ...] = ()


@dataclass(frozen=True)
class FrameworkDoc:
    title: str = ""
    description: str = ""
    slug: str = ""
    blocs: tuple[BlocDoc, ...] = ()

    @property
    def competence_count(self) -> int:
        return sum(len(bloc.competences) for bloc in self.blocs)

    @property
    def level_count(self) -> int:
        return sum(len(c.levels) for bloc in self.blocs for c in bloc.competences)

    @property
    def skill_count(self) -> int:
        return sum(len(c.skills) for bloc in self.blocs for c in bloc.competences)


def normalise_text(value: str) -> str:
    """What is stored: surrounding blanks removed, line ends as ``\\n``."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- checks shared by the readers ----------------------------------------------------------


def text_problem(value: str, *, required: bool, max_length: int) -> str | None:
    """Why a text value is refused, or None."""
    if "\x00" in value:
        return _("contains a NUL character.")
    if required and not value:
        return _("is required.")
    if len(value) > max_length:
        return _("is too long (%(length)s characters, at most %(max)s).") % {
            "length": len(value),
            "max": max_length,
        }
    return None


def code_problem(value: str) -> str | None:
    problem = text_problem(value, required=True, max_length=CODE_MAX_LENGTH)
    if problem is None and not CODE_PATTERN.match(value):
        return _(
            "“%(code)s” is not a valid code: use letters, digits, dots, hyphens and "
            "underscores, starting with a letter or a digit."
        ) % {"code": value}
    return problem


FIELD_LIMITS = {
    "title": TITLE_MAX_LENGTH,
    "description": DESCRIPTION_MAX_LENGTH,
    "label": LABEL_MAX_LENGTH,
}


def rank_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _("must be a whole number.")
    if not 1 <= value <= MAX_LEVELS:
        return _("must be between 1 and %(max)s.") % {"max": MAX_LEVELS}
    return None


def skill_ref_problem(scheme: str, code: str) -> str | None:
    if scheme not in SCHEMES:
        return _("“%(scheme)s” is not a skill scheme: use %(schemes)s.") % {
            "scheme": scheme,
            "schemes": " or ".join(SCHEMES),
        }
    return text_problem(code, required=True, max_length=SKILL_CODE_MAX_LENGTH)


def missing_ranks(ranks: list[int]) -> list[int]:
    """Ranks missing for the levels to be numbered 1..n."""
    return [rank for rank in range(1, len(ranks) + 1) if rank not in set(ranks)]


# --- skills of the référentiels --------------------------------------------------------------


def resolve_skills(document: FrameworkDoc) -> dict[tuple[str, str], Skill]:
    """The référentiel skills the document links to, by (scheme, code).

    Raises ``DocumentRefused`` naming each reference to a skill the database does not hold.
    """
    refs = [ref for bloc in document.blocs for c in bloc.competences for ref in c.skills]
    wanted = {(ref.scheme, ref.code) for ref in refs}
    found: dict[tuple[str, str], Skill] = {}
    for scheme in SCHEMES:
        codes = [code for s, code in wanted if s == scheme]
        for start in range(0, len(codes), 500):
            for skill in Skill.objects.filter(scheme=scheme, code__in=codes[start : start + 500]):
                found[(skill.scheme, skill.code)] = skill
    problems = [
        Problem(
            ref.where,
            _("no %(scheme)s skill has the code “%(code)s”.")
            % {"scheme": SkillSchemeChoice(ref.scheme).label, "code": ref.code},
            ref.path,
        )
        for ref in refs
        if (ref.scheme, ref.code) not in found
    ]
    if problems:
        raise DocumentRefused(problems[:MAX_PROBLEMS])
    return found


# --- from the database -------------------------------------------------------------------------


def tree_of(version: FrameworkVersion) -> list[Bloc]:
    """The blocs of a version with their competences, levels and linked skills, in 4 queries."""
    links = CompetenceSkill.objects.select_related("skill").order_by("skill__scheme", "skill__code")
    competences = Competence.objects.order_by("position", "pk").prefetch_related(
        "levels", Prefetch("skill_links", queryset=links)
    )
    return list(
        version.blocs.order_by("position", "pk").prefetch_related(
            Prefetch("competences", queryset=competences)
        )
    )


def document_of(version: FrameworkVersion, blocs: list[Bloc] | None = None) -> FrameworkDoc:
    framework: CompetencyFramework = version.framework
    blocs = tree_of(version) if blocs is None else blocs
    return FrameworkDoc(
        title=framework.title,
        description=framework.description,
        slug=framework.slug,
        blocs=tuple(
            BlocDoc(
                code=bloc.code,
                title=bloc.title,
                description=bloc.description,
                competences=tuple(
                    CompetenceDoc(
                        code=competence.code,
                        title=competence.title,
                        description=competence.description,
                        skills=tuple(
                            SkillRef(link.skill.scheme, link.skill.code)
                            for link in competence.skill_links.all()
                        ),
                        levels=tuple(
                            LevelDoc(level.rank, level.label, level.description)
                            for level in competence.levels.all()
                        ),
                    )
                    for competence in bloc.competences.all()
                ),
            )
            for bloc in blocs
        ),
    )


def skill_labels(document: FrameworkDoc) -> dict[tuple[str, str], str]:
    """Labels of the skills a document links to (for readers of an export)."""
    refs = {
        (ref.scheme, ref.code) for b in document.blocs for c in b.competences for ref in c.skills
    }
    if not refs:
        return {}
    condition = Q()
    for scheme in SCHEMES:
        codes = [code for s, code in refs if s == scheme]
        if codes:
            condition |= Q(scheme=scheme, code__in=codes)
    return {
        (scheme, code): label
        for scheme, code, label in Skill.objects.filter(condition).values_list(
            "scheme", "code", "label"
        )
    }
