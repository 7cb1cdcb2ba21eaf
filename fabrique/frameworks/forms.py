"""Forms of the framework pages: they validate input; the actions decide and write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import Organisation, User
from fabrique.frameworks import actions, editing, rules
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import (
    CODE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Bloc,
    Competence,
    CompetencyFramework,
    FrameworkVersion,
    Level,
    validate_code,
)
from fabrique.frameworks.suggestions import MAX_QUERY_LENGTH

T = TypeVar("T")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("Remove the NUL characters."), code="nul")


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


def _text(
    label: Any, max_length: int, *, required: bool = True, validators: Any = (), **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[_no_nul, *validators],
        **kwargs,
    )


def _description() -> forms.CharField:
    return _text(
        _("Description"),
        DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _code() -> forms.CharField:
    return _text(
        _("Code"),
        CODE_MAX_LENGTH,
        help_text=_("Unique in the version, e.g. B1 or B1.C2."),
        validators=[validate_code],
    )


class FrameworkForm(_ActionForm):
    owner = forms.ModelChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        help_text=_("Its coordinators, and those of the consortia it belongs to, edit it."),
    )
    title = _text(_("Title"), TITLE_MAX_LENGTH)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        required=False,
        help_text=_("Used in addresses; made from the title if left empty. Cannot be changed."),
    )
    description = _description()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scope = rules.editor_organisation_ids(user)
        owners = Organisation.objects.order_by("name")
        self.fields["owner"].queryset = owners if scope is None else owners.filter(pk__in=scope)  # type: ignore[attr-defined]

    def save(self) -> CompetencyFramework:
        data = self.cleaned_data
        return self.run(
            actions.create_framework,
            owner=data["owner"],
            title=data["title"],
            slug=data["slug"],
            description=data["description"],
            by=self.user,
        )


class FrameworkDetailsForm(_ActionForm):
    title = _text(_("Title"), TITLE_MAX_LENGTH)
    description = _description()

    def __init__(self, *args: Any, framework: CompetencyFramework, user: User, **kwargs: Any):
        kwargs.setdefault(
            "initial", {"title": framework.title, "description": framework.description}
        )
        super().__init__(*args, **kwargs)
        self.framework, self.user = framework, user

    def save(self) -> CompetencyFramework:
        return self.run(
            actions.update_framework,
            framework=self.framework,
            title=self.cleaned_data["title"],
            description=self.cleaned_data["description"],
            by=self.user,
        )


class BlocForm(_ActionForm):
    code = _code()
    title = _text(_("Title"), TITLE_MAX_LENGTH)
    description = _description()

    def __init__(
        self,
        *args: Any,
        version: FrameworkVersion,
        user: User,
        bloc: Bloc | None = None,
        **kwargs: Any,
    ) -> None:
        if bloc is not None:
            kwargs.setdefault(
                "initial",
                {"code": bloc.code, "title": bloc.title, "description": bloc.description},
            )
        super().__init__(*args, **kwargs)
        self.version, self.user, self.bloc = version, user, bloc

    def save(self) -> Bloc:
        data = self.cleaned_data
        if self.bloc is None:
            return self.run(editing.add_bloc, version=self.version, by=self.user, **data)
        return self.run(editing.update_bloc, bloc=self.bloc, by=self.user, **data)


class CompetenceForm(_ActionForm):
    code = _code()
    title = _text(_("Title"), TITLE_MAX_LENGTH)
    description = _description()
    bloc = forms.ModelChoiceField(label=_("Bloc"), queryset=Bloc.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        bloc: Bloc,
        user: User,
        competence: Competence | None = None,
        **kwargs: Any,
    ) -> None:
        if competence is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": competence.code,
                    "title": competence.title,
                    "description": competence.description,
                    "bloc": competence.bloc_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.parent, self.user, self.competence = bloc, user, competence
        if competence is None:
            del self.fields["bloc"]
        else:
            field = self.fields["bloc"]
            field.queryset = Bloc.objects.filter(version_id=bloc.version_id).order_by("position")  # type: ignore[attr-defined]
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]
            field.help_text = _("Choose another bloc to move the competence there.")

    def save(self) -> Competence:
        data = self.cleaned_data
        if self.competence is None:
            return self.run(editing.add_competence, bloc=self.parent, by=self.user, **data)
        return self.run(editing.update_competence, competence=self.competence, by=self.user, **data)


class LevelForm(_ActionForm):
    label = _text(_("Label"), LABEL_MAX_LENGTH, help_text=_("E.g. “Applies with help”."))
    description = _description()

    def __init__(
        self,
        *args: Any,
        competence: Competence,
        user: User,
        level: Level | None = None,
        **kwargs: Any,
    ) -> None:
        if level is not None:
            kwargs.setdefault("initial", {"label": level.label, "description": level.description})
        super().__init__(*args, **kwargs)
        self.competence, self.user, self.level = competence, user, level

    def save(self) -> Level:
        data = self.cleaned_data
        if self.level is None:
            return self.run(editing.add_level, competence=self.competence, by=self.user, **data)
        return self.run(editing.update_level, level=self.level, by=self.user, **data)


class PublishForm(_ActionForm):
    change_note = _text(
        _("Change note"),
        NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What this version brings, for its readers."),
    )

    def __init__(self, *args: Any, version: FrameworkVersion, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.version, self.user = version, user

    def save(self) -> FrameworkVersion:
        return self.run(
            actions.publish_version,
            version=self.version,
            change_note=self.cleaned_data["change_note"],
            by=self.user,
        )


class RetireForm(_ActionForm):
    note = _text(
        _("Why retire it?"),
        NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, version: FrameworkVersion, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.version, self.user = version, user

    def save(self) -> FrameworkVersion:
        return self.run(
            actions.retire_version,
            version=self.version,
            note=self.cleaned_data["note"],
            by=self.user,
        )


class SkillSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a skill by its label or code"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
    )
    scheme = forms.ChoiceField(
        label=_("ROME or ESCO"),
        required=False,
        choices=[("", _("ROME and ESCO")), ("rome", "ROME 4.0"), ("esco", "ESCO")],
    )

    def query(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["q"].replace("\x00", ""), self.cleaned_data["scheme"]


class ImportForm(forms.Form):
    NEW = "new"
    VERSION = "version"

    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV (semicolons, UTF-8) or JSON (fabrique-framework/1) file, 5 MB at most."),
    )
    target = forms.ChoiceField(
        label=_("Import as"),
        choices=[(NEW, _("a new framework")), (VERSION, _("a new version of a framework"))],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner organisation (new framework)"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
    )
    title = _text(
        _("Title (new framework from a CSV file)"),
        TITLE_MAX_LENGTH,
        required=False,
        help_text=_("A JSON file holds its title; a CSV file does not."),
    )
    framework = forms.ModelChoiceField(
        label=_("Framework (new version)"),
        queryset=CompetencyFramework.objects.none(),
        to_field_name="slug",
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scope = rules.editor_organisation_ids(user)
        owners = Organisation.objects.order_by("name")
        self.fields["owner"].queryset = owners if scope is None else owners.filter(pk__in=scope)  # type: ignore[attr-defined]
        self.fields["framework"].queryset = CompetencyFramework.objects.editable_by(  # type: ignore[attr-defined]
            user
        ).order_by("title")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB)."))
        if self.file_format(upload.name) is None:
            raise ValidationError(_("Give a .csv or a .json file."))
        return upload

    @staticmethod
    def file_format(name: str) -> str | None:
        suffix = PurePath(name or "").suffix.lower()
        return {".csv": "csv", ".json": "json"}.get(suffix)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("target") == self.NEW and not data.get("owner"):
            self.add_error("owner", _("Choose the organisation that owns the new framework."))
        framework = data.get("framework")
        if data.get("target") == self.VERSION:
            if framework is None:
                self.add_error("framework", _("Choose the framework to add a version to."))
            elif draft := framework.versions.filter(status=VersionStatus.DRAFT).first():
                self.add_error(
                    "framework",
                    _(
                        "Version %(number)s of this framework is a draft: publish or discard "
                        "it before importing another version."
                    )
                    % {"number": draft.number},
                )
        return data
