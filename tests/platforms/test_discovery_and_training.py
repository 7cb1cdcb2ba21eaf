"""Discovery sessions (trainings open to the general public) are joined by any account; a
catalogue training required by an equipment leads, once completed, to an authorisation a
trainer validates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.people.models import Person
from fabrique.platforms import actions
from fabrique.platforms.discovery import join_discovery_session
from fabrique.platforms.enums import AuthorisationSource
from fabrique.trainings.enums import Audience, EnrolmentState
from fabrique.trainings.models import Enrolment
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingAudienceFactory,
    TrainingFactory,
    UserFactory,
)
from tests.factories_platforms import EquipmentFactory, at, next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def discovery_session():
    training = TrainingFactory(title="Initiation à l'IA industrielle")
    TrainingAudienceFactory(training=training, audience=Audience.GENERAL_PUBLIC)
    return SessionFactory(training=training, capacity=30)


def test_any_account_joins_a_discovery_session(discovery_session):
    pupil = UserFactory(first_name="Inès", last_name="Bauer")  # no membership, no record

    enrolment = join_discovery_session(session=discovery_session, by=pupil, status="student")

    assert (enrolment.state, enrolment.person.user) == (EnrolmentState.REQUESTED, pupil)
    person = Person.objects.get(user=pupil)
    assert (person.first_name, person.organisation) == (
        "Inès",
        discovery_session.training.organisation,
    )


def test_an_account_with_a_learner_record_joins_with_it(discovery_session):
    person = PersonFactory(user=UserFactory())

    enrolment = join_discovery_session(session=discovery_session, by=person.user)

    assert enrolment.person == person
    assert Person.objects.count() == 1


def test_a_newcomer_is_a_member_of_the_public_unless_they_say_otherwise(discovery_session):
    newcomer = UserFactory()

    join_discovery_session(session=discovery_session, by=newcomer)

    assert Person.objects.get(user=newcomer).status == "public"


def test_sessions_not_open_to_the_public_are_not_joined_this_way():
    session = SessionFactory()

    with pytest.raises(PermissionDenied):
        join_discovery_session(session=session, by=UserFactory())
    assert Enrolment.objects.count() == 0


def test_the_discovery_page_lists_and_joins(client, discovery_session):
    SessionFactory(training=TrainingFactory(title="BTS Maintenance"))
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("platforms:discovery")).content.decode()
    client.post(
        reverse("platforms:discovery"), {"session": discovery_session.pk, "status": "employee"}
    )

    assert "Initiation à l&#x27;IA industrielle" in page
    assert "BTS Maintenance" not in page
    # The status offered first (selected by default) is "member of the public".
    first_option = page.split('name="status"')[1].split("<option")[1]
    assert 'value="public"' in first_option
    assert Enrolment.objects.get().person.user == user


@pytest.fixture
def trained_equipment(make_member):
    centre = OrganisationFactory()
    training = TrainingFactory(organisation=centre, title="Habilitation presse à injecter")
    equipment = EquipmentFactory(required_training=training, authorisation_months=24)
    trainer = make_member(Role.TRAINER, centre)
    return equipment, training, trainer


def test_the_training_s_trainer_validates_an_attendee_who_completed_it(trained_equipment):
    equipment, training, trainer = trained_equipment
    attendee = PersonFactory(user=UserFactory())
    EnrolmentFactory(
        session=SessionFactory(training=training), person=attendee, state=EnrolmentState.COMPLETED
    )

    authorisation = actions.grant_authorisation(
        equipment=equipment, user=attendee.user, by=trainer, source=AuthorisationSource.TRAINING
    )

    assert authorisation.enrolment.person == attendee
    monday = next_monday()
    booking = actions.book_equipment(
        equipment=equipment, start=at(monday, 9), end=at(monday, 10), by=attendee.user
    )
    assert booking.pk is not None


def test_no_authorisation_without_the_completed_training(trained_equipment):
    equipment, training, trainer = trained_equipment
    attendee = PersonFactory(user=UserFactory())
    EnrolmentFactory(
        session=SessionFactory(training=training), person=attendee, state=EnrolmentState.ACCEPTED
    )

    with pytest.raises(ValidationError) as caught:
        actions.grant_authorisation(
            equipment=equipment, user=attendee.user, by=trainer, source=AuthorisationSource.TRAINING
        )
    assert caught.value.code == "not_trained"


def test_trainers_of_other_organisations_do_not_validate(trained_equipment, make_member):
    equipment, _training, _trainer = trained_equipment
    outsider = make_member(Role.TRAINER, OrganisationFactory())

    with pytest.raises(PermissionDenied):
        actions.grant_authorisation(equipment=equipment, user=UserFactory(), by=outsider)
