"""API of industrial territories and of the official geography (``/api/v1/territories``).

Reads are public, like the pages. Creating and changing a territory uses the same actions
and the same permission (``accounts.rules.can_edit_territory``) as the pages.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation, User
from fabrique.accounts.rules import can_edit_territory, organisation_ids
from fabrique.api.errors import validation_errors
from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.territories import actions, queries, rules
from fabrique.territories.models import EPCI, Commune, IndustrialTerritory
from fabrique.territories.querysets import MAX_QUERY_LENGTH

router = Router(tags=["territories"])

CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"
SIREN_PATTERN = r"^[0-9]{9}$"
INSEE_PATTERN = r"^[0-9][0-9ABab][0-9]{3}$"


TerritoryCode = Annotated[str, Path(..., pattern=CODE_PATTERN, max_length=60)]
SearchText = Annotated[str, Query(..., min_length=1, max_length=MAX_QUERY_LENGTH)]


# --- schemas ------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class TerritoryOut(Schema):
    code: str
    name: str
    description: str
    epci_count: int
    commune_count: int
    population: int
    url: str

    @staticmethod
    def resolve_population(territory: IndustrialTerritory) -> int:
        return territory.population or 0

    @staticmethod
    def resolve_url(territory: IndustrialTerritory) -> str:
        return territory.get_absolute_url()


class EPCIOut(Schema):
    siren: str
    name: str
    kind: str
    population: int | None
    obsolete: bool


class OrganisationRef(Schema):
    slug: str
    name: str
    kind: str
    url: str


class FiguresOut(Schema):
    population: int
    communes: int
    epci: int
    zones_emploi: int
    bassins: int
    organisations: int
    organisations_by_kind: dict[str, int]
    people: int | None = Field(
        None, description="Only for the territory's coordinators and platform admins."
    )
    people_by_status: dict[str, int] | None = Field(
        None, description="Only for the territory's coordinators and platform admins."
    )


class TerritoryDetailOut(Schema):
    code: str
    name: str
    description: str
    url: str
    epcis: list[EPCIOut]
    coordinating_organisations: list[OrganisationRef]
    figures: FiguresOut
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CommuneOut(Schema):
    insee_code: str
    name: str
    departement: str
    epci: str | None = Field(None, description="SIREN of the EPCI")
    zone_emploi: str | None
    bassin: str | None = Field(None, description="Code of the BMO bassin")
    population: int | None
    postal_codes: list[str]
    latitude: float | None
    longitude: float | None
    obsolete: bool

    @staticmethod
    def resolve_departement(commune: Commune) -> str:
        return commune.departement.code

    @staticmethod
    def resolve_epci(commune: Commune) -> str | None:
        return commune.epci.siren if commune.epci else None

    @staticmethod
    def resolve_zone_emploi(commune: Commune) -> str | None:
        return commune.zone_emploi.code if commune.zone_emploi else None

    @staticmethod
    def resolve_bassin(commune: Commune) -> str | None:
        return commune.bassin.code if commune.bassin else None

    @staticmethod
    def resolve_postal_codes(commune: Commune) -> list[str]:
        return commune.postal_codes.split()


class TerritoryIn(Schema):
    code: str = Field(..., min_length=1, max_length=60, pattern=CODE_PATTERN)
    name: Text = Field(..., min_length=1, max_length=200)
    description: Text = Field("", max_length=10_000)
    epcis: list[Annotated[str, Field(pattern=SIREN_PATTERN)]] = Field(
        ..., min_length=1, max_length=2000, description="SIREN of each EPCI"
    )
    coordinators: list[Annotated[str, Field(pattern=CODE_PATTERN, max_length=80)]] | None = Field(
        None,
        max_length=200,
        description="Short names (slugs) of the coordinating organisations; "
        "default: the organisations you coordinate.",
    )


class TerritoryPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=200)
    description: Text | None = Field(None, max_length=10_000)
    epcis: list[Annotated[str, Field(pattern=SIREN_PATTERN)]] | None = Field(
        None, min_length=1, max_length=2000
    )
    coordinators: list[Annotated[str, Field(pattern=CODE_PATTERN, max_length=80)]] | None = Field(
        None, max_length=200
    )


# --- helpers ------------------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> Any:
    """The user behind a public call: its session, or a bearer token if one is sent."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        from fabrique.api.root import TokenAuth

        return TokenAuth().authenticate(request, header[7:].strip())
    return None


def _territory_or_404(code: str) -> IndustrialTerritory:
    territory = IndustrialTerritory.objects.filter(code=code).first()
    if territory is None:
        raise HttpError(404, _("No industrial territory has the code “%(code)s”.") % {"code": code})
    return territory


def _detail_out(territory: IndustrialTerritory, viewer: Any) -> dict[str, Any]:
    include_people = viewer is not None and rules.can_view_people_figures(viewer, territory)
    return {
        "code": territory.code,
        "name": territory.name,
        "description": territory.description,
        "url": territory.get_absolute_url(),
        "epcis": list(territory.epcis.order_by("name")),
        "coordinating_organisations": [
            {"slug": o.slug, "name": o.name, "kind": o.kind, "url": o.get_absolute_url()}
            for o in territory.coordinating_organisations.order_by("name")
        ],
        "figures": queries.territory_figures(territory, include_people=include_people),
        "created_at": territory.created_at,
        "updated_at": territory.updated_at,
    }


def _communes(queryset: Any) -> Any:
    return queryset.select_related("departement", "epci", "zone_emploi", "bassin").order_by(
        "name", "insee_code"
    )


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail


