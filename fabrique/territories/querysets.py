"""Chainable reads of the territories models (the heavier ones are in ``queries.py``)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q, Sum

if TYPE_CHECKING:
    from fabrique.territories.models import IndustrialTerritory

MAX_QUERY_LENGTH = 100


def search_key(text: str) -> str:
    """Lower case, without accents or punctuation: "Saint-Avold" and "saint avold" match."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def clean_query(query: str | None) -> str:
    """A search text fit for the database: trimmed, bounded, without NUL characters."""
    return (query or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


class CommuneQuerySet(models.QuerySet):
    def current(self) -> CommuneQuerySet:
        """Communes of the latest imported geography (not obsolete)."""
        return self.filter(obsolete=False)

    def in_territory(self, territory: IndustrialTerritory) -> CommuneQuerySet:
        """Communes whose EPCI belongs to the industrial territory."""
        return self.filter(epci__industrial_territories=territory)

    def search(self, query: str | None) -> CommuneQuerySet:
        """By name (accents and hyphens ignored), INSEE code or postal code."""
        query = clean_query(query)
        if not query:
            return self
        if re.fullmatch(r"[0-9][0-9AaBb]?[0-9]*", query):
            return self.filter(
                Q(insee_code__startswith=query.upper()) | Q(postal_codes__contains=query)
            )
        key = search_key(query)
        condition = Q(name__icontains=query)
        if key:
            condition |= Q(search_name__contains=key)
        return self.filter(condition)


class EPCIQuerySet(models.QuerySet):
    def current(self) -> EPCIQuerySet:
        return self.filter(obsolete=False)

    def search(self, query: str | None) -> EPCIQuerySet:
        """By name (accents and hyphens ignored) or SIREN."""
        query = clean_query(query)
        if not query:
            return self
        if query.isdigit():
            return self.filter(siren__startswith=query)
        key = search_key(query)
        condition = Q(name__icontains=query)
        if key:
            condition |= Q(search_name__contains=key)
        return self.filter(condition)

    def with_commune_counts(self) -> EPCIQuerySet:
        return self.annotate(
            commune_count=Count("communes", filter=Q(communes__obsolete=False), distinct=True)
        )


class IndustrialTerritoryQuerySet(models.QuerySet):
    def search(self, query: str | None) -> IndustrialTerritoryQuerySet:
        query = clean_query(query)
        if not query:
            return self
        return self.filter(Q(name__icontains=query) | Q(code__icontains=query))

    def with_figures(self) -> IndustrialTerritoryQuerySet:
        """Annotate ``epci_count``, ``commune_count`` and ``population`` (current communes).

        A commune belongs to one EPCI, so the territory × EPCI × commune join counts each
        commune once.
        """
        current = Q(epcis__communes__obsolete=False)
        return self.annotate(
            epci_count=Count("epcis", distinct=True),
            commune_count=Count("epcis__communes", filter=current, distinct=True),
            population=Sum("epcis__communes__population", filter=current),
        )

    def coordinated_by(self, organisation_ids: Any) -> IndustrialTerritoryQuerySet:
        return self.filter(coordinating_organisations__in=organisation_ids).distinct()
