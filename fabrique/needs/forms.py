"""Forms of the project pages: they validate input; the actions decide and write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.enums import OrganisationKind
from fabrique.accounts.models import Organisation, User
from fabrique.needs import actions, rules
from fabrique.needs.enums import Confidence, Contract, ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.referentials.models import Occupation
from fabrique.territories.models import Commune, IndustrialTerritory
from fabrique.trainings.enums import Level

T = TypeVar("T")
OCCUPATION_MISSING = _("Choose the occupation of these jobs (a ROME code such as H2903).")


class _ActionForm(forms.Form):
    """A form whose ``save`` runs an action and turns its refusals into form errors."""

    def run(self, action: Callable[..., T], **kwargs: Any) -> T:
        try:
            return action(**kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
            raise


class ProjectFilterForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Industrial territory"),
        queryset=IndustrialTerritory.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("any stage")), *ProjectStage.choices], required=False
    )

    def filter(self, projects: Any) -> Any:
        if not self.is_valid():
            return projects
        if territory := self.cleaned_data.get("territory"):
            projects = projects.filter(territory=territory)
        if stage := self.cleaned_data.get("stage"):
            projects = projects.filter(stage=stage)
        return projects


class ProjectForm(_ActionForm):
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Organisation.objects.none(), to_field_name="slug"
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    commune = forms.CharField(
        label=_("Site commune (INSEE code)"),
        max_length=5,
        required=False,
        help_text=_("For example 57227 for Forbach. Give a commune, or coordinates, or both."),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    territory = forms.ModelChoiceField(
        label=_("Industrial territory"),
        queryset=IndustrialTerritory.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    investment_eur = forms.DecimalField(
        label=_("Investment (€)"), required=False, min_value=0, max_digits=14, decimal_places=0
    )
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        initial=True,
        help_text=_(
            "Seen only by the company, the coordinators of its territory and platform admins."
        ),
    )

    def __init__(
        self, *args: Any, user: User, project: IndustrialProject | None = None, **kwargs: Any
    ) -> None:
        if project is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "company": project.company.slug,
                "name": project.name,
                "description": project.description,
                "stage": project.stage,
                "commune": project.commune.insee_code if project.commune else "",
                "latitude": project.latitude,
                "longitude": project.longitude,
                "territory": project.territory.code if project.territory else None,
                "investment_eur": project.investment_eur,
                "confidential": project.confidential,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        if project is not None:
            del self.fields["company"]
        else:
            scope = rules.project_scope(user)
            companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY).order_by("name")
            if scope is not None:
                companies = companies.filter(pk__in=scope.edit_company_ids)
            self.fields["company"].queryset = companies  # type: ignore[attr-defined]

    def clean_commune(self) -> Commune | None:
        code = self.cleaned_data["commune"].strip()
        if not code:
            return None
        commune = Commune.objects.filter(insee_code=code.upper()).first()
        if commune is None:
            raise ValidationError(_("No commune has the INSEE code %(code)s.") % {"code": code})
        return commune

    def save(self) -> IndustrialProject:
        data = {key: value for key, value in self.cleaned_data.items() if key != "company"}
        if self.project is None:
            return self.run(
                actions.create_project, company=self.cleaned_data["company"], by=self.user, **data
            )
        return self.run(actions.update_project, project=self.project, by=self.user, **data)


class NeedForm(_ActionForm):
    occupation = forms.CharField(
        label=_("Occupation (ROME code)"),
        max_length=200,
        help_text=_("The ROME fiche of the jobs, for example H2903 (machining operator)."),
        error_messages={"required": OCCUPATION_MISSING},
    )
    count = forms.IntegerField(label=_("Number of jobs"), min_value=1, max_value=100_000)
    needed_by = forms.DateField(
        label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    contract = forms.ChoiceField(label=_("Contract"), choices=Contract.choices)
    level = forms.ChoiceField(label=_("Level required"), choices=Level.choices, required=False)
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=Confidence.choices, initial=Confidence.LIKELY
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        project: IndustrialProject,
        need: HiringNeed | None = None,
        **kwargs: Any,
    ) -> None:
        if need is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "occupation": need.occupation.code,
                "count": need.count,
                "needed_by": need.needed_by,
                "contract": need.contract,
                "level": need.level,
                "confidence": need.confidence,
                "note": need.note,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        self.need = need

    def clean_occupation(self) -> Occupation:
        code = self.cleaned_data["occupation"].strip()
        occupation = (
            Occupation.objects.filter(code__iexact=code).order_by("obsolete", "pk").first()
            if code
            else None
        )
        if occupation is None:
            raise ValidationError(
                _("No occupation has the code %(code)s: give a ROME code such as H2903.")
                % {"code": code}
            )
        return occupation

    def save(self) -> HiringNeed:
        data = dict(self.cleaned_data)
        if self.need is None:
            return self.run(actions.add_need, project=self.project, by=self.user, **data)
        return self.run(actions.update_need, need=self.need, by=self.user, **data)


class DeleteForm(forms.Form):
    """A confirmation: the POST itself is the answer."""
