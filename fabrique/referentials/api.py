"""API of the référentiels (``/api/v1/referentials``): search, occupations, skills,
certifications, the analysis of a free text and a person's skill gap.

Reads of the référentiels are public, like the pages. Codes: a ROME code (H2903) or
``code_ogr``, an ESCO URI or the UUID that ends it, an RNCP or RS number (RNCP211). ESCO URIs
hold slashes: the detail routes take the rest of the path as the code, so
``/occupations/http://data.europa.eu/esco/occupation/<uuid>`` and ``/occupations/<uuid>`` both
work (encoded or not).
"""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.people.queries import people_visible_to
from fabrique.referentials import analysis, queries, rules, search
from fabrique.referentials.forms import MAX_TEXT_BYTES
from fabrique.referentials.gap import skill_gap
from fabrique.referentials.urls import detail_url

router = Router(tags=["referentials"])

SchemeFilter = Literal["", "rome", "esco", "custom"]
SearchText = Annotated[
    str, Query(..., min_length=1, max_length=queries.MAX_QUERY_LENGTH, description="Search text")
]


# --- schemas ------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


def _url(row: Any) -> str:
    # Details are built as dicts that carry their address; references are rows.
    return str(row["url"]) if isinstance(row, dict) else detail_url(row)


class OccupationRef(Schema):
    scheme: str
    code: str
    label: str
    label_en: str
    obsolete: bool
    url: str

    @staticmethod
    def resolve_url(row: Any) -> str:
        return _url(row)


class SkillRef(Schema):
    scheme: str
    code: str
    label: str
    label_en: str
    kind: str
    obsolete: bool
    url: str

    @staticmethod
    def resolve_url(row: Any) -> str:
        return _url(row)


class CertificationRef(Schema):
    code: str
    kind: str = Field(..., description="Register: rncp or rs")
    title: str
    level: str
    active: bool | None
    obsolete: bool
    url: str

    @staticmethod
    def resolve_url(row: Any) -> str:
        return _url(row)


class _Hit(Schema):
    matched_label: str = Field(
        "", description="The label that matched, when it matched better than the row's own"
    )
    approximate: bool = Field(False, description="Found by typo tolerance or the text matcher")

    @staticmethod
    def resolve_matched_label(row: Any) -> str:
        return str(getattr(row, "matched", "") or "")

    @staticmethod
    def resolve_approximate(row: Any) -> bool:
        return bool(getattr(row, "approximate", False))


class OccupationHit(OccupationRef, _Hit):
    pass


class SkillHit(SkillRef, _Hit):
    pass


class CertificationHit(CertificationRef):
    approximate: bool = Field(False, description="Found by typo tolerance")

    @staticmethod
    def resolve_approximate(row: Any) -> bool:
        return bool(getattr(row, "approximate", False))


class LabelOut(Schema):
    language: str
    kind: str
    code: str = ""
    text: str


class GroupOut(Schema):
    scheme: str
    code: str
    label: str


class SkillLinkOut(Schema):
    essential: bool
    skill: SkillRef


class OccupationDetail(OccupationRef):
    source_code: str
    definition: str
    definition_en: str
    access: str
    tags: list[str]
    version: str
    parent: OccupationRef | None
    variants: list[OccupationRef]
    groups: list[GroupOut] = Field(..., description="Broadest first")
    labels: list[LabelOut]
    skills: list[SkillLinkOut]
    work_contexts: list[str]
    mobilities: list[OccupationRef]
    certifications: list[CertificationRef]


class OccupationLinkOut(Schema):
    essential: bool
    occupation: OccupationRef


class SkillDetail(SkillRef):
    category: str
    description: str
    description_en: str
    collections: list[str]
    version: str
    labels: list[LabelOut]
    broader: list[SkillRef]
    narrower: list[SkillRef]
    occupations: list[OccupationLinkOut] = Field(
        ..., description=f"At most {queries.DETAIL_LIST_LIMIT} essential and as many optional"
    )


class CodeLabel(Schema):
    code: str
    label: str


class CertificationDetail(CertificationRef):
    version: str
    blocs: list[CodeLabel]
    occupations: list[OccupationRef]
    formacodes: list[CodeLabel]
    nsf_domains: list[CodeLabel]
    certifiers: list[str]
    replaced_by: list[str]
    replaces: list[str]


class AnalyseIn(Schema):
    text: Text = Field(..., min_length=1, max_length=MAX_TEXT_BYTES, description="At most 100 kB")
    schemes: list[Literal["rome", "esco"]] = Field(
        default_factory=lambda: ["rome", "esco"], max_length=2
    )
    occupations: int = Field(analysis.ANALYSIS_OCCUPATIONS, ge=0, le=50)
    skills: int = Field(analysis.ANALYSIS_SKILLS, ge=0, le=100)


