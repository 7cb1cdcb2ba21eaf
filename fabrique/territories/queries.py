"""Reads about industrial territories: their communes, organisations, people and key figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from fabrique.accounts.models import Organisation
from fabrique.people.models import Person
from fabrique.territories.maps import MapPoint, TerritoryMap, project
from fabrique.territories.models import Commune, IndustrialTerritory
from fabrique.territories.querysets import CommuneQuerySet


def communes_of(territory: IndustrialTerritory) -> CommuneQuerySet:
    """The current communes whose EPCI belongs to the territory."""
    return Commune.objects.current().in_territory(territory)


def organisations_in(territory: IndustrialTerritory) -> QuerySet[Organisation]:
    """Organisations located in one of the territory's communes."""
    return Organisation.objects.filter(commune__epci__industrial_territories=territory)


def people_in(territory: IndustrialTerritory) -> QuerySet[Person]:
    """People (not anonymised) living in one of the territory's communes."""
    return Person.objects.filter(
        commune__epci__industrial_territories=territory, anonymised_at__isnull=True
    )


def territory_figures(
    territory: IndustrialTerritory, *, include_people: bool = True
) -> dict[str, Any]:
    """Key figures of a territory, in four queries (three without people).

    Returns ``population``, ``communes``, ``epci``, ``zones_emploi`` and ``bassins`` (how many
    the communes touch), ``organisations`` and ``organisations_by_kind`` ({kind: count}),
    ``people`` and ``people_by_status`` ({status: count}; None when ``include_people`` is false).
    """
    geography = communes_of(territory).aggregate(
        population=Sum("population"),
        communes=Count("id"),
        zones_emploi=Count("zone_emploi", distinct=True),
        bassins=Count("bassin", distinct=True),
    )
    epci = territory.epcis.count()
    by_kind = {
        row["kind"]: row["count"]
        for row in organisations_in(territory).order_by().values("kind").annotate(count=Count("id"))
    }
    figures: dict[str, Any] = {
        "population": geography["population"] or 0,
        "communes": geography["communes"],
        "epci": epci,
        "zones_emploi": geography["zones_emploi"],
        "bassins": geography["bassins"],
        "organisations": sum(by_kind.values()),
        "organisations_by_kind": dict(sorted(by_kind.items())),
        "people": None,
        "people_by_status": None,
    }
    if include_people:
        by_status = {
            row["status"]: row["count"]
            for row in people_in(territory).order_by().values("status").annotate(count=Count("id"))
        }
        figures["people"] = sum(by_status.values())
        figures["people_by_status"] = dict(sorted(by_status.items()))
    return figures


def territory_map(
    territory: IndustrialTerritory, organisations: list[Organisation]
) -> TerritoryMap | None:
    """The territory's communes and ``organisations`` as points of an SVG map (None if none)."""
    communes = [
        MapPoint(
            latitude=latitude, longitude=longitude, label=f"{name} ({code})", weight=population or 0
        )
        for code, name, latitude, longitude, population in communes_of(territory)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list("insee_code", "name", "latitude", "longitude", "population")
    ]
    places = [
        MapPoint(
            latitude=organisation.commune.latitude,
            longitude=organisation.commune.longitude,
            label=organisation.name,
        )
        for organisation in organisations
        if organisation.commune is not None
        and organisation.commune.latitude is not None
        and organisation.commune.longitude is not None
    ]
    return project(communes, places)


def epcis_of(territory: IndustrialTerritory) -> QuerySet:
    return territory.epcis.with_commune_counts().order_by("name")


def territories_of_commune(commune: Commune) -> QuerySet[IndustrialTerritory]:
    if commune.epci_id is None:
        return IndustrialTerritory.objects.none()
    return IndustrialTerritory.objects.filter(epcis=commune.epci_id)


def people_by_status_labels(figures: dict[str, Any]) -> list[tuple[str, int]]:
    labels = dict(Person._meta.get_field("status").choices)
    return [(str(labels.get(k, k)), v) for k, v in (figures["people_by_status"] or {}).items()]


def organisations_by_kind_labels(figures: dict[str, Any]) -> list[tuple[str, int]]:
    labels = dict(Organisation._meta.get_field("kind").choices)
    return [(str(labels.get(k, k)), v) for k, v in figures["organisations_by_kind"].items()]
