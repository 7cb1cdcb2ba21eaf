"""Forms of the territory pages: they validate input; the actions decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation, User
from fabrique.accounts.rules import organisation_ids
from fabrique.territories import actions
from fabrique.territories.models import EPCI, IndustrialTerritory
from fabrique.territories.querysets import MAX_QUERY_LENGTH

EPCI_RESULTS = 20


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class TerritoryForm(forms.Form):
    """Create (with a code) or edit (without) an industrial territory."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Short name used in addresses, e.g. “nord-lorraine”. Cannot be changed."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    epcis = forms.ModelMultipleChoiceField(
        label=_("EPCI"),
        queryset=EPCI.objects.all(),
        to_field_name="siren",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("No EPCI has the SIREN %(value)s.")},
    )
    epci_query = forms.CharField(
        label=_("Find an EPCI by name or SIREN"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
    )
    coordinators = forms.ModelMultipleChoiceField(
        label=_("Coordinating organisations"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their coordinators may change this territory."),
    )

    def __init__(
        self, *args: Any, user: User, territory: IndustrialTerritory | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.territory = territory
        if territory is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": territory.name,
                "description": territory.description,
                "epcis": list(territory.epcis.all()),
                "coordinators": list(territory.coordinating_organisations.all()),
            }
        elif territory is None and "initial" not in kwargs:
            own = organisation_ids(user, Role.COORDINATOR)
            kwargs["initial"] = {"coordinators": list(Organisation.objects.filter(pk__in=own))}
        super().__init__(*args, **kwargs)
        if territory is not None:
            del self.fields["code"]

    def selected_epcis(self) -> list[EPCI]:
        """The EPCI ticked so far (bound form) or already in the territory (unbound)."""
        if self.is_bound:
            sirens = self.data.getlist("epcis") if hasattr(self.data, "getlist") else []
            return list(EPCI.objects.filter(siren__in=[s for s in sirens if s.isdigit()]))
        return list(self.initial.get("epcis", []))

    def epci_results(self) -> list[EPCI]:
        """EPCI found by the search box (page without JavaScript)."""
        query = self.data.get("epci_query", "") if self.is_bound else ""
        if not query.strip():
            return []
        selected = {epci.siren for epci in self.selected_epcis()}
        found = EPCI.objects.current().search(query).exclude(siren__in=selected)
        return list(found[:EPCI_RESULTS])

    def save(self) -> IndustrialTerritory:
        """Create or update through the actions; their refusals become form errors."""
        data = self.cleaned_data
        try:
            if self.territory is None:
                return actions.create_territory(
                    code=data["code"],
                    name=data["name"],
                    description=data["description"],
                    epcis=data["epcis"],
                    coordinators=data["coordinators"],
                    by=self.user,
                )
            return actions.update_territory(
                territory=self.territory,
                name=data["name"],
                description=data["description"],
                epcis=data["epcis"],
                coordinators=data["coordinators"],
                by=self.user,
            )
        except ValidationError as error:
            self.add_error(None, error)
            raise
