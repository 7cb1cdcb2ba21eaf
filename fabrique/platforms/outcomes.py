"""What technical platforms bring, as measures for the indicators (``core.measures``): the
jobs created, investment raised and products launched by innovation projects, the projects
supported, and the hours of equipment used.

A project counts in a territory where its host platform is (or, without one, its holder
organisation); an outcome counts on the day it was recorded for, a project in every period
during which it was at some stage, an hour of use in the month of its booking.

The sections of the personal data download that platforms hold (bookings, authorisations,
project teams) are registered here too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from fabrique.core import personal_data
from fabrique.core.measures import Measure, Scope, register
from fabrique.platforms.enums import BookingState, OutcomeKind
from fabrique.platforms.models import (
    Authorisation,
    Booking,
    InnovationProject,
    ProjectMember,
    ProjectOutcome,
)
from fabrique.territories.models import IndustrialTerritory

SOURCE = _("Innovation projects of the technical platforms, as their teams record them.")


def _territory_epcis(territory_id: int) -> QuerySet[IndustrialTerritory]:
    return IndustrialTerritory.objects.filter(pk=territory_id).values("epcis")


def _projects_in(scope: Scope, prefix: str = "") -> Q:
    if scope.territory_id is None:
        return Q()
    epcis = _territory_epcis(scope.territory_id)
    return Q(**{f"{prefix}platform__commune__epci__in": epcis}) | Q(
        **{
            f"{prefix}platform__isnull": True,
            f"{prefix}holder_organisation__commune__epci__in": epcis,
        }
    )


def outcome_total(kind: str, scope: Scope) -> Decimal:
    rows = ProjectOutcome.objects.filter(_projects_in(scope, "project__"), kind=kind)
    if scope.start is not None:
        rows = rows.filter(on__gte=scope.start)
    if scope.end is not None:
        rows = rows.filter(on__lte=scope.end)
    return rows.aggregate(total=Sum("value"))["total"] or Decimal(0)


def projects_supported(scope: Scope) -> Decimal:
    projects = InnovationProject.objects.filter(_projects_in(scope))
    stages = Q()
    if scope.end is not None:
        stages &= Q(stages__started_on__lte=scope.end)
    if scope.start is not None:
        stages &= Q(stages__ended_on__isnull=True) | Q(stages__ended_on__gte=scope.start)
    return Decimal(projects.filter(stages).distinct().count())


def equipment_hours_used(scope: Scope) -> Decimal:
    bookings = Booking.objects.filter(state=BookingState.DONE)
    if scope.territory_id is not None:
        bookings = bookings.filter(
            equipment__platform__commune__epci__in=_territory_epcis(scope.territory_id)
        )
    if scope.start is not None:
        bookings = bookings.filter(start__date__gte=scope.start)
    if scope.end is not None:
        bookings = bookings.filter(start__date__lte=scope.end)
    seconds = sum(
        (end - start).total_seconds() for start, end in bookings.values_list("start", "end")
    )
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def _outcome(kind: str):  # type: ignore[no-untyped-def]
    def compute(scope: Scope) -> Decimal:
        return outcome_total(kind, scope)

    compute.__name__ = f"outcome_{kind}"
    return compute


jobs_created = _outcome(OutcomeKind.JOBS_CREATED)
investment_raised = _outcome(OutcomeKind.INVESTMENT_RAISED)
products_launched = _outcome(OutcomeKind.PRODUCTS_LAUNCHED)


def register_measures() -> None:
    register(
        Measure(
            "platforms.jobs_created",
            _("Jobs created by innovation projects"),
            "count",
            jobs_created,
            SOURCE,
        ),
        Measure(
            "platforms.investment_raised",
            _("Investment raised by innovation projects"),
            "eur",
            investment_raised,
            SOURCE,
        ),
        Measure(
            "platforms.products_launched",
            _("Products launched by innovation projects"),
            "count",
            products_launched,
            SOURCE,
        ),
        Measure(
            "platforms.projects_supported",
            _("Innovation projects supported"),
            "count",
            projects_supported,
            SOURCE,
        ),
        Measure(
            "platforms.equipment_hours_used",
            _("Hours of equipment used"),
            "hours",
            equipment_hours_used,
            _("Bookings of the technical platforms marked done."),
        ),
    )


# --- personal data ---------------------------------------------------------------------------


def personal_bookings(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "equipment": booking.equipment.name,
            "platform": booking.equipment.platform.name,
            "start": booking.start.isoformat(),
            "end": booking.end.isoformat(),
            "state": booking.state,
            "project": booking.project,
            "note": booking.note,
        }
        for booking in Booking.objects.filter(user=user)
        .select_related("equipment__platform")
        .order_by("start", "pk")
    ]


def personal_authorisations(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "equipment": authorisation.equipment.name,
            "source": authorisation.source,
            "granted_at": authorisation.granted_at.isoformat(),
            "expires_at": authorisation.expires_at.isoformat()
            if authorisation.expires_at
            else None,
            "revoked_at": authorisation.revoked_at.isoformat()
            if authorisation.revoked_at
            else None,
        }
        for authorisation in Authorisation.objects.filter(user=user)
        .select_related("equipment")
        .order_by("granted_at", "pk")
    ]


def personal_projects(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "project": member.project.name,
            "role": member.role,
            "since": member.added_at.isoformat(),
        }
        for member in ProjectMember.objects.filter(user=user)
        .select_related("project")
        .order_by("added_at", "pk")
    ]


def erase_project_memberships(user: Any) -> None:
    """An erased account leaves the teams of innovation projects (its bookings stay, for the
    accounts of the platforms, under the erased account)."""
    ProjectMember.objects.filter(user=user).delete()


def register_personal_data() -> None:
    personal_data.register_eraser("innovation_project_teams", erase_project_memberships)
    personal_data.register("equipment_bookings", personal_bookings)
    personal_data.register("equipment_authorisations", personal_authorisations)
    personal_data.register("innovation_project_teams", personal_projects)
