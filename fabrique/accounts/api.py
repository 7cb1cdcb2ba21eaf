"""API: the current user, the organisation directory, memberships, personal data."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.accounts import actions, queries, rules
from fabrique.accounts.enums import OrganisationKind, Role
from fabrique.accounts.models import Membership, Organisation, User
from fabrique.api.types import Text
from fabrique.territories.models import Commune

router = Router(tags=["accounts"])


class Message(Schema):
    detail: str


class MembershipOut(Schema):
    organisation: str = Field(..., alias="organisation.slug")
    organisation_name: str = Field(..., alias="organisation.name")
    role: Role


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    language: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: OrganisationKind
    commune: str | None = Field(None, alias="commune.insee_code")
    commune_name: str | None = Field(None, alias="commune.name")
    website: str
    description: str


class OrganisationIn(Schema):
    name: Text = Field(..., min_length=1, max_length=200)
    slug: str = Field(..., min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: OrganisationKind
    commune: Text | None = Field(None, description="INSEE code of the commune", max_length=5)
    siret: str = Field("", pattern=r"^([0-9]{14})?$")
    description: Text = Field("", max_length=5000)
    website: Text = Field("", max_length=200)
    email: Text = Field("", max_length=254)


class MemberOut(Schema):
    email: str = Field(..., alias="user.email")
    name: str = Field(..., alias="user.get_full_name")
    role: Role


class MemberIn(Schema):
    email: Text = Field(..., max_length=254)
    role: Role


@router.get("/me", response={200: MeOut}, summary="The current user and their roles")
def me(request: HttpRequest) -> Any:
    user: User = request.user  # type: ignore[assignment]
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "memberships": list(queries.memberships_of(user)),
    }


@router.get("/me/data", response={200: dict[str, Any]}, summary="All my personal data (GDPR)")
def my_data(request: HttpRequest) -> Any:
    return actions.export_personal_data(user=request.user)  # type: ignore[arg-type]


@router.get("/organisations", response=list[OrganisationOut], auth=None)
@paginate
def list_organisations(request: HttpRequest, q: Text = "", kind: OrganisationKind | None = None):
    return queries.organisation_directory(query=q, kind=kind or "")


@router.get("/organisations/{slug}", response={200: OrganisationOut, 404: Message}, auth=None)
def get_organisation(request: HttpRequest, slug: str) -> Any:
    org = Organisation.objects.select_related("commune").filter(slug=slug).first()
    if org is None:
        return Status(
            404, {"detail": _("No organisation has the short name “%(slug)s”.") % {"slug": slug}}
        )
    return org


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: Message, 422: Message},
    summary="Create an organisation (coordinators and platform admins)",
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    user: User = request.user  # type: ignore[assignment]
    if not rules.can_create_organisation(user):
        return Status(403, {"detail": _("You may not create organisations.")})
    commune = None
    if payload.commune:
        commune = Commune.objects.filter(insee_code=payload.commune).first()
        if commune is None:
            message = _("No commune has the INSEE code “%(code)s”.") % {"code": payload.commune}
            return Status(422, {"detail": message})
    if Organisation.objects.filter(slug=payload.slug).exists():
        return Status(
            422, {"detail": _("The short name “%(slug)s” is taken.") % {"slug": payload.slug}}
        )
    try:
        org = actions.create_organisation(
            name=payload.name,
            slug=payload.slug,
            kind=payload.kind,
            commune=commune,
            siret=payload.siret,
            description=payload.description,
            website=payload.website,
            email=payload.email,
            by=user,
        )
    except DjangoValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    return Status(201, org)


@router.get(
    "/organisations/{slug}/members",
    response={200: list[MemberOut], 403: Message, 404: Message},
)
def list_members(request: HttpRequest, slug: str) -> Any:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        return Status(
            404, {"detail": _("No organisation has the short name “%(slug)s”.") % {"slug": slug}}
        )
    if not rules.can_view_members(request.user, org):  # type: ignore[arg-type]
        return Status(403, {"detail": _("You may not see the members of this organisation.")})
    return Status(200, list(queries.members_of(org)))


@router.post(
    "/organisations/{slug}/members",
    response={201: MemberOut, 403: Message, 404: Message, 422: Message},
)
def add_member(request: HttpRequest, slug: str, payload: MemberIn) -> Any:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        return Status(
            404, {"detail": _("No organisation has the short name “%(slug)s”.") % {"slug": slug}}
        )
    if not rules.can_manage_organisation(request.user, org):  # type: ignore[arg-type]
        return Status(403, {"detail": _("You may not manage the members of this organisation.")})
    user = User.objects.filter(email__iexact=payload.email.strip(), is_active=True).first()
    if user is None:
        return Status(422, {"detail": _("No active account has this e-mail address.")})
    if Membership.objects.filter(user=user, organisation=org, role=payload.role).exists():
        return Status(422, {"detail": _("This person already has this role here.")})
    membership = actions.add_membership(
        organisation=org,
        user=user,
        role=payload.role,
        by=request.user,  # type: ignore[arg-type]
    )
    return Status(201, membership)
