"""Writes of the territories app: defining and changing industrial territories."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation, User
from fabrique.accounts.rules import can_edit_territory, is_platform_admin, organisation_ids
from fabrique.core import audit
from fabrique.territories.models import EPCI, IndustrialTerritory


def _check_epcis(epcis: list[EPCI], already: set[int]) -> None:
    if not epcis:
        raise ValidationError({"epcis": _("Choose at least one EPCI.")})
    obsolete = [epci for epci in epcis if epci.obsolete and epci.pk not in already]
    if obsolete:
        names = ", ".join(f"{epci.name} ({epci.siren})" for epci in obsolete)
        raise ValidationError(
            {"epcis": _("These EPCI no longer exist: %(names)s.") % {"names": names}}
        )


def _check_coordinators(coordinators: list[Organisation], by: User) -> None:
    """A coordinator must stay among the coordinators, or they could no longer edit it."""
    if is_platform_admin(by):
        return
    own = organisation_ids(by, Role.COORDINATOR)
    if not any(organisation.pk in own for organisation in coordinators):
        raise ValidationError(
            {
                "coordinators": _(
                    "Keep at least one organisation you coordinate among the coordinating "
                    "organisations, or you could no longer edit this territory."
                )
            }
        )


def _record_links(territory: IndustrialTerritory) -> None:
    """Audit the EPCI and coordinators (many-to-many links are not seen by model signals)."""
    audit.record_event(
        action="update",
        model="territories.industrialterritory",
        object_id=str(territory.pk),
        label=str(territory),
        after={
            "epcis": sorted(territory.epcis.values_list("siren", flat=True)),
            "coordinating_organisations": sorted(
                territory.coordinating_organisations.values_list("slug", flat=True)
            ),
        },
    )


@transaction.atomic
def create_territory(
    *,
    code: str,
    name: str,
    description: str = "",
    epcis: Iterable[EPCI],
    coordinators: Iterable[Organisation],
    by: User,
) -> IndustrialTerritory:
    """Define a new industrial territory as a set of EPCI, coordinated by organisations."""
    if not can_edit_territory(by, None):
        raise PermissionDenied(_("Only coordinators may define a territory."))
    epcis, coordinators = list(epcis), list(coordinators)
    territory = IndustrialTerritory(
        code=code.strip(),
        name=name.strip(),
        description=description.strip(),
        created_by=by if by.pk else None,
    )
    territory.full_clean()
    _check_epcis(epcis, set())
    _check_coordinators(coordinators, by)
    territory.save()
    territory.epcis.set(epcis)
    territory.coordinating_organisations.set(coordinators)
    _record_links(territory)
    return territory


@transaction.atomic
def update_territory(
    *,
    territory: IndustrialTerritory,
    name: str | None = None,
    description: str | None = None,
    epcis: Iterable[EPCI] | None = None,
    coordinators: Iterable[Organisation] | None = None,
    by: User,
) -> IndustrialTerritory:
    """Change what is given (None leaves a field as it is); the code never changes."""
    territory = IndustrialTerritory.objects.select_for_update(of=("self",)).get(pk=territory.pk)
    if not can_edit_territory(by, territory):
        raise PermissionDenied(_("Only the territory's coordinators may change it."))
    if name is not None:
        territory.name = name.strip()
    if description is not None:
        territory.description = description.strip()
    territory.full_clean()
    links_changed = False
    if epcis is not None:
        epcis = list(epcis)
        current = set(territory.epcis.values_list("pk", flat=True))
        _check_epcis(epcis, current)
        links_changed |= {epci.pk for epci in epcis} != current
    if coordinators is not None:
        coordinators = list(coordinators)
        current = set(territory.coordinating_organisations.values_list("pk", flat=True))
        _check_coordinators(coordinators, by)
        links_changed |= {organisation.pk for organisation in coordinators} != current
    territory.save()
    if epcis is not None:
        territory.epcis.set(epcis)
    if coordinators is not None:
        territory.coordinating_organisations.set(coordinators)
    if links_changed:
        _record_links(territory)
    return territory
