"""Permission predicates of the référentiel pages, on (user, object) like accounts.rules.

The référentiels themselves (occupations, skills, certifications) are public reference data:
anyone may search and read them. Analysing a text costs computing time, so it needs an
account; comparing with a person or giving them skills follows the people predicates.
"""

from __future__ import annotations

from typing import Any

from fabrique.accounts import rules


def can_analyse_text(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_compare_person(user: Any, person: Any) -> bool:
    """Whether ``user`` may see how ``person``'s skills cover an occupation."""
    return person.anonymised_at is None and rules.can_view_person(user, person)


def can_add_skills(user: Any, person: Any) -> bool:
    """Whether ``user`` may add skills to ``person``'s record."""
    return person.anonymised_at is None and rules.can_edit_person(user, person)
