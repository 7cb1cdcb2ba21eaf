"""Permission predicates on (user, job), shared by pages, the API and commands.

A job is private to whoever launched it; a platform admin sees every job. Pages and the API
answer 404 (not 403) for someone else's job, so that job ids do not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.accounts.rules import is_platform_admin

if TYPE_CHECKING:
    from fabrique.jobs.models import JobProgress


def can_view_job(user: Any, job: JobProgress) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (job.owner_id is not None and job.owner_id == user.pk) or is_platform_admin(user)
