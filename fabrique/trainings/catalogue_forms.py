"""The catalogue's filter form (GET): its fields are the catalogue's address parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fabrique.referentials.queries import MAX_QUERY_LENGTH
from fabrique.trainings.enums import Audience, Funding, Modality
from fabrique.trainings.queries import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, CatalogueQuery

LIST, MAP, CALENDAR = "liste", "carte", "calendrier"
VIEWS = (
    (LIST, _("List")),
    (MAP, _("Map")),
    (CALENDAR, _("Calendar")),
)
RADIUS_CHOICES = [(str(km), _("%(km)s km") % {"km": km}) for km in (5, 10, 20, 30, 50, 100)]


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("This text holds a forbidden character."), code="nul")


def _optional(choices: Any, empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CatalogueForm(forms.Form):
    q = forms.CharField(
        label=_("What"),
        help_text=_("A trade, a training, a skill: “soudure”, “maintenance industrielle”."),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        validators=[_no_nul],
    )
    lieu = forms.CharField(
        label=pgettext_lazy("place search", "Where"),
        help_text=_("A town or a postcode."),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        validators=[_no_nul],
    )
    rayon = forms.TypedChoiceField(
        label=_("Within"),
        choices=RADIUS_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_KM,
        initial=str(DEFAULT_RADIUS_KM),
    )
    du = forms.DateField(label=_("Starting from"), required=False, widget=DateInput())
    au = forms.DateField(label=_("Starting until"), required=False, widget=DateInput())
    modalite = forms.ChoiceField(
        label=_("Modality"), choices=_optional(Modality.choices, _("any")), required=False
    )
    public = forms.ChoiceField(
        label=_("Audience"), choices=_optional(Audience.choices, _("any")), required=False
    )
    financement = forms.ChoiceField(
        label=_("Funding"), choices=_optional(Funding.choices, _("any")), required=False
    )
    metier = forms.CharField(
        label=_("Occupation code"),
        help_text=_("ROME code (H2913) or ESCO URI."),
        required=False,
        max_length=200,
        validators=[_no_nul],
    )
    competence = forms.CharField(
        label=_("Skill code"), required=False, max_length=200, validators=[_no_nul]
    )
    ouvertes = forms.BooleanField(label=_("Only sessions with open registration"), required=False)
    vue = forms.ChoiceField(choices=VIEWS, required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("rayon"):
            data = data.copy()
            data["rayon"] = str(DEFAULT_RADIUS_KM)  # shown selected, not the first choice
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end and end < start:
            self.add_error("au", _("This date is before the first one."))
        return data

    def query(self, *, organisation_id: int | None = None) -> CatalogueQuery:
        """The search to run; fields that are not valid are left out."""
        self.is_valid()
        data = self.cleaned_data
        radius = data.get("rayon") or DEFAULT_RADIUS_KM
        return CatalogueQuery(
            text=data.get("q", ""),
            occupation=data.get("metier", ""),
            skill=data.get("competence", ""),
            place=data.get("lieu", ""),
            radius_km=min(radius, MAX_RADIUS_KM),
            date_from=data.get("du"),
            date_to=data.get("au") if "au" not in self.errors else None,
            modality=data.get("modalite", ""),
            audience=data.get("public", ""),
            funding=data.get("financement", ""),
            open_only=data.get("ouvertes", False),
            organisation_id=organisation_id,
        )

    @property
    def view(self) -> str:
        value = self.cleaned_data.get("vue") if hasattr(self, "cleaned_data") else ""
        return value or LIST

    def has_filters(self) -> bool:
        return any(
            self.cleaned_data.get(name)
            for name in self.fields
            if name not in ("vue", "rayon") and hasattr(self, "cleaned_data")
        )


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """The first day of the month written ``YYYY-MM``, or of ``default``'s month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return default.replace(day=1)
