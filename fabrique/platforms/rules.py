"""Permission predicates of technical platforms, on (user, object).

- Platforms, their equipment, opening slots and tariffs are public: anyone reads them.
- A platform's staff are the organisation admins, coordinators, trainers and company contacts
  of its owner organisation, and the platform admins. They confirm, cancel and close
  bookings, book for other people, list machines for sharing, answer sharing requests and
  validate authorisations.
- The trainers of the organisation giving the training an equipment requires also validate
  authorisations for it (they saw the attendees complete it).
- Any logged-in account books for itself (the booking action then checks the authorisation,
  the opening hours and the other bookings), and requests a machine listed for sharing by
  another organisation.
- A booking is seen by its user, whoever booked it and the platform's staff.
- An innovation project is seen and worked on by its team, the staff of its host platform
  and the leaders (organisation admins, company contacts) of its holder organisation; any
  account starts one. Its holder's side (the team's holders and those leaders) manages the
  team and decides whether its showcase page is public; anyone reads a public one. Its
  team books equipment for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import is_platform_admin, organisation_ids

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.platforms.models import (
        Booking,
        Equipment,
        InnovationProject,
        SharingRequest,
        TechnicalPlatform,
    )

STAFF_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER, Role.COMPANY_CONTACT)
TRAINER_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)
HOLDER_ROLES = (Role.ORGANISATION_ADMIN, Role.COMPANY_CONTACT)


def authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def staff_organisation_ids(user: User) -> set[int] | None:
    """Organisations whose platforms the user runs; None means all of them (cached)."""
    if not authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_platform_staff_ids", None)
    if cached is None:
        cached = organisation_ids(user, *STAFF_ROLES)
        user._fabrique_platform_staff_ids = cached  # type: ignore[union-attr]
    return set(cached)


def can_manage_platform(user: User, platform: TechnicalPlatform) -> bool:
    scope = staff_organisation_ids(user)
    return scope is None or platform.owner_id in scope


def is_platform_staff(user: User) -> bool:
    scope = staff_organisation_ids(user)
    return scope is None or bool(scope)


def can_manage_equipment(user: User, equipment: Equipment) -> bool:
    return can_manage_platform(user, equipment.platform)


def can_book(user: User, equipment: Equipment) -> bool:
    return authenticated(user)


def can_book_for_others(user: User, equipment: Equipment) -> bool:
    return can_manage_equipment(user, equipment)


def can_validate_authorisation(user: User, equipment: Equipment) -> bool:
    if not authenticated(user):
        return False
    if can_manage_equipment(user, equipment) and (
        is_platform_admin(user)
        or organisation_ids(user, *TRAINER_ROLES) & {equipment.platform.owner_id}
    ):
        return True
    training = equipment.required_training
    return training is not None and training.organisation_id in organisation_ids(
        user, *TRAINER_ROLES
    )


def can_view_booking(user: User, booking: Booking) -> bool:
    if not authenticated(user):
        return False
    if user.pk in {booking.user_id, booking.booked_by_id}:
        return True
    return can_manage_equipment(user, booking.equipment)


def can_cancel_booking(user: User, booking: Booking) -> bool:
    return can_view_booking(user, booking)


def can_decide_booking(user: User, booking: Booking) -> bool:
    return can_manage_equipment(user, booking.equipment)


def can_request_sharing(user: User, equipment: Equipment) -> bool:
    return authenticated(user) and equipment.shared and not can_manage_equipment(user, equipment)


def can_answer_sharing(user: User, request: SharingRequest) -> bool:
    return can_manage_equipment(user, request.equipment)


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """The bookings ``can_view_booking`` lets the user see, as one query."""
    from fabrique.platforms.models import Booking

    if not authenticated(user):
        return Booking.objects.none()
    scope = staff_organisation_ids(user)
    if scope is None:
        return Booking.objects.all()
    return Booking.objects.filter(
        Q(user=user) | Q(booked_by=user) | Q(equipment__platform__owner_id__in=scope)
    )


# --- innovation projects ---------------------------------------------------------------------


def _team_role(user: User, project: InnovationProject) -> str | None:
    if not authenticated(user) or project.pk is None:
        return None
    cache: dict[int, str | None] = getattr(user, "_fabrique_project_roles", None) or {}
    if project.pk not in cache:
        cache[project.pk] = (
            project.team.filter(user_id=user.pk).values_list("role", flat=True).first()
        )
        user._fabrique_project_roles = cache  # type: ignore[union-attr]
    return cache[project.pk]


def _holder_leader(user: User, project: InnovationProject) -> bool:
    return (
        project.holder_organisation_id is not None
        and project.holder_organisation_id in organisation_ids(user, *HOLDER_ROLES)
    )


def _hosts(user: User, project: InnovationProject) -> bool:
    scope = staff_organisation_ids(user)
    if scope is None:
        return True
    return project.platform is not None and project.platform.owner_id in scope


def can_create_project(user: User) -> bool:
    return authenticated(user)


def can_work_on_project(user: User, project: InnovationProject) -> bool:
    """See everything of the project and change its stages, milestones, documents, outcomes."""
    if not authenticated(user):
        return False
    return (
        _team_role(user, project) is not None
        or _holder_leader(user, project)
        or _hosts(user, project)
    )


def can_view_project(user: User, project: InnovationProject) -> bool:
    return can_work_on_project(user, project)


def can_lead_project(user: User, project: InnovationProject) -> bool:
    """The holder's side: manage the team, allow the showcase page, edit the record."""
    if not authenticated(user):
        return False
    if is_platform_admin(user):
        return True
    from fabrique.platforms.enums import TeamRole

    return _team_role(user, project) == TeamRole.HOLDER or _holder_leader(user, project)


def can_book_for_project(user: User, project: InnovationProject) -> bool:
    return can_work_on_project(user, project)


def can_see_showcase(user: User, project: InnovationProject) -> bool:
    return project.showcase or can_view_project(user, project)


def projects_visible_to(user: User) -> QuerySet[InnovationProject]:
    """The projects ``can_view_project`` lets the user see, as one query."""
    from fabrique.platforms.models import InnovationProject

    if not authenticated(user):
        return InnovationProject.objects.none()
    scope = staff_organisation_ids(user)
    if scope is None:
        return InnovationProject.objects.all()
    return InnovationProject.objects.filter(
        Q(team__user=user)
        | Q(holder_organisation_id__in=organisation_ids(user, *HOLDER_ROLES))
        | Q(platform__owner_id__in=scope)
    ).distinct()
