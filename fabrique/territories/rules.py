"""Permission predicates of the territories app, on (user, object).

Territories and the official geography are public (``accounts.rules.can_view_territory``);
coordinators define and edit territories (``accounts.rules.can_edit_territory``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fabrique.accounts.rules import can_edit_territory, is_platform_admin

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.territories.models import IndustrialTerritory


def can_create_territory(user: User) -> bool:
    return can_edit_territory(user, None)


def can_view_people_figures(user: User, territory: IndustrialTerritory) -> bool:
    """Counts of people by status are shown to the territory's coordinators and admins only."""
    return is_platform_admin(user) or can_edit_territory(user, territory)
