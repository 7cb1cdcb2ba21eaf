"""A person's skill gap for an occupation (referentials.gap), and skills given to a person
(people.actions.add_person_skills)."""

import pytest
from django.core.exceptions import PermissionDenied

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.people.actions import add_person_skills
from fabrique.people.enums import SkillSource
from fabrique.people.models import PersonSkill
from fabrique.referentials.gap import person_gap_context, skill_gap
from tests.factories import (
    OccupationFactory,
    OccupationSkillFactory,
    OrganisationFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def labels(skills) -> list[str]:
    return [skill.label for skill in skills]


@pytest.fixture
def fiche():
    """A ROME fiche: two essential items, one optional."""
    occupation = OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    for label, essential in [("Souder", True), ("Lire un plan", True), ("Meuler", False)]:
        OccupationSkillFactory(
            occupation=occupation, skill=SkillFactory(label=label), essential=essential
        )
    return occupation


def skill(occupation, label):
    return occupation.skill_links.get(skill__label=label).skill


def test_skill_gap_lists_covered_and_missing_skills(fiche):
    person = PersonFactory()
    PersonSkillFactory(person=person, skill=skill(fiche, "Souder"))
    PersonSkillFactory(person=person, skill=skill(fiche, "Meuler"))
    PersonSkillFactory(person=person)  # not asked for

    gap = skill_gap(person=person, occupation=fiche)

    assert labels(gap.covered_essential) == ["Souder"]
    assert labels(gap.missing_essential) == ["Lire un plan"]
    assert labels(gap.covered_optional) == ["Meuler"]
    assert labels(gap.missing_optional) == []
    assert gap.essential_coverage_percent == 50
    assert gap.coverage_percent == 60  # (2×1 + 1) ÷ (2×2 + 1)
    assert gap.reference == fiche


def test_skill_gap_of_a_declinaison_without_skills_uses_its_parent_fiche(fiche):
    declinaison = OccupationFactory(code="H2913-2", label="Soudeur TIG", parent=fiche)
    person = PersonFactory()
    PersonSkillFactory(person=person, skill=skill(fiche, "Lire un plan"))

    gap = skill_gap(person=person, occupation=declinaison)

    assert gap.reference == fiche
    assert labels(gap.covered_essential) == ["Lire un plan"]
    assert gap.occupation == declinaison


def test_skill_gap_of_a_declinaison_with_skills_uses_its_own(fiche):
    declinaison = OccupationFactory(code="H2913-2", label="Soudeur TIG", parent=fiche)
    OccupationSkillFactory(occupation=declinaison, skill=SkillFactory(label="Souder en TIG"))

    gap = skill_gap(person=PersonFactory(), occupation=declinaison)

    assert gap.reference == declinaison
    assert labels(gap.missing_essential) == ["Souder en TIG"]


def test_skill_gap_of_an_esco_occupation_uses_essential_and_optional_relations():
    occupation = OccupationFactory(esco=True, label="soudeur")
    broader = OccupationFactory(esco=True, label="métallier")
    occupation.parent = broader
    occupation.save()
    OccupationSkillFactory(occupation=broader, skill=SkillFactory(esco=True, label="forger"))
    join = SkillFactory(esco=True, label="assembler des métaux")
    OccupationSkillFactory(occupation=occupation, skill=join)
    OccupationSkillFactory(
        occupation=occupation, skill=SkillFactory(esco=True, label="lire des plans"), optional=True
    )
    person = PersonFactory()
    PersonSkillFactory(person=person, skill=join)

    gap = skill_gap(person=person, occupation=occupation)

    assert labels(gap.covered_essential) == ["assembler des métaux"]
    assert labels(gap.missing_optional) == ["lire des plans"]
    assert gap.essential_coverage_percent == 100


def test_skill_gap_of_an_occupation_without_skills_requires_nothing():
    gap = skill_gap(person=PersonFactory(), occupation=OccupationFactory(esco=True))

    assert gap.requires_nothing
    assert gap.coverage_percent == 100


def test_person_gap_context_uses_the_current_occupation_or_the_one_chosen(fiche):
    other = OccupationFactory(code="I1309", label="Électricien de maintenance")
    person = PersonFactory(current_occupation=fiche)

    current = person_gap_context(person, {})
    by_code = person_gap_context(person, {"metier": "i1309"})
    by_name = person_gap_context(person, {"metier": "electricien"})
    unknown = person_gap_context(person, {"metier": "astronaute"})

    assert current["gap"].occupation == fiche
    assert by_code["gap"].occupation == other
    assert by_name["gap"].occupation == other
    assert (unknown["gap"], unknown["gap_choice"]) == (None, "astronaute")


def test_add_person_skills_adds_new_ones_keeps_the_others_and_audits(make_member, fiche):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    trainer = make_member(Role.TRAINER, organisation=agency)
    held = PersonSkillFactory(
        person=person, skill=skill(fiche, "Souder"), source=SkillSource.TRAINING
    )
    wanted = [skill(fiche, "Souder"), skill(fiche, "Meuler"), skill(fiche, "Meuler")]

    created = add_person_skills(
        person=person, skills=wanted, source=SkillSource.DECLARED, by=trainer
    )

    assert [link.skill.label for link in created] == ["Meuler"]
    held.refresh_from_db()
    assert held.source == SkillSource.TRAINING
    assert PersonSkill.objects.filter(person=person).count() == 2
    event = AuditEvent.objects.get(model="people.personskill", action="create", actor=trainer)
    assert event.after["skill_id"] == skill(fiche, "Meuler").pk


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMPANY_CONTACT])
def test_add_person_skills_is_refused_to_readers(make_member, fiche, role):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)

    with pytest.raises(PermissionDenied):
        add_person_skills(
            person=person,
            skills=[skill(fiche, "Souder")],
            source=SkillSource.DECLARED,
            by=make_member(role, organisation=agency),
        )

    assert not PersonSkill.objects.exists()
