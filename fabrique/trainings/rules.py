"""Permission predicates of the training offer, on (user, object).

- A published training, its sessions and its organisation's offer are public: anyone reads
  them, anonymous visitors included (pages, API and calendar feeds alike).
- An unpublished training (and its sessions) is read only by the members of its organisation,
  whatever their role, and by the platform admins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.accounts.rules import is_platform_admin, organisation_ids

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.trainings.models import Session, Training


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def private_offer_organisation_ids(user: User | Any) -> set[int] | None:
    """Organisations whose unpublished trainings the user reads; None means all of them.

    Cached on the user object, like ``accounts.rules.roles``.
    """
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_offer_ids", None)
    if cached is None:
        cached = organisation_ids(user)
        user._fabrique_offer_ids = cached
    return set(cached)


def can_view_training(user: User | Any, training: Training) -> bool:
    if training.published:
        return True
    scope = private_offer_organisation_ids(user)
    return scope is None or training.organisation_id in scope


def can_view_session(user: User | Any, session: Session) -> bool:
    return can_view_training(user, session.training)
