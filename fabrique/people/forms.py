"""Forms of the people pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.accounts.models import Organisation
from fabrique.people import queries, spreadsheets


class PeopleUploadForm(forms.Form):
    """A spreadsheet of people and the organisation that follows them."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Following organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        help_text=gettext_lazy("Every person of the file is followed by this organisation."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx or .csv file, one row per person, 5 MB at most."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = queries.people_import_organisations(user)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if len(choices := list(organisations[:2])) == 1:
            field.initial = choices[0].slug

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            spreadsheets.file_kind(upload.name)
        except spreadsheets.SheetRefused as refusal:
            raise ValidationError(refusal.problems[0].reason) from None
        return upload
