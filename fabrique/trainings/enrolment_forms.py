"""Forms of the enrolment pages: they validate the input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import User
from fabrique.people.models import Person
from fabrique.trainings import actions, enrolment_rules
from fabrique.trainings.enums import ACTIVE
from fabrique.trainings.models import Enrolment, Session

NOTE_MAX_LENGTH = 2000


def followed_people(user: User, session: Session) -> QuerySet[Person]:
    """The people ``user`` may apply for, without a live enrolment in ``session``."""
    scope = enrolment_rules.counsellor_organisation_ids(user)
    people = Person.objects.filter(anonymised_at__isnull=True)
    if scope is not None:
        people = people.filter(organisation_id__in=scope)
    enrolled = Enrolment.objects.filter(session=session, state__in=ACTIVE).values("person_id")
    return people.exclude(pk__in=enrolled).order_by("last_name", "first_name", "pk")


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("Why do you apply? (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, session: Session, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.user = user

    def person(self) -> Person:
        return Person.objects.get(user=self.user)

    def save(self) -> Enrolment:
        return actions.apply_for_session(
            session=self.session,
            person=self.person(),
            by=self.user,
            note=self.cleaned_data["note"],
        )


class ApplyForPersonForm(ApplyForm):
    person_choice = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), empty_label=_("Choose a person")
    )
    field_order = ["person_choice", "note"]

    def __init__(self, *args: Any, session: Session, user: User, **kwargs: Any) -> None:
        super().__init__(*args, session=session, user=user, **kwargs)
        self.fields["person_choice"].queryset = followed_people(user, session)  # type: ignore[attr-defined]
        self.fields["note"].label = _("Why does this person apply? (optional)")

    def person(self) -> Person:
        person: Person = self.cleaned_data["person_choice"]
        return person


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH)
