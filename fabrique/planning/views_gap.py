"""Pages of the gap analysis: the form, the shortage list, the table, the chart, the exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from fabrique.planning import gap
from fabrique.planning.forms_gap import GapForm
from fabrique.referentials.queries import url_code

TOP_SHORTAGES = 5
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _analysis(form: GapForm, user: Any) -> gap.GapAnalysis:
    data = form.cleaned_data
    return gap.gap_analysis(
        data["territoire"],
        data["debut"],
        data["fin"],
        user=user,
        confidences=form.confidences,
        seat_distance_km=data["distance"],
        skill_threshold=data["competences"],
    )


def _bound_form(request: HttpRequest) -> GapForm:
    form = GapForm(request.GET if request.GET else None, user=request.user)
    if not form.territories.exists():
        raise PermissionDenied(_("You may not read the gap analysis of any territory."))
    return form


def _chart_of(analysis: gap.GapAnalysis, chosen: str) -> tuple[gap.Chart | None, Any]:
    """The chart of the chosen occupation (by its code in addresses), else of the sum of the
    top shortages, else of every occupation; and the occupation chosen (None for a sum)."""
    if not analysis.rows:
        return None, None
    for row in analysis.rows:
        if chosen and url_code(row.occupation) == chosen:
            return gap.chart(row.cells, str(row.occupation)), row
    top = analysis.shortages[:TOP_SHORTAGES]
    if top:
        title = _("The %(count)d largest shortages together") % {"count": len(top)}
        return gap.chart(gap.summed(analysis.quarters, top), title), None
    return gap.chart(analysis.totals, _("Every occupation together")), None


@login_required
def gap_page(request: HttpRequest) -> HttpResponse:
    form = _bound_form(request)
    context: dict[str, Any] = {"form": form, "analysis": None, "chart": None, "chosen": None}
    if form.is_bound and form.is_valid():
        analysis = _analysis(form, request.user)
        params = {
            "territoire": analysis.territory.code,
            "debut": form.cleaned_data["debut"].isoformat(),
            "fin": form.cleaned_data["fin"].isoformat(),
            "confiance": form.cleaned_data["confiance"],
            "distance": form.cleaned_data["distance"],
        }
        if form.cleaned_data["competences"] is not None:
            params["competences"] = form.cleaned_data["competences"]
        query = urlencode(params)
        for row in analysis.rows:
            code = url_code(row.occupation)
            row.url = reverse("referentials:occupation", args=[code])
            row.chart_url = (
                f"{reverse('planning:gap')}?{urlencode({**params, 'metier': code})}#graphique"
            )
        chart, chosen = _chart_of(analysis, request.GET.get("metier", ""))
        context.update(
            analysis=analysis,
            chart=chart,
            chosen=chosen,
            quarter_labels=[gap.quarter_label(quarter) for quarter in analysis.quarters],
            detail=[(gap.quarter_label(c.quarter), c) for c in chart.cells] if chart else [],
            csv_url=f"{reverse('planning:gap_export', args=['csv'])}?{query}",
            xlsx_url=f"{reverse('planning:gap_export', args=['xlsx'])}?{query}",
        )
    if request.htmx:
        return render(request, "planning/gap.html#results", context)
    return render(request, "planning/gap.html", context)


@login_required
def gap_export(request: HttpRequest, file_format: str) -> HttpResponse:
    form = _bound_form(request)
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "planning/gap.html",
            {"form": form, "analysis": None, "chart": None, "chosen": None},
            status=400,
        )
    analysis = _analysis(form, request.user)
    if file_format == "xlsx":
        content, content_type = gap.xlsx_bytes(analysis), XLSX_CONTENT_TYPE
    else:
        content, content_type = gap.csv_bytes(analysis), CSV_CONTENT_TYPE
    stem = f"analyse-ecarts-{analysis.territory.code}-{timezone.localdate():%Y-%m-%d}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response
