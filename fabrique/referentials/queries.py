"""Reads of the référentiels: look-ups by code, the detail pages, and the people a user may
give skills to. Search is in ``search.py``, the analysis of a free text in ``analysis.py``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from fabrique.accounts import rules as account_rules
from fabrique.accounts.enums import Role
from fabrique.people.models import Person
from fabrique.referentials.models import (
    Certification,
    LabelKind,
    Occupation,
    Scheme,
    Skill,
)

MAX_QUERY_LENGTH = 100
ESCO_BASE = "http://data.europa.eu/esco/"
ROME_CODE = re.compile(r"[a-n]\d{1,4}")
UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def clean_query(query: str | None) -> str:
    """A search text fit for the database: without NUL characters, trimmed, bounded."""
    return (query or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


# --- codes and look-ups ----------------------------------------------------------------------


def url_code(row: Occupation | Skill | Certification) -> str:
    """The code of a row as it appears in addresses: the UUID of an ESCO URI, else the code."""
    code = row.code
    if isinstance(row, Occupation | Skill) and code.startswith(ESCO_BASE):
        return code.rsplit("/", 1)[-1]
    return code


def _code_candidates(code: str, esco_kind: str) -> list[str]:
    code = code.replace("\x00", "").strip()[:200]
    candidates = [code]
    if UUID.fullmatch(code.lower()):
        candidates.append(f"{ESCO_BASE}{esco_kind}/{code.lower()}")
    elif code.startswith("https://data.europa.eu/esco/"):
        candidates.append("http://" + code.removeprefix("https://"))
    elif ROME_CODE.fullmatch(code.lower()):
        candidates.append(code.upper())
    return candidates


def _scheme_order() -> Case:
    return Case(
        When(scheme=Scheme.ROME, then=Value(0)),
        When(scheme=Scheme.ESCO, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def occupation_by_code(code: str) -> Occupation | None:
    """The occupation of a ROME code (H2903), an ESCO URI or the UUID that ends it."""
    rows = Occupation.objects.filter(code__in=_code_candidates(code, "occupation"))
    return rows.select_related("parent", "group__parent").order_by(_scheme_order()).first()


def skill_by_code(code: str) -> Skill | None:
    """The skill of a ROME ``code_ogr``, an ESCO URI or the UUID that ends it."""
    rows = Skill.objects.filter(code__in=_code_candidates(code, "skill"))
    return rows.order_by(_scheme_order()).first()


def certification_by_code(code: str) -> Certification | None:
    """The certification of a code like RNCP211 or RS5678 (any case)."""
    code = code.replace("\x00", "").strip().upper().replace(" ", "")[:20]
    return Certification.objects.filter(code=code).first()


def skills_from_tokens(tokens: Iterable[str]) -> list[Skill]:
    """Skills named by ``scheme:code`` tokens (``rome:100007``, ``esco:http://...``), in the
    order given, unknown ones left out: what the "suggest from text" fragment sends."""
    wanted: list[tuple[str, str]] = []
    for token in tokens:
        scheme, _sep, code = token.replace("\x00", "").partition(":")
        if scheme and code and (scheme, code) not in wanted:
            wanted.append((scheme, code[:200]))
    wanted = wanted[:500]
    if not wanted:
        return []
    condition = Q()
    for scheme, code in wanted:
        condition |= Q(scheme=scheme, code=code)
    found = {(skill.scheme, skill.code): skill for skill in Skill.objects.filter(condition)}
    return [found[key] for key in wanted if key in found]


def skill_token(skill: Skill) -> str:
    return f"{skill.scheme}:{skill.code}"


# --- people a user may give skills to ---------------------------------------------------------


def people_editable_by(user: Any) -> QuerySet[Person]:
    """People whose record ``user`` may change (accounts.rules.can_edit_person), not erased."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Person.objects.none()
    people = Person.objects.filter(anonymised_at__isnull=True)
    if account_rules.is_platform_admin(user):
        return people
    editors = account_rules.organisation_ids(
        user, Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER
    )
    scope = editors | account_rules.coordinated_organisation_ids(user)
    return people.filter(Q(organisation_id__in=scope) | Q(user=user))


# --- detail pages ------------------------------------------------------------------------------

DETAIL_LIST_LIMIT = 100
_ROME_KINDS = ("savoir-faire", "savoir-être", "savoir")


@dataclass(frozen=True)
class SkillGroup:
    """Skills of an occupation under one heading (a ROME category, an ESCO skill type)."""

    title: str
    links: list[Any]


@dataclass(frozen=True)
class SkillSection:
    """Skills of an occupation of one kind (ROME) or essential / optional (ESCO)."""

    key: str
    groups: list[SkillGroup]

    @property
    def count(self) -> int:
        return sum(len(group.links) for group in self.groups)


def _grouped(links: list[Any], key: Any) -> list[SkillGroup]:
    groups: dict[str, list[Any]] = {}
    for link in links:
        groups.setdefault(key(link), []).append(link)
    return [
        SkillGroup(
            title=title,
            links=sorted(items, key=lambda link: (not link.essential, link.skill.label)),
        )
        for title, items in sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    ]


def occupation_skill_sections(occupation: Occupation) -> list[SkillSection]:
    """The skills an occupation requires, for its page.

    ROME: one section per kind (savoir-faire, savoir-être, savoirs), grouped by category,
    essential ("cœur de métier") first. ESCO: essential then optional skills, grouped by type.
    """
    links = list(
        occupation.skill_links.select_related("skill").order_by("skill__label", "skill__code")
    )
    if occupation.scheme == Scheme.ESCO:
        sections = []
        for key, essential in (("essential", True), ("optional", False)):
            chosen = [link for link in links if link.essential == essential]
            if chosen:
                sections.append(SkillSection(key, _grouped(chosen, lambda link: link.skill.kind)))
        return sections
    by_kind: dict[str, list[Any]] = {}
    for link in links:
        by_kind.setdefault(link.skill.kind, []).append(link)
    order = [kind for kind in _ROME_KINDS if kind in by_kind]
    order += sorted(kind for kind in by_kind if kind not in _ROME_KINDS)
    return [
        SkillSection(kind, _grouped(by_kind[kind], lambda link: link.skill.category))
        for kind in order
    ]


@dataclass(frozen=True)
class LabelGroup:
    language: str
    kind: str
    labels: list[Any]


def label_groups(labels: Iterable[Any]) -> list[LabelGroup]:
    """Labels by language (French first) and kind (preferred, appellations, alternative)."""
    order = {
        LabelKind.PREFERRED: 0,
        LabelKind.APPELLATION: 1,
        LabelKind.ALTERNATIVE: 2,
        LabelKind.HIDDEN: 3,
    }
    groups: dict[tuple[str, str], list[Any]] = {}
    for label in labels:
        groups.setdefault((label.language, label.kind), []).append(label)
    return [
        LabelGroup(language, kind, sorted(items, key=lambda label: label.text.lower()))
        for (language, kind), items in sorted(
            groups.items(),
            key=lambda item: (item[0][0] != "fr", item[0][0], order.get(item[0][1], 9)),
        )
    ]


def group_chain(occupation: Occupation) -> list[Any]:
    """The occupation's groups, broadest first (grand domaine, domaine; ISCO levels)."""
    chain = []
    group = occupation.group
    seen = set()
    while group is not None and group.pk not in seen and len(chain) < 10:
        seen.add(group.pk)
        chain.append(group)
        group = group.parent
    return list(reversed(chain))


def occupation_page(occupation: Occupation) -> dict[str, Any]:
    """What the occupation page shows, read in a bounded number of queries."""
    labels = list(occupation.labels.filter(obsolete=False))
    work_contexts: dict[str, list[Any]] = {}
    for context in occupation.work_contexts.filter(obsolete=False).order_by("category", "label"):
        work_contexts.setdefault(context.category, []).append(context)
    return {
        "groups": group_chain(occupation),
        "variants": list(occupation.variants.filter(obsolete=False).order_by("code", "label")),
        "label_groups": label_groups(labels),
        "skill_sections": occupation_skill_sections(occupation),
        "work_contexts": list(work_contexts.items()),
        "mobilities": list(
            occupation.mobilities.select_related("target").order_by("rank", "target__code")
        ),
        "certifications": list(
            occupation.certifications.order_by(F("active").desc(nulls_last=True), "code")
        ),
    }


def skill_page(skill: Skill) -> dict[str, Any]:
    """What the skill page shows: labels, broader and narrower skills, the occupations that
    require it (at most ``DETAIL_LIST_LIMIT`` of each kind, with their counts)."""
    links = skill.occupation_links.select_related("occupation").filter(occupation__obsolete=False)
    essential = links.filter(essential=True).order_by("occupation__scheme", "occupation__label")
    optional = links.filter(essential=False).order_by("occupation__scheme", "occupation__label")
    return {
        "label_groups": label_groups(skill.labels.all()),
        "broader": list(skill.broader.order_by("label")),
        "narrower": list(skill.narrower.order_by("label")[:DETAIL_LIST_LIMIT]),
        "essential_for": list(essential[:DETAIL_LIST_LIMIT]),
        "essential_count": essential.count(),
        "optional_for": list(optional[:DETAIL_LIST_LIMIT]),
        "optional_count": optional.count(),
    }


def certification_page(certification: Certification) -> dict[str, Any]:
    return {
        "blocs": list(certification.blocs.order_by("code")),
        "occupations": list(certification.occupations.order_by("code")),
        "formacodes": list(certification.formacodes.order_by("code")),
        "nsf_domains": list(certification.nsf_domains.order_by("code")),
        "certifiers": list(certification.certifiers.order_by("name")),
        "replaced_by": list(certification.replaced_by.order_by("code")),
        "replaces": list(certification.replaces.order_by("code")),
    }
