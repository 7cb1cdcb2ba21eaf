"""Forms of the innovation project pages: they validate the input; ``projects`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import Organisation, User
from fabrique.platforms.enums import HolderKind, OutcomeKind, ProjectStage, TeamRole
from fabrique.platforms.forms import YEARS, DateInput, FileOrLinkForm
from fabrique.platforms.models import InnovationProject, TechnicalPlatform


def _in_years(form: forms.Form, name: str) -> None:
    day = form.cleaned_data.get(name)
    if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
        form.add_error(name, _("Choose a day between 2000 and 2100."))


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name of the project"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences; shown on the showcase page if it is public."),
    )
    holder_kind = forms.ChoiceField(label=_("Holder"), choices=HolderKind.choices)
    holder_organisation = forms.ModelChoiceField(
        label=_("Holder organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None (a student team, a start-up in the making)"),
    )
    holder_name = forms.CharField(
        label=_("Holder's name"),
        max_length=200,
        required=False,
        help_text=_("When the holder is not an organisation of the platform."),
    )
    platform = forms.ModelChoiceField(
        label=_("Host platform"),
        queryset=TechnicalPlatform.objects.order_by("name"),
        required=False,
        empty_label=_("None yet"),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    stage = forms.ChoiceField(label=_("Stage today"), choices=ProjectStage.choices)
    started_on = forms.DateField(
        label=_("Stage started on"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(
        self, *args: Any, user: User, project: InnovationProject | None = None, **kwargs: Any
    ) -> None:
        if project is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": project.name,
                    "summary": project.summary,
                    "holder_kind": project.holder_kind,
                    "holder_organisation": project.holder_organisation_id,
                    "holder_name": project.holder_name,
                    "platform": project.platform_id,
                    "description": project.description,
                },
            )
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        organisations = Organisation.objects.filter(memberships__user=user)
        if project is not None and project.holder_organisation_id:
            organisations = organisations | Organisation.objects.filter(
                pk=project.holder_organisation_id
            )
        self.fields["holder_organisation"].queryset = organisations.distinct().order_by("name")  # type: ignore[attr-defined]
        if project is not None:
            del self.fields["stage"]
            del self.fields["started_on"]
            del self.fields["holder_kind"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _in_years(self, "started_on")
        if not data.get("holder_organisation") and not (data.get("holder_name") or "").strip():
            self.add_error(
                "holder_name", _("Name the holder: a student team, or a start-up in the making.")
            )
        return data


class _SectionForm(forms.Form):
    """A form of one section of the project page: its ids are its own (several forms on one
    page share field names), its field names stay plain."""

    section = "section"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.section}-%s")
        super().__init__(*args, **kwargs)


class StageForm(_SectionForm):
    section = "stage"

    stage = forms.ChoiceField(label=_("New stage"), choices=ProjectStage.choices)
    on = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _in_years(self, "on")
        return data


class MilestoneForm(_SectionForm):
    section = "milestone"

    title = forms.CharField(label=_("Milestone"), max_length=200)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any")), *ProjectStage.choices], required=False
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _in_years(self, "due_on")
        return data


class ReachedForm(_SectionForm):
    section = "reached"

    on = forms.DateField(label=_("Reached on"), widget=DateInput(), initial=timezone.localdate)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _in_years(self, "on")
        return data


class MemberForm(_SectionForm):
    section = "member"

    email = forms.EmailField(label=_("E-mail of the person's account"))
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices, initial=TeamRole.MENTOR)

    def clean_email(self) -> User:
        found = User.objects.filter(
            email__iexact=self.cleaned_data["email"], is_active=True
        ).first()
        if found is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        return found


class DocumentForm(_SectionForm, FileOrLinkForm):
    section = "document"

    public = forms.BooleanField(label=_("Show on the public showcase page"), required=False)


class OutcomeForm(_SectionForm):
    section = "outcome"

    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    value = forms.DecimalField(
        label=_("How many (or how much, in €)"),
        min_value=0.01,
        max_value=1_000_000_000,
        decimal_places=2,
    )
    on = forms.DateField(label=_("On"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _in_years(self, "on")
        return data
