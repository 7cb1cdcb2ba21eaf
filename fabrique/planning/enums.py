from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ChangeKind(models.TextChoices):
    """What-if changes a scenario applies to the snapshot of the platform's data."""

    ADD_SESSION = "add_session", _("add a session")
    CAPACITY = "capacity", _("change a session's capacity")
    RADIUS = "radius", _("widen mobility radii")
    DEADLINE = "deadline", _("move a need's deadline")
