"""Permission predicates of planning scenarios and their runs, on (user, object).

- Platform admins (and superusers) see and manage every scenario.
- Coordinators of an industrial territory (members with the coordinator role of one of its
  coordinating organisations) see and manage the scenarios of that territory: they create
  them, edit them, launch runs and publish them.
- Nobody else sees them: a scenario snapshots people's data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import is_platform_admin, organisation_ids

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.planning.models import PlanRun, Scenario
    from fabrique.territories.models import IndustrialTerritory


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def plannable_territory_ids(user: User | Any) -> set[int] | None:
    """Territories whose scenarios the user manages; None means all of them."""
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_planning_territory_ids", None)
    if cached is None:
        from fabrique.territories.models import IndustrialTerritory

        own = organisation_ids(user, Role.COORDINATOR)
        cached = (
            set(
                IndustrialTerritory.objects.filter(coordinating_organisations__in=own).values_list(
                    "pk", flat=True
                )
            )
            if own
            else set()
        )
        user._fabrique_planning_territory_ids = cached
    return set(cached)


def can_plan(user: User | Any, territory: IndustrialTerritory | None = None) -> bool:
    """Whether the user may plan for ``territory`` (for any territory when None)."""
    scope = plannable_territory_ids(user)
    if scope is None:
        return True
    if territory is None:
        return bool(scope)
    return territory.pk in scope


def can_view_scenario(user: User | Any, scenario: Scenario) -> bool:
    return can_plan(user, scenario.territory)


def can_manage_scenario(user: User | Any, scenario: Scenario) -> bool:
    return can_plan(user, scenario.territory)


def can_view_run(user: User | Any, run: PlanRun) -> bool:
    return can_view_scenario(user, run.scenario)


def can_launch_run(user: User | Any, scenario: Scenario) -> bool:
    return can_manage_scenario(user, scenario)


def can_publish_run(user: User | Any, run: PlanRun) -> bool:
    """Coordinators of the territory (and platform admins) publish a finished run once."""
    from fabrique.planning.enums import RunStatus

    return (
        can_manage_scenario(user, run.scenario)
        and run.status == RunStatus.DONE
        and run.published_at is None
    )
