"""Skills of the référentiels to link to a competence: the matcher's suggestions from its title
and description, and a search by text for linking by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from fabrique.engine.text import fold
from fabrique.frameworks.documents import SCHEMES
from fabrique.frameworks.models import Competence
from fabrique.referentials import matching
from fabrique.referentials.models import Skill, SkillLabel

SUGGESTIONS_PER_SCHEME = 8
SEARCH_RESULTS = 20
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Suggestion:
    skill: Skill
    score: float
    evidence: tuple[str, ...]
    linked: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def competence_text(competence: Competence) -> str:
    return f"{competence.title}\n{competence.description}".strip()


def suggest_skills(
    competence: Competence, *, per_scheme: int = SUGGESTIONS_PER_SCHEME
) -> dict[str, list[Suggestion]]:
    """For ROME and ESCO, the best skills for the competence's title and description.

    The matcher answers codes of the shipped référentiel files; those the database does not
    hold are skipped.
    """
    text = competence_text(competence)
    linked = set(competence.skill_links.values_list("skill_id", flat=True))
    found: dict[str, list[Suggestion]] = {}
    for scheme in SCHEMES:
        matches = matching.skills([text], scheme=scheme, top=per_scheme * 2)[0] if text else []
        skills = {
            skill.code: skill
            for skill in Skill.objects.filter(scheme=scheme, code__in=[m.code for m in matches])
        }
        found[scheme] = [
            Suggestion(skills[m.code], m.score, m.evidence, skills[m.code].pk in linked)
            for m in matches
            if m.code in skills
        ][:per_scheme]
    return found


def clean_query(query: str | None) -> str:
    return (query or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def search_skills(query: str, *, scheme: str = "") -> QuerySet[Skill]:
    """ROME and ESCO skills whose label (any language, accents ignored) or code matches."""
    query = clean_query(query)
    skills = Skill.objects.filter(scheme__in=SCHEMES, obsolete=False)
    if scheme in SCHEMES:
        skills = skills.filter(scheme=scheme)
    if not query:
        return skills.none()
    folded = fold(query)
    condition = Q(label__icontains=query) | Q(label_en__icontains=query) | Q(code=query)
    if folded:
        condition |= Exists(
            SkillLabel.objects.filter(skill=OuterRef("pk"), folded__contains=folded)
        )
    return skills.filter(condition).order_by("scheme", "label", "pk")
