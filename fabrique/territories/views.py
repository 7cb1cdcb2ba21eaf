"""Pages of industrial territories and communes (server-rendered, HTMX for the searches)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fabrique.accounts.rules import can_edit_territory
from fabrique.core.errors import NotFound
from fabrique.territories import queries, rules
from fabrique.territories.forms import EPCI_RESULTS, SearchForm, TerritoryForm
from fabrique.territories.models import EPCI, Commune, IndustrialTerritory

TERRITORIES_PER_PAGE = 25
COMMUNES_PER_PAGE = 25


def _territory_or_404(code: str) -> IndustrialTerritory:
    territory = IndustrialTerritory.objects.filter(code=code).first()
    if territory is None:
        raise NotFound(_("No industrial territory has the code “%(code)s”.") % {"code": code})
    return territory


def _page(request: HttpRequest, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def territory_list(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    query = search.query()
    territories = IndustrialTerritory.objects.search(query).with_figures().order_by("name")
    context = {
        "search": search,
        "query": query,
        "page": _page(request, territories, TERRITORIES_PER_PAGE),
        "can_create": rules.can_create_territory(request.user),
    }
    template = "territories/list.html#results" if request.htmx else "territories/list.html"
    return render(request, template, context)


def territory_detail(request: HttpRequest, code: str) -> HttpResponse:
    territory = _territory_or_404(code)
    search = SearchForm(request.GET)
    query = search.query()
    communes = (
        queries.communes_of(territory)
        .search(query)
        .select_related("epci", "departement")
        .order_by("name", "insee_code")
    )
    context = {
        "territory": territory,
        "search": search,
        "query": query,
        "page": _page(request, communes, COMMUNES_PER_PAGE),
    }
    if request.htmx:
        return render(request, "territories/detail.html#communes", context)
    show_people = rules.can_view_people_figures(request.user, territory)
    figures = queries.territory_figures(territory, include_people=show_people)
    organisations = list(
        queries.organisations_in(territory).select_related("commune").order_by("name")
    )
    context.update(
        figures=figures,
        organisations_by_kind=queries.organisations_by_kind_labels(figures),
        people_by_status=queries.people_by_status_labels(figures) if show_people else None,
        organisations=organisations,
        map=queries.territory_map(territory, organisations),
        epcis=list(queries.epcis_of(territory)),
        coordinators=list(territory.coordinating_organisations.order_by("name")),
        can_edit=can_edit_territory(request.user, territory),
    )
    return render(request, "territories/detail.html", context)


def _form_page(request: HttpRequest, territory: IndustrialTerritory | None) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_edit_territory(request.user, territory):
        raise PermissionDenied
    if request.method == "POST":
        form = TerritoryForm(request.POST, user=request.user, territory=territory)
        if "find_epci" not in request.POST and form.is_valid():
            try:
                saved = form.save()
            except ValidationError:
                pass
            else:
                return redirect(saved)
    else:
        form = TerritoryForm(user=request.user, territory=territory)
    return render(
        request,
        "territories/form.html",
        {
            "form": form,
            "territory": territory,
            "selected_epcis": form.selected_epcis(),
            "epci_ticked": [],
            "epci_results": form.epci_results(),
            "epci_query": form.data.get("epci_query", "") if form.is_bound else "",
        },
    )


def territory_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


def territory_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _form_page(request, _territory_or_404(code))


def epci_search(request: HttpRequest) -> HttpResponse:
    """HTMX fragment of the territory form: EPCI matching ``epci_query`` as checkboxes.

    The EPCI ticked among earlier results (``epcis``) stay, ticked; those already in the
    territory (``selected``) are not offered again.
    """
    search = SearchForm({"q": request.GET.get("epci_query", "")})
    query = search.query()
    ticked = [siren for siren in request.GET.getlist("epcis") if siren.isdigit()]
    selected = [siren for siren in request.GET.get("selected", "").split() if siren.isdigit()]
    results = []
    if query:
        found = EPCI.objects.current().search(query).exclude(siren__in=[*ticked, *selected])
        results = list(found[:EPCI_RESULTS])
    return render(
        request,
        "territories/form.html#epci_results",
        {
            "epci_ticked": list(EPCI.objects.filter(siren__in=ticked)),
            "epci_results": results,
            "epci_query": query,
        },
    )


def commune_list(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    query = search.query()
    communes = Commune.objects.none()
    if query:
        communes = (
            Commune.objects.current()
            .search(query)
            .select_related("departement", "epci")
            .order_by("name", "insee_code")
        )
    context = {
        "search": search,
        "query": query,
        "page": _page(request, communes, COMMUNES_PER_PAGE),
    }
    template = "territories/communes.html#results" if request.htmx else "territories/communes.html"
    return render(request, template, context)


def commune_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    commune = (
        Commune.objects.select_related("departement__region", "epci", "zone_emploi", "bassin")
        .filter(insee_code=insee_code)
        .first()
    )
    if commune is None:
        raise NotFound(_("No commune has the INSEE code “%(code)s”.") % {"code": insee_code})
    context = {
        "commune": commune,
        "territories": list(queries.territories_of_commune(commune)),
        "organisations": list(commune.organisations.order_by("name")),
    }
    return render(request, "territories/commune.html", context)
