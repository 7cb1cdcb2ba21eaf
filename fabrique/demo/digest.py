"""A digest of the demo world's data, to check that a seed always gives the same world."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from fabrique.accounts.models import Membership, Organisation, User
from fabrique.people.models import Person, PersonSkill
from fabrique.territories.models import IndustrialTerritory


def world_digest() -> str:
    """A SHA-256 of the demo world's data, independent of primary keys and timestamps."""
    digest = hashlib.sha256()

    def feed(*row: Any) -> None:
        digest.update(json.dumps(row, ensure_ascii=False, default=str).encode())
        digest.update(b"\n")

    partners: dict[int, list[str]] = defaultdict(list)
    for from_id, slug in Organisation.partners.through.objects.values_list(
        "from_organisation_id", "to_organisation__slug"
    ):
        partners[from_id].append(slug)
    for row in Organisation.objects.order_by("slug").values_list(
        "pk", "slug", "name", "kind", "siret", "description", "commune__insee_code", "address",
        "website", "email",
    ):  # fmt: skip
        feed("organisation", *row[1:], sorted(partners[row[0]]))
    for territory in IndustrialTerritory.objects.order_by("code").prefetch_related(
        "epcis", "coordinating_organisations"
    ):
        feed(
            "territory",
            territory.code,
            territory.name,
            territory.description,
            sorted(epci.siren for epci in territory.epcis.all()),
            sorted(org.slug for org in territory.coordinating_organisations.all()),
        )
    roles: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for user_id, slug, role in Membership.objects.values_list(
        "user_id", "organisation__slug", "role"
    ):
        roles[user_id].append((slug, role))
    for row in User.objects.order_by("email").values_list(
        "pk", "email", "first_name", "last_name", "language", "is_active", "is_staff",
        "is_superuser", "date_joined",
    ):  # fmt: skip
        feed("user", *row[1:], sorted(roles[row[0]]))
    skills: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for person_id, code, source, acquired_on in PersonSkill.objects.values_list(
        "person_id", "skill__code", "source", "acquired_on"
    ):
        skills[person_id].append((code, source, str(acquired_on)))
    for row in Person.objects.order_by("pk").values_list(
        "pk", "first_name", "last_name", "email", "phone", "birth_year", "status",
        "commune__insee_code", "mobility_radius_km", "available_from",
        "current_occupation__code", "organisation__slug", "consent_to_employers",
        "consent_to_contact", "user__email",
    ):  # fmt: skip
        feed("person", *row[1:], sorted(skills[row[0]]))
    return digest.hexdigest()