class FoundOut(Schema):
    scheme: str
    code: str
    label: str
    score: float = Field(..., ge=0, le=1)
    evidence: list[str] = Field(..., description="Labels of the référentiel that matched")
    excerpts: list[str] = Field(..., description="Passages of the text where they appear")
    url: str


class AnalysisOut(Schema):
    occupations: list[FoundOut]
    skills: list[FoundOut]
    passages: int = Field(..., description="How many passages of the text were analysed")
    truncated: bool


class GapOut(Schema):
    person: int
    occupation: OccupationRef
    reference_occupation: OccupationRef = Field(
        ...,
        description="Whose skills were used: the occupation, or the parent fiche of a "
        "ROME déclinaison without skills of its own",
    )
    essential_coverage: float = Field(..., description="Essential skills held ÷ essential skills")
    coverage: float = Field(
        ..., description="Weighted: each essential skill counts twice as much as an optional one"
    )
    covered_essential: list[SkillRef]
    missing_essential: list[SkillRef]
    covered_optional: list[SkillRef]
    missing_optional: list[SkillRef]


# --- helpers ------------------------------------------------------------------------------------


def _not_found(what: str, code: str) -> Status:
    messages = {
        "occupation": _("No occupation has the code “%(code)s”."),
        "skill": _("No skill has the code “%(code)s”."),
        "certification": _("No certification has the code “%(code)s”."),
    }
    return Status(404, {"detail": messages[what] % {"code": code[:200]}})


def _hits(kind: str, q: str, scheme: str, obsolete: bool) -> list[Any] | Any:
    options = {"kind": kind, "scheme": scheme, "include_obsolete": obsolete}
    return search.search(q, with_counts=False, **options).items


def _found_out(found: analysis.Found) -> dict[str, Any]:
    return {
        "scheme": found.row.scheme,
        "code": found.row.code,
        "label": found.row.label,
        "score": round(found.score, 4),
        "evidence": list(found.labels),
        "excerpts": ["".join(piece.text for piece in excerpt) for excerpt in found.excerpts],
        "url": detail_url(found.row),
    }


# --- search -------------------------------------------------------------------------------------


@router.get(
    "/occupations",
    response={200: list[OccupationHit], 422: InvalidRequest},
    auth=None,
    summary="Find occupations (ROME, ESCO) by label or code",
)
@paginate(BoundedLimitOffset)
def search_occupations(
    request: HttpRequest,
    q: SearchText,
    scheme: SchemeFilter = "",
    obsolete: bool = False,
) -> Any:
    return _hits(search.OCCUPATIONS, q, scheme, obsolete)


@router.get(
    "/skills",
    response={200: list[SkillHit], 422: InvalidRequest},
    auth=None,
    summary="Find skills (ROME compétences and savoirs, ESCO skills) by label or code",
)
@paginate(BoundedLimitOffset)
def search_skills(
    request: HttpRequest,
    q: SearchText,
    scheme: SchemeFilter = "",
    obsolete: bool = False,
) -> Any:
    return _hits(search.SKILLS, q, scheme, obsolete)


@router.get(
    "/certifications",
    response={200: list[CertificationHit], 422: InvalidRequest},
    auth=None,
    summary="Find RNCP and RS certifications by title or code",
)
@paginate(BoundedLimitOffset)
def search_certifications(
    request: HttpRequest,
    q: SearchText,
    kind: Annotated[Literal["", "rncp", "rs"], Query(description="Register")] = "",
    obsolete: bool = False,
) -> Any:
    return _hits(search.CERTIFICATIONS, q, kind, obsolete)


# --- details ------------------------------------------------------------------------------------


