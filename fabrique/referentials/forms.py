"""Forms of the référentiel pages: they validate input; queries read, actions write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fabrique.people.enums import SkillSource
from fabrique.people.models import Person, PersonSkill
from fabrique.referentials import queries, search
from fabrique.referentials.models import CertificationKind, Scheme, Skill

MAX_TEXT_BYTES = 100_000
MAX_SUGGEST_TEXT_BYTES = 20_000
KIND_CHOICES = [
    (search.OCCUPATIONS, _("Occupations")),
    (search.SKILLS, _("Skills")),
    (search.CERTIFICATIONS, _("Certifications")),
]
SCHEME_CHOICES = [("", _("ROME and ESCO")), (Scheme.ROME, "ROME"), (Scheme.ESCO, "ESCO")]
REGISTER_CHOICES = [("", _("RNCP and RS")), *CertificationKind.choices]
ANALYSIS_SCHEMES = [("", _("ROME and ESCO")), (Scheme.ROME, "ROME"), (Scheme.ESCO, "ESCO")]


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("The text holds a NUL character."), code="nul")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Occupation, skill, certification or code"),
        required=False,
        max_length=queries.MAX_QUERY_LENGTH,
        validators=[_no_nul],
    )
    type = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    scheme = forms.ChoiceField(label=_("Référentiel"), required=False, choices=[])
    obsolete = forms.BooleanField(label=_("Include obsolete entries"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        is_certifications = self.data.get("type") == search.CERTIFICATIONS
        self.fields["scheme"].choices = REGISTER_CHOICES if is_certifications else SCHEME_CHOICES

    def options(self) -> dict[str, Any]:
        """The search to run: query, kind, scheme and obsolete; defaults for invalid ones."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q", ""),
            "kind": data.get("type") or search.OCCUPATIONS,
            "scheme": data.get("scheme", ""),
            "include_obsolete": data.get("obsolete", False),
        }


def _text_size(limit: int) -> Any:
    def validate(value: str) -> None:
        size = len(value.encode("utf-8"))
        if size > limit:
            raise ValidationError(
                _(
                    "The text is too long: %(size)s kB, at most %(limit)s kB. "
                    "Keep the parts that describe the job or the skills."
                ),
                code="too_long",
                params={"size": (size + 999) // 1000, "limit": limit // 1000},
            )

    return validate


class AnalyseForm(forms.Form):
    """A text to analyse; with ``add``, also the skills ticked and whose record gets them."""

    text = forms.CharField(
        label=_("Text to analyse"),
        help_text=_("A job advertisement, a CV or a training description, in French or English."),
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=True,
        validators=[_no_nul, _text_size(MAX_TEXT_BYTES)],
        error_messages={"required": _("Paste a text to analyse.")},
    )
    scheme = forms.ChoiceField(label=_("Référentiels"), choices=ANALYSIS_SCHEMES, required=False)


MAX_PEOPLE_CHOICES = 500


class PersonField(forms.IntegerField):
    """A person among ``people`` (validated against all of them), offered in a list of the
    first ``MAX_PEOPLE_CHOICES`` by name."""

    widget = forms.Select

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, **kwargs)
        self.people: Any = Person.objects.none()

    def widget_attrs(self, widget: Any) -> dict[str, Any]:
        return {}

    def offer(self, people: Any) -> None:
        self.people = people
        listed = people.order_by("last_name", "first_name", "pk")[:MAX_PEOPLE_CHOICES]
        self.widget.choices = [("", _("Choose a person")), *((p.pk, str(p)) for p in listed)]

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        if pk is None:
            return None
        person = self.people.filter(pk=pk).first()
        if person is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return person


class AddSkillsForm(forms.Form):
    """Skills (``scheme:code`` tokens) to add to the record of a person the user may edit."""

    person = PersonField(
        label=_("Person"),
        error_messages={
            "required": _("Choose the person whose record gets the skills."),
            "invalid": _("You may not add skills to this person's record."),
            "invalid_choice": _("You may not add skills to this person's record."),
            "min_value": _("You may not add skills to this person's record."),
        },
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=[],
        error_messages={"required": _("Tick at least one skill.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].offer(queries.people_editable_by(user))
        tokens = self.data.getlist("skills") if hasattr(self.data, "getlist") else []
        self.fields["skills"].choices = [(token, token) for token in tokens[:500]]

    def clean_skills(self) -> list[Skill]:
        skills = queries.skills_from_tokens(self.cleaned_data["skills"])
        if not skills:
            raise ValidationError(_("None of the ticked skills is in the référentiels."))
        return skills

    def save(self) -> list[PersonSkill]:
        from fabrique.people import actions

        return actions.add_person_skills(
            person=self.cleaned_data["person"],
            skills=self.cleaned_data["skills"],
            source=SkillSource.DECLARED,
            by=self.user,
        )


class SuggestForm(forms.Form):
    """The "suggest from text" fragment's request (fields prefixed, as it posts its host form)."""

    suggest_text = forms.CharField(
        required=False, validators=[_no_nul, _text_size(MAX_SUGGEST_TEXT_BYTES)]
    )
    suggest_field = forms.RegexField(regex=r"^[A-Za-z_][A-Za-z0-9_-]{0,59}$", required=False)
    suggest_kind = forms.ChoiceField(
        choices=[(search.SKILLS, search.SKILLS), (search.OCCUPATIONS, search.OCCUPATIONS)],
        required=False,
    )
    suggest_scheme = forms.ChoiceField(choices=ANALYSIS_SCHEMES, required=False)


class PersonChoiceForm(forms.Form):
    """The occupation page's "compare with a person" choice, among the people one may see."""

    personne = PersonField(
        label=_("Person"),
        error_messages={
            "invalid": _("No person with this number is visible to you."),
            "invalid_choice": _("No person with this number is visible to you."),
            "min_value": _("No person with this number is visible to you."),
        },
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personne"].offer(people)


class OccupationChoiceForm(forms.Form):
    """The person page's choice of an occupation to compare with: a code or a name."""

    metier = forms.CharField(
        label=_("Occupation (code or name)"),
        required=False,
        max_length=queries.MAX_QUERY_LENGTH,
        validators=[_no_nul],
    )
