"""Finding a framework or a version for a page: 404 for what the reader may not see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fabrique.core.errors import NotFound
from fabrique.frameworks import rules
from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion


def find_framework(user: Any, slug: str) -> CompetencyFramework | None:
    framework = CompetencyFramework.objects.select_related("owner").filter(slug=slug).first()
    if framework is None or not rules.can_view_framework(user, framework):
        return None
    return framework


def find_version(user: Any, slug: str, number: int) -> FrameworkVersion | None:
    version = (
        FrameworkVersion.objects.select_related("framework__owner")
        .filter(framework__slug=slug, number=number)
        .first()
    )
    if version is None or not rules.can_view_version(user, version):
        return None
    return version


def framework_or_404(user: Any, slug: str) -> CompetencyFramework:
    framework = find_framework(user, slug)
    if framework is None:
        raise NotFound(_("No competency framework has the short name “%(slug)s”.") % {"slug": slug})
    return framework


def version_or_404(user: Any, slug: str, number: int) -> FrameworkVersion:
    version = find_version(user, slug, number)
    if version is None:
        raise NotFound(
            _("This competency framework has no version %(number)s.") % {"number": number}
        )
    return version
