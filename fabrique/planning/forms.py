"""Forms of planning scenarios: the scenario itself, and one what-if change at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fabrique.planning import adapter, rules
from fabrique.planning.enums import ChangeKind
from fabrique.planning.models import PlanRun, Scenario

MAX_HORIZON_DAYS = 5 * 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = [
            "name",
            "territory",
            "horizon_start",
            "horizon_end",
            "km_cost_eur",
            "session_to_need_max_km",
        ]
        widgets = {"horizon_start": DateInput(), "horizon_end": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from fabrique.territories.models import IndustrialTerritory

        scope = rules.plannable_territory_ids(user)
        territories = IndustrialTerritory.objects.all()
        if scope is not None:
            territories = territories.filter(pk__in=scope)
        self.fields["territory"].queryset = territories
        self.fields["horizon_start"].help_text = _("Needs due and sessions starting from then.")
        self.fields["horizon_end"].help_text = _("Needs due and sessions starting until then.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("horizon_start"), data.get("horizon_end")
        if start and end:
            if end < start:
                self.add_error("horizon_end", _("The horizon must end on or after its start."))
            elif (end - start).days > MAX_HORIZON_DAYS:
                self.add_error("horizon_end", _("The horizon may last five years at most."))
        cost = data.get("km_cost_eur")
        if cost is not None and cost < 0:
            self.add_error("km_cost_eur", _("The cost per km cannot be negative."))
        return data


class ChangeForm(forms.Form):
    """One what-if change; which fields count depends on its kind."""

    kind = forms.ChoiceField(label=_("Change"), choices=ChangeKind.choices)
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=None,
        required=False,
        help_text=_("For a change of seats: the session whose seats change."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        required=False,
        min_value=0,
        max_value=adapter.MAX_CAPACITY,
        help_text=_("For a new session or a change of seats: the seats in all."),
    )
    training = forms.ModelChoiceField(
        label=_("Training of the new session"), queryset=None, required=False
    )
    commune = forms.CharField(
        label=_("Commune of the new session (INSEE code)"), required=False, max_length=5
    )
    start = forms.DateField(label=_("Start of the new session"), required=False, widget=DateInput())
    end = forms.DateField(label=_("End of the new session"), required=False, widget=DateInput())
    extra_km = forms.DecimalField(
        label=_("Kilometres added to every mobility radius"),
        required=False,
        max_digits=6,
        decimal_places=1,
    )
    factor = forms.DecimalField(
        label=_("Factor applied to every mobility radius"),
        required=False,
        max_digits=4,
        decimal_places=2,
    )
    need = forms.ModelChoiceField(label=_("Hiring need"), queryset=None, required=False)
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DateInput())

    REQUIRED = {
        ChangeKind.ADD_SESSION: ("training", "commune", "start", "end", "capacity"),
        ChangeKind.CAPACITY: ("session", "capacity"),
        ChangeKind.RADIUS: (),
        ChangeKind.DEADLINE: ("need", "deadline"),
    }

    def __init__(self, *args: Any, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from fabrique.needs.models import HiringNeed
        from fabrique.trainings.models import Session, Training

        self.scenario = scenario
        territory = scenario.territory
        epcis = territory.epcis.all()
        self.fields["session"].queryset = (
            Session.objects.filter(
                start__gte=scenario.horizon_start,
                start__lte=scenario.horizon_end,
            )
            .filter(Q(commune__epci__in=epcis) | Q(training__organisation__commune__epci__in=epcis))
            .select_related("training")
            .distinct()
            .order_by("start", "pk")
        )
        self.fields["training"].queryset = (
            Training.objects.filter(occupations__isnull=False).distinct().order_by("title", "pk")
        )
        self.fields["need"].queryset = (
            HiringNeed.objects.filter(
                Q(project__territory=territory) | Q(project__commune__epci__in=epcis)
            )
            .select_related("project", "occupation")
            .distinct()
            .order_by("needed_by", "pk")
        )
        self.fields["need"].label_from_instance = lambda need: f"{need.project} — {need}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind or self.errors:
            return data
        for name in self.REQUIRED[kind]:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Required for this kind of change."))
        if (
            kind == ChangeKind.RADIUS
            and data.get("extra_km") is None
            and data.get("factor") is None
        ):
            self.add_error(
                "extra_km", _("Give the kilometres to add, or the factor to apply, or both.")
            )
        if self.errors:
            return data
        try:
            self.change = adapter.validate_changes([self._raw_change(kind, data)])[0]
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return data

    @staticmethod
    def _raw_change(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        change: dict[str, Any] = {"kind": kind}
        if kind == ChangeKind.ADD_SESSION:
            change |= {
                "training": data["training"].pk,
                "commune": data["commune"].strip(),
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
                "capacity": data["capacity"],
            }
        elif kind == ChangeKind.CAPACITY:
            change |= {"session": data["session"].pk, "capacity": data["capacity"]}
        elif kind == ChangeKind.RADIUS:
            if data.get("extra_km") is not None:
                change["extra_km"] = str(data["extra_km"])
            if data.get("factor") is not None:
                change["factor"] = str(data["factor"])
        elif kind == ChangeKind.DEADLINE:
            deadline: dt.date = data["deadline"]
            change |= {"need": data["need"].pk, "deadline": deadline.isoformat()}
        return change


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=_("First plan"), queryset=PlanRun.objects.none())
    b = forms.ModelChoiceField(label=_("Second plan"), queryset=PlanRun.objects.none())

    def __init__(self, *args: Any, runs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = runs
            self.fields[name].label_from_instance = _run_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", _("Choose two different plans."))
        return data


def _run_label(run: PlanRun) -> str:
    return _("%(scenario)s — run %(pk)s (%(filled)s of %(demand)s filled)") % {
        "scenario": run.scenario.name,
        "pk": run.pk,
        "filled": run.filled,
        "demand": run.demand,
    }
