"""Background tasks of the référentiels. Launch them with ``fabrique.jobs.actions.enqueue_job``."""

from __future__ import annotations

from django.tasks import task

from fabrique.engine.matching.index import KINDS
from fabrique.jobs.progress import report
from fabrique.referentials import matching


@task
def prepare_matcher() -> dict[str, bool]:
    """Build (or load) every index of the text matcher, so that searches find it ready.

    The indexes go to the disk cache shared by the platform's processes; returns, per index,
    whether it is ready.
    """
    indexes = [(kind, scheme) for kind in KINDS for scheme in matching.SCHEMES]
    for done, (kind, scheme) in enumerate(indexes):
        report(done, len(indexes), f"{kind} ({scheme})")
        if kind == "occupations":
            matching.occupations([""], scheme=scheme, top=1)
        else:
            matching.skills([""], scheme=scheme, top=1)
    report(len(indexes), len(indexes), "ready")
    return {f"{kind}-{scheme}": matching.ready(kind, scheme) for kind, scheme in indexes}
