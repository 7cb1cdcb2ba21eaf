"""Forms of the platform pages: they validate the input; the actions decide."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import User
from fabrique.core import uploads
from fabrique.engine import geo
from fabrique.platforms import actions, queries, rules, sharing
from fabrique.platforms.enums import AuthorisationSource, EquipmentCategory, UserCategory
from fabrique.platforms.models import (
    Authorisation,
    Booking,
    Equipment,
    InnovationProject,
    SharingRequest,
)
from fabrique.territories.models import Commune

TEXT_MAX_LENGTH = 2000
YEARS = (2000, 2100)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class SlotForm(forms.Form):
    """A slot on one day, in the platform's time zone."""

    day = forms.DateField(label=_("Day"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())
    innovation_project = forms.ModelChoiceField(
        label=_("Innovation project"),
        queryset=InnovationProject.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Projects whose team you are in."),
    )
    project = forms.CharField(
        label=_("Project (free text)"),
        max_length=200,
        required=False,
        help_text=_("Empty: the innovation project's name."),
    )

    def __init__(self, *args: Any, equipment: Equipment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.equipment = equipment
        self.user = user
        projects = rules.projects_visible_to(user).order_by("name", "pk")
        self.fields["innovation_project"].queryset = projects  # type: ignore[attr-defined]
        if not projects.exists():
            del self.fields["innovation_project"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "day" in data and not YEARS[0] <= data["day"].year <= YEARS[1]:
            self.add_error("day", _("Choose a day between 2000 and 2100."))
            return data
        if {"day", "start_time", "end_time"} <= data.keys():
            zone = ZoneInfo(self.equipment.platform.time_zone)
            data["start"] = dt.datetime.combine(data["day"], data["start_time"], tzinfo=zone)
            data["end"] = dt.datetime.combine(data["day"], data["end_time"], tzinfo=zone)
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("The slot must end after it starts."))
        return data


class BookingForm(SlotForm):
    user_category = forms.ChoiceField(
        label=_("You book as"), choices=UserCategory.choices, initial=UserCategory.STARTUP
    )
    note = forms.CharField(
        label=_("Note for the platform (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    for_email = forms.EmailField(
        label=_("Book for (e-mail of the user's account)"),
        required=False,
        help_text=_("Platform staff only; empty: for yourself."),
    )

    def __init__(self, *args: Any, equipment: Equipment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, equipment=equipment, user=user, **kwargs)
        self.staff = rules.can_book_for_others(user, equipment)
        if not self.staff:
            del self.fields["for_email"]

    def clean_for_email(self) -> User | None:
        email = self.cleaned_data.get("for_email")
        if not email:
            return None
        found = User.objects.filter(email__iexact=email, is_active=True).first()
        if found is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        return found

    def save(self) -> Booking:
        data = self.cleaned_data
        return actions.book_equipment(
            equipment=self.equipment,
            start=data["start"],
            end=data["end"],
            by=self.user,
            user=data.get("for_email") or self.user,
            project=data["project"],
            innovation_project=data.get("innovation_project"),
            note=data["note"],
            user_category=data["user_category"],
            confirm=self.staff and data.get("for_email") is not None,
        )


class SharingRequestForm(SlotForm):
    message = forms.CharField(
        label=_("Message to the owner (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def save(self) -> SharingRequest:
        data = self.cleaned_data
        membership = self.user.memberships.select_related("organisation").first()
        return sharing.request_sharing(
            equipment=self.equipment,
            start=data["start"],
            end=data["end"],
            by=self.user,
            organisation=membership.organisation if membership else None,
            project=data["project"],
            innovation_project=data.get("innovation_project"),
            message=data["message"],
        )


class AuthorisationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the attendee's account"))
    source = forms.ChoiceField(label=_("On the strength of"), choices=AuthorisationSource.choices)

    def __init__(self, *args: Any, equipment: Equipment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.equipment = equipment
        self.user = user

    def clean_email(self) -> User:
        found = User.objects.filter(
            email__iexact=self.cleaned_data["email"], is_active=True
        ).first()
        if found is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        return found

    def save(self) -> Authorisation:
        return actions.grant_authorisation(
            equipment=self.equipment,
            user=self.cleaned_data["email"],
            by=self.user,
            source=self.cleaned_data["source"],
        )


class SearchForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Any category")), *EquipmentCategory.choices],
    )
    text = forms.CharField(
        label=_("Capability"),
        required=False,
        max_length=100,
        help_text=_("Words of the name or parameters, e.g. “PEEK”, “5 axes”, “300 mm”."),
    )
    place = forms.CharField(label=_("Near (commune or postcode)"), required=False, max_length=100)
    radius_km = forms.IntegerField(
        label=_("Within (km)"), min_value=1, max_value=500, initial=50, required=False
    )
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False)
    hours = forms.DecimalField(
        label=_("For (hours)"),
        min_value=0.5,
        max_value=240,
        decimal_places=1,
        initial=2,
        required=False,
    )
    shared_only = forms.BooleanField(label=_("Machines shared by companies only"), required=False)

    def clean_place(self) -> Commune | None:
        text = self.cleaned_data.get("place", "").strip()
        if not text:
            return None
        commune = (
            Commune.objects.filter(
                Q(insee_code=text) | Q(postal_codes__contains=text) | Q(name__iexact=text),
                latitude__isnull=False,
            )
            .order_by("-population")
            .first()
        )
        if commune is None:
            raise forms.ValidationError(
                _("No commune with coordinates matches “%(text)s”.") % {"text": text}
            )
        return commune

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not YEARS[0] <= day.year <= YEARS[1]:
                self.add_error(name, _("Choose a day between 2000 and 2100."))
                return data
        if start and end and end < start:
            self.add_error("end", _("The end comes after the start."))
        if start and end and (end - start).days > 61:
            self.add_error("end", _("Search at most two months at once."))
        return data

    def search(self) -> queries.Search:
        data = self.cleaned_data
        today = timezone.localdate()
        first = data.get("start") or today
        last = data.get("end") or first + dt.timedelta(days=27)
        zone = ZoneInfo("Europe/Paris")
        commune: Commune | None = data.get("place")
        return queries.Search(
            start=dt.datetime.combine(first, dt.time(0), tzinfo=zone),
            end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
            duration=dt.timedelta(hours=float(data.get("hours") or 2)),
            category=data.get("category") or "",
            text=data.get("text") or "",
            centre=geo.Point(commune.latitude, commune.longitude)
            if commune is not None
            and commune.latitude is not None
            and commune.longitude is not None
            else None,
            radius_km=float(data.get("radius_km") or 50),
            shared_only=bool(data.get("shared_only")),
        )


class FileOrLinkForm(forms.Form):
    """A document given as a file or as a link (the action checks the file's type and
    content)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(
        label=_("or a link"), required=False, max_length=400, assume_scheme="https"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the reader's language.
        self.fields["file"].help_text = _("Up to %(size)s MB: %(types)s.") % {
            "size": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
            "types": ", ".join(sorted(uploads.KINDS)),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file or a link."))
        return data


class EquipmentDocumentForm(FileOrLinkForm):
    is_photo = forms.BooleanField(label=_("Photo"), required=False)