@router.get(
    "/occupations/{path:code}",
    response={200: OccupationDetail, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="An occupation with its labels, skills, work contexts, mobilities, certifications",
)
def get_occupation(request: HttpRequest, code: str) -> Any:
    occupation = queries.occupation_by_code(code)
    if occupation is None:
        return _not_found("occupation", code)
    page = queries.occupation_page(occupation)
    links = [
        link
        for section in page["skill_sections"]
        for group in section.groups
        for link in group.links
    ]
    return {
        **{name: getattr(occupation, name) for name in OccupationRef.model_fields if name != "url"},
        "url": detail_url(occupation),
        "source_code": occupation.source_code,
        "definition": occupation.definition,
        "definition_en": occupation.definition_en,
        "access": occupation.access,
        "tags": [str(tag) for tag in occupation.tags or []],
        "version": occupation.version,
        "parent": occupation.parent,
        "variants": page["variants"],
        "groups": page["groups"],
        "labels": list(
            occupation.labels.filter(obsolete=False).order_by("language", "kind", "text")
        ),
        "skills": links,
        "work_contexts": [
            context.label for _c, contexts in page["work_contexts"] for context in contexts
        ],
        "mobilities": [mobility.target for mobility in page["mobilities"]],
        "certifications": page["certifications"],
    }


@router.get(
    "/skills/{path:code}",
    response={200: SkillDetail, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="A skill with its labels, hierarchy and the occupations that need it",
)
def get_skill(request: HttpRequest, code: str) -> Any:
    skill = queries.skill_by_code(code)
    if skill is None:
        return _not_found("skill", code)
    page = queries.skill_page(skill)
    return {
        **{name: getattr(skill, name) for name in SkillRef.model_fields if name != "url"},
        "url": detail_url(skill),
        "category": skill.category,
        "description": skill.description,
        "description_en": skill.description_en,
        "collections": [str(item) for item in skill.collections or []],
        "version": skill.version,
        "labels": list(skill.labels.order_by("language", "kind", "text")),
        "broader": page["broader"],
        "narrower": page["narrower"],
        "occupations": [*page["essential_for"], *page["optional_for"]],
    }


@router.get(
    "/certifications/{code}",
    response={200: CertificationDetail, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="A certification with its blocs, ROME fiches, Formacodes, NSF, certifiers",
)
def get_certification(request: HttpRequest, code: Annotated[str, Field(max_length=40)]) -> Any:
    certification = queries.certification_by_code(code)
    if certification is None:
        return _not_found("certification", code)
    page = queries.certification_page(certification)
    return {
        **{
            name: getattr(certification, name)
            for name in CertificationRef.model_fields
            if name != "url"
        },
        "url": detail_url(certification),
        "version": certification.version,
        "blocs": [{"code": bloc.code, "label": bloc.label} for bloc in page["blocs"]],
        "occupations": page["occupations"],
        "formacodes": [{"code": f.code, "label": f.label} for f in page["formacodes"]],
        "nsf_domains": [{"code": d.code, "label": d.label} for d in page["nsf_domains"]],
        "certifiers": [certifier.name for certifier in page["certifiers"]],
        "replaced_by": [other.code for other in page["replaced_by"]],
        "replaces": [other.code for other in page["replaces"]],
    }


# --- analysis and skill gap ---------------------------------------------------------------------


@router.post(
    "/analyse",
    response={200: AnalysisOut, 401: Message, 403: Message, 422: InvalidRequest},
    summary="Occupations and skills a text evokes (job advertisement, CV, training)",
)
def analyse(request: HttpRequest, payload: AnalyseIn) -> Any:
    if not rules.can_analyse_text(request.auth):  # type: ignore[attr-defined]
        return Status(403, {"detail": _("You may not analyse texts.")})
    if len(payload.text.encode("utf-8")) > MAX_TEXT_BYTES:
        return Status(422, {"detail": _("The text is too long: at most 100 kB.")})
    found = analysis.analyse_text(
        payload.text,
        schemes=payload.schemes or search.MATCHER_SCHEMES,
        occupations=payload.occupations,
        skills=payload.skills,
    )
    return {
        "occupations": [_found_out(item) for item in found.occupations],
        "skills": [_found_out(item) for item in found.skills],
        "passages": found.passages,
        "truncated": found.truncated,
    }


@router.get(
    "/gap",
    response={200: GapOut, 401: Message, 404: Message, 422: InvalidRequest},
    summary="How a person's skills cover an occupation's essential and optional skills",
)
def get_gap(
    request: HttpRequest,
    person: Annotated[int, Query(..., ge=1, le=2**62, description="Number of the person")],
    occupation: Annotated[
        str, Query(..., min_length=1, max_length=200, description="Occupation code or ESCO URI")
    ],
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    found_person = people_visible_to(user).filter(pk=person).first()
    if found_person is None or not rules.can_compare_person(user, found_person):
        return Status(404, {"detail": _("No person with this number is visible to you.")})
    found_occupation = queries.occupation_by_code(occupation)
    if found_occupation is None:
        return _not_found("occupation", occupation)
    gap = skill_gap(person=found_person, occupation=found_occupation)
    return {
        "person": found_person.pk,
        "occupation": found_occupation,
        "reference_occupation": gap.reference,
        "essential_coverage": round(gap.result.essential_coverage, 4),
        "coverage": round(gap.result.coverage, 4),
        "covered_essential": gap.covered_essential,
        "missing_essential": gap.missing_essential,
        "covered_optional": gap.covered_optional,
        "missing_optional": gap.missing_optional,
    }