def _epcis(sirens: list[str]) -> list[EPCI]:
    found = {epci.siren: epci for epci in EPCI.objects.filter(siren__in=sirens)}
    unknown = [siren for siren in dict.fromkeys(sirens) if siren not in found]
    if unknown:
        raise Refused(422, _("Unknown EPCI SIREN: %(sirens)s.") % {"sirens": ", ".join(unknown)})
    return [found[siren] for siren in dict.fromkeys(sirens)]


def _organisations(slugs: list[str]) -> list[Organisation]:
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if unknown:
        raise Refused(422, _("Unknown organisations: %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _invalid(error: DjangoValidationError) -> Status:
    detail, errors = validation_errors(error)
    return Status(422, {"detail": detail, "errors": errors})


# --- geography ----------------------------------------------------------------------------------


@router.get(
    "/communes/search",
    response={200: list[CommuneOut], 422: InvalidRequest},
    auth=None,
    summary="Find communes by name, INSEE code or postal code",
)
@paginate(BoundedLimitOffset)
def search_communes(request: HttpRequest, q: SearchText, departement: str | None = None) -> Any:
    communes = Commune.objects.current().search(q)
    if departement:
        communes = communes.filter(departement__code=departement.replace("\x00", "")[:3])
    return _communes(communes)


@router.get(
    "/communes/{insee_code}",
    response={200: CommuneOut, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="A commune, by INSEE code",
)
def get_commune(
    request: HttpRequest, insee_code: Annotated[str, Path(..., pattern=INSEE_PATTERN)]
) -> Any:
    commune = _communes(Commune.objects.filter(insee_code=insee_code.upper())).first()
    if commune is None:
        message = _("No commune has the INSEE code “%(code)s”.") % {"code": insee_code}
        return Status(404, {"detail": message})
    return commune


@router.get(
    "/epci/search",
    response={200: list[EPCIOut], 422: InvalidRequest},
    auth=None,
    summary="Find EPCI by name or SIREN",
)
@paginate(BoundedLimitOffset)
def search_epcis(request: HttpRequest, q: SearchText) -> Any:
    return EPCI.objects.current().search(q).order_by("name")


# --- industrial territories ------------------------------------------------------------------


@router.get(
    "",
    response={200: list[TerritoryOut], 422: InvalidRequest},
    auth=None,
    summary="Industrial territories",
)
@paginate(BoundedLimitOffset)
def list_territories(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
) -> Any:
    return IndustrialTerritory.objects.search(q).with_figures().order_by("name")


@router.get(
    "/{code}",
    response={200: TerritoryDetailOut, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="An industrial territory with its EPCI, coordinators and key figures",
)
def get_territory(request: HttpRequest, code: TerritoryCode) -> Any:
    return _detail_out(_territory_or_404(code), _viewer(request))


@router.get(
    "/{code}/communes",
    response={200: list[CommuneOut], 404: Message, 422: InvalidRequest},
    auth=None,
    summary="The communes of an industrial territory",
)
@paginate(BoundedLimitOffset)
def list_territory_communes(
    request: HttpRequest,
    code: TerritoryCode,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
) -> Any:
    territory = _territory_or_404(code)
    return _communes(queries.communes_of(territory).search(q))


@router.post(
    "",
    response={
        201: TerritoryDetailOut,
        400: Message,
        401: Message,
        403: Message,
        422: InvalidRequest,
    },
    summary="Define an industrial territory (coordinators and platform admins)",
)
def create_territory(request: HttpRequest, payload: TerritoryIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    if not can_edit_territory(user, None):
        return Status(403, {"detail": _("Only coordinators may define a territory.")})
    try:
        epcis = _epcis(payload.epcis)
        if payload.coordinators is None:
            own = organisation_ids(user, Role.COORDINATOR)
            coordinators = list(Organisation.objects.filter(pk__in=own))
        else:
            coordinators = _organisations(payload.coordinators)
        territory = actions.create_territory(
            code=payload.code,
            name=payload.name,
            description=payload.description,
            epcis=epcis,
            coordinators=coordinators,
            by=user,
        )
    except Refused as refusal:
        return Status(refusal.status, {"detail": refusal.detail})
    except DjangoValidationError as error:
        return _invalid(error)
    except PermissionDenied:
        return Status(403, {"detail": _("Only coordinators may define a territory.")})
    except IntegrityError:
        message = _("The code “%(code)s” is taken.") % {"code": payload.code}
        return Status(422, {"detail": message})
    return Status(201, _detail_out(territory, user))


@router.patch(
    "/{code}",
    response={
        200: TerritoryDetailOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        422: InvalidRequest,
    },
    summary="Change an industrial territory (its coordinators and platform admins)",
)
def update_territory(request: HttpRequest, code: TerritoryCode, payload: TerritoryPatch) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    territory = IndustrialTerritory.objects.filter(code=code).first()
    if territory is None:
        message = _("No industrial territory has the code “%(code)s”.") % {"code": code}
        return Status(404, {"detail": message})
    if not can_edit_territory(user, territory):
        return Status(403, {"detail": _("Only the territory's coordinators may change it.")})
    try:
        territory = actions.update_territory(
            territory=territory,
            name=payload.name,
            description=payload.description,
            epcis=_epcis(payload.epcis) if payload.epcis is not None else None,
            coordinators=(
                _organisations(payload.coordinators) if payload.coordinators is not None else None
            ),
            by=user,
        )
    except Refused as refusal:
        return Status(refusal.status, {"detail": refusal.detail})
    except DjangoValidationError as error:
        return _invalid(error)
    except PermissionDenied:
        return Status(403, {"detail": _("Only the territory's coordinators may change it.")})
    return _detail_out(territory, user)
