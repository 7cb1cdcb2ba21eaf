"""The life of a framework version, as data: its statuses and the transitions between them.

A version is written as a draft, published (then immutable: changes go to a new draft copied
from it) and retired when it no longer applies. Publishing a version retires the version that
was published before it, so that a framework has at most one current version.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


# from → the statuses it may go to; ``actions.apply_transition`` refuses anything else.
TRANSITIONS: dict[str, frozenset[str]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.PUBLISHED}),
    VersionStatus.PUBLISHED: frozenset({VersionStatus.RETIRED}),
    VersionStatus.RETIRED: frozenset(),
}

# Statuses that anyone logged in may read; drafts are for the framework's editors only.
PUBLIC_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def can_go(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class SkillSchemeChoice(models.TextChoices):
    """The référentiels a competence may be linked to."""

    ROME = "rome", "ROME 4.0"
    ESCO = "esco", "ESCO"
