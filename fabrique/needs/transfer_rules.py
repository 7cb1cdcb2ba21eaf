"""Who may import hiring needs and workforce snapshots from a spreadsheet, and for which
companies. One set of rules for the pages and the API; the command line is run by the
platform's operators and imports for any company.

- Hiring needs: a row is imported when its user may change the project it names
  (``rules.can_edit_project``) or, for a new project, declare projects of its company
  (``rules.can_edit_for``): the company's organisation admins and company contacts, the
  coordinators overseeing the company or the project's industrial territory, platform admins.
- Workforce snapshots: the same people, for the company (``rules.can_edit_workforce``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.needs import rules

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.needs.models import IndustrialProject


def can_import(user: User | Any) -> bool:
    """Whether ``user`` may import needs or workforce snapshots for at least one company."""
    return rules.can_create_project(user)


def can_import_need(
    user: User | Any, *, company_id: int, project: IndustrialProject | None
) -> bool:
    """Whether ``user`` may import a need of ``project`` (None: a new project of the company)."""
    if project is not None:
        return rules.can_edit_project(user, project)
    return rules.can_edit_for(user, company_id)


def can_import_workforce(user: User | Any, *, company_id: int) -> bool:
    return rules.can_edit_workforce(user, company_id)
