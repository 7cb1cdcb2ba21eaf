"""The home dashboard: one panel per role the user holds, each with what that role needs today."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.accounts import rules
from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent, Organisation, User
from fabrique.core.models import DataSource
from fabrique.people.models import Person
from fabrique.territories.models import Commune, IndustrialTerritory

ROLE_ORDER = [
    Role.PLATFORM_ADMIN,
    Role.COORDINATOR,
    Role.ORGANISATION_ADMIN,
    Role.TRAINER,
    Role.COMPANY_CONTACT,
    Role.REVIEWER,
    Role.LEARNER,
    Role.VIEWER,
]


def _status_counts(people: Any) -> list[dict[str, Any]]:
    labels = dict(Person._meta.get_field("status").choices)
    rows = people.values("status").annotate(n=Count("id")).order_by("-n")
    return [{"status": labels.get(r["status"], r["status"]), "count": r["n"]} for r in rows]


def _territory_summary(territory: IndustrialTerritory) -> dict[str, Any]:
    communes = Commune.objects.filter(epci__in=territory.epcis.all())
    people = Person.objects.filter(commune__in=communes, anonymised_at__isnull=True)
    soon = timezone.localdate() + datetime.timedelta(days=90)
    return {
        "territory": territory,
        "organisations": Organisation.objects.filter(commune__in=communes).count(),
        "people": people.count(),
        "available_soon": people.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=soon)
        ).count(),
        "consenting": people.filter(consent_to_employers=True).count(),
        "by_status": _status_counts(people),
    }


def _organisations(user: User, role: str) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__role=role)
        .select_related("commune")
        .distinct()
        .order_by("name")
    )


def _panel_platform_admin(user: User) -> dict[str, Any]:
    return {
        "figures": {
            "users": User.objects.filter(is_active=True).count(),
            "organisations": Organisation.objects.count(),
            "territories": IndustrialTerritory.objects.count(),
            "people": Person.objects.count(),
            "communes": Commune.objects.count(),
        },
        "sources": list(DataSource.objects.all()),
        "recent_events": list(AuditEvent.objects.select_related("actor")[:8]),
    }


def _panel_coordinator(user: User) -> dict[str, Any]:
    own = rules.organisation_ids(user, Role.COORDINATOR)
    territories = IndustrialTerritory.objects.filter(coordinating_organisations__in=own).distinct()
    return {
        "organisations": _organisations(user, Role.COORDINATOR),
        "territories": [_territory_summary(t) for t in territories.order_by("name")],
    }


def _panel_organisation_admin(user: User) -> dict[str, Any]:
    organisations = Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ORGANISATION_ADMIN
    ).annotate(
        member_count=Count("memberships", distinct=True),
        people_count=Count("people", distinct=True),
    )
    return {"organisations": list(organisations.order_by("name"))}


def _panel_trainer(user: User) -> dict[str, Any]:
    orgs = _organisations(user, Role.TRAINER)
    people = Person.objects.filter(organisation__in=orgs, anonymised_at__isnull=True)
    return {
        "organisations": orgs,
        "people_count": people.count(),
        "by_status": _status_counts(people),
        "recent_people": list(people.select_related("commune").order_by("-created_at")[:8]),
    }


def _panel_company_contact(user: User) -> dict[str, Any]:
    orgs = _organisations(user, Role.COMPANY_CONTACT)
    territories = IndustrialTerritory.objects.filter(
        epcis__communes__organisations__in=orgs
    ).distinct()
    return {
        "organisations": orgs,
        "territories": [_territory_summary(t) for t in territories.order_by("name")],
    }


def _panel_reviewer(user: User) -> dict[str, Any]:
    return {"organisations": _organisations(user, Role.REVIEWER)}


def _panel_learner(user: User) -> dict[str, Any]:
    person = Person.objects.filter(user=user).select_related("commune", "organisation").first()
    skills = list(person.skills.select_related("skill").order_by("skill__label")) if person else []
    return {"person": person, "skills": skills}


def _panel_viewer(user: User) -> dict[str, Any]:
    orgs = _organisations(user, Role.VIEWER)
    region_codes = {
        o.commune.departement.region.code
        for o in Organisation.objects.filter(pk__in=[o.pk for o in orgs]).select_related(
            "commune__departement__region"
        )
        if o.commune_id
    }
    people = Person.objects.filter(
        commune__departement__region__code__in=region_codes, anonymised_at__isnull=True
    )
    territories = IndustrialTerritory.objects.filter(
        epcis__communes__departement__region__code__in=region_codes
    ).distinct()
    return {
        "organisations": orgs,
        "people_count": people.count(),
        "by_status": _status_counts(people),
        "territories": [_territory_summary(t) for t in territories.order_by("name")],
    }


TITLES = {
    Role.PLATFORM_ADMIN: _("Platform administration"),
    Role.COORDINATOR: _("Coordination"),
    Role.ORGANISATION_ADMIN: _("Organisation administration"),
    Role.TRAINER: _("Training"),
    Role.COMPANY_CONTACT: _("Company contact"),
    Role.REVIEWER: _("Expert review"),
    Role.LEARNER: _("My pathway"),
    Role.VIEWER: _("Overview"),
}

PANELS = {
    Role.PLATFORM_ADMIN: _panel_platform_admin,
    Role.COORDINATOR: _panel_coordinator,
    Role.ORGANISATION_ADMIN: _panel_organisation_admin,
    Role.TRAINER: _panel_trainer,
    Role.COMPANY_CONTACT: _panel_company_contact,
    Role.REVIEWER: _panel_reviewer,
    Role.LEARNER: _panel_learner,
    Role.VIEWER: _panel_viewer,
}


def build(user: Any) -> dict[str, Any]:
    if not getattr(user, "is_authenticated", False):
        return {
            "public": True,
            "territories": list(IndustrialTerritory.objects.order_by("name")),
            "organisation_count": Organisation.objects.count(),
        }
    held = rules.roles(user)
    panels = []
    for role in ROLE_ORDER:
        if role in held:
            panels.append({"role": role, "label": TITLES[role], **PANELS[role](user)})
    return {"public": False, "panels": panels}
