"""Reads of industrial projects: what a user sees, and the BMO figures beside a project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from fabrique.needs import rules
from fabrique.needs.models import BmoFigure, IndustrialProject, WorkforceSnapshot

TOP_BMO_OCCUPATIONS = 10


def projects_visible_to(user: Any) -> QuerySet[IndustrialProject]:
    """The projects the user reads (``rules.can_view_project`` as a query)."""
    projects = IndustrialProject.objects.all()
    if not rules._authenticated(user):
        return projects.none()
    scope = rules.project_scope(user)
    if scope is None:
        return projects
    return projects.filter(
        Q(confidential=False)
        | Q(company_id__in=scope.read_company_ids)
        | Q(territory_id__in=scope.territory_ids)
    )


def project_list(user: Any) -> QuerySet[IndustrialProject]:
    return (
        projects_visible_to(user)
        .select_related("company", "commune", "territory")
        .annotate(need_count=Count("needs"), job_count=Sum("needs__count"))
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class BmoSummary:
    """The BMO figures of a bassin for its latest survey year."""

    year: int
    total_projects: int
    figures: list[BmoFigure]


def bmo_summary(bassin_id: int | None, *, limit: int = TOP_BMO_OCCUPATIONS) -> BmoSummary | None:
    """The occupations with the most hiring projects in the bassin, with their difficult share
    (``figure.difficult_share``, a percentage, None when hidden)."""
    if bassin_id is None:
        return None
    figures = BmoFigure.objects.filter(bassin_id=bassin_id)
    year = figures.aggregate(year=Max("year"))["year"]
    if year is None:
        return None
    figures = figures.filter(year=year)
    total = figures.aggregate(total=Sum("projects"))["total"] or 0
    top = list(figures.filter(projects__gt=0).order_by("-projects", "occupation_code")[:limit])
    for figure in top:
        figure.difficult_share = (  # type: ignore[attr-defined]
            round(100 * figure.difficult / figure.projects)
            if figure.difficult is not None and figure.projects
            else None
        )
    return BmoSummary(year=year, total_projects=total, figures=top)


def snapshots_visible_to(user: Any) -> QuerySet[WorkforceSnapshot]:
    """The workforce snapshots the user reads (``rules.can_view_workforce`` as a query)."""
    snapshots = WorkforceSnapshot.objects.all()
    if not rules._authenticated(user):
        return snapshots.none()
    scope = rules.project_scope(user)
    if scope is None:
        return snapshots
    return snapshots.filter(employer_id__in=sorted(scope.read_company_ids))


def snapshot_list(user: Any) -> QuerySet[WorkforceSnapshot]:
    return (
        snapshots_visible_to(user)
        .select_related("employer", "commune")
        .annotate(headcount=Sum("lines__headcount"), line_count=Count("lines"))
        .order_by("employer__name", "employer_id", "-taken_on")
    )
