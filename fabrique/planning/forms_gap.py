"""The form of the gap analysis: a territory the reader may see, a horizon, needs to count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.engine.gaps import Quarter
from fabrique.needs.enums import Confidence
from fabrique.planning.gap import DEFAULT_SEAT_DISTANCE_KM, territories_for_gap

DEFAULT_QUARTERS = 8
MAX_QUARTERS = 40  # ten years
MAX_SEAT_DISTANCE_KM = 500

ALL = "all"
FIRM_OR_LIKELY = "firm_likely"
FIRM = "firm"
CONFIDENCE_CHOICES = [
    (ALL, _("all needs (firm, likely and possible)")),
    (FIRM_OR_LIKELY, _("firm and likely needs only")),
    (FIRM, _("firm needs only")),
]
CONFIDENCE_LEVELS: dict[str, tuple[str, ...] | None] = {
    ALL: None,
    FIRM_OR_LIKELY: (Confidence.FIRM, Confidence.LIKELY),
    FIRM: (Confidence.FIRM,),
}


def default_horizon(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current quarter and the seven after it."""
    quarter = Quarter.of(today or timezone.localdate())
    first = quarter
    for _step in range(DEFAULT_QUARTERS - 1):
        quarter = quarter.next()
    return first.first_day, quarter.last_day


class GapForm(forms.Form):
    territoire = forms.ModelChoiceField(
        label=_("Industrial territory"),
        queryset=None,
        to_field_name="code",
        empty_label=_("Choose a territory"),
        error_messages={
            "required": _("Choose the industrial territory to analyse."),
            "invalid_choice": _(
                "This territory does not exist or you may not read its gap analysis."
            ),
        },
    )
    debut = forms.DateField(
        label=_("From"),
        help_text=_("The analysis starts with the quarter of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the first day of the horizon."),
            "invalid": _("Write the first day of the horizon as a date, e.g. 2027-01-01."),
        },
    )
    fin = forms.DateField(
        label=_("To"),
        help_text=_("The analysis ends with the quarter of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the last day of the horizon."),
            "invalid": _("Write the last day of the horizon as a date, e.g. 2028-12-31."),
        },
    )
    confiance = forms.ChoiceField(
        label=_("Needs counted"),
        choices=CONFIDENCE_CHOICES,
        initial=ALL,
        required=False,
        error_messages={"invalid_choice": _("Choose which needs to count from the list.")},
    )
    distance = forms.IntegerField(
        label=_("Training seats within (km)"),
        help_text=_("Distance from the territory's communes; remote trainings always count."),
        min_value=0,
        max_value=MAX_SEAT_DISTANCE_KM,
        initial=DEFAULT_SEAT_DISTANCE_KM,
        required=False,
        error_messages={
            "invalid": _("Write the distance in whole kilometres."),
            "min_value": _("The distance cannot be negative."),
            "max_value": _("The distance cannot exceed %(limit_value)s km."),
        },
    )

    competences = forms.IntegerField(
        label=_("Also people holding (% of essential skills)"),
        help_text=_(
            "Leave empty to count only the people who hold or held the occupation; e.g. 80 also "
            "counts those who hold 80 % of its essential skills."
        ),
        min_value=1,
        max_value=100,
        required=False,
        error_messages={
            "invalid": _("Write the share of essential skills as a whole percentage."),
            "min_value": _("The share of essential skills must be a percentage between 1 and 100."),
            "max_value": _("The share of essential skills must be a percentage between 1 and 100."),
        },
    )

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        start, end = default_horizon()
        if data is not None:
            data = data.copy()
            data.setdefault("debut", start.isoformat())
            data.setdefault("fin", end.isoformat())
            for name, default in (("confiance", ALL), ("distance", DEFAULT_SEAT_DISTANCE_KM)):
                if not data.get(name):
                    data[name] = str(default)
        super().__init__(data, initial={"debut": start, "fin": end}, **kwargs)
        self.territories = territories_for_gap(user)
        self.fields["territoire"].queryset = self.territories  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("debut"), cleaned.get("fin")
        if start is not None and end is not None:
            if end < start:
                self.add_error("fin", _("The end of the horizon comes before its start."))
            else:
                count = (Quarter.of(end).year - Quarter.of(start).year) * 4 + (
                    Quarter.of(end).number - Quarter.of(start).number + 1
                )
                if count > MAX_QUARTERS:
                    self.add_error(
                        "fin",
                        _("The horizon spans %(count)d quarters; at most %(limit)d are analysed.")
                        % {"count": count, "limit": MAX_QUARTERS},
                    )
        return cleaned

    @property
    def confidences(self) -> tuple[str, ...] | None:
        return CONFIDENCE_LEVELS[self.cleaned_data["confiance"]]
