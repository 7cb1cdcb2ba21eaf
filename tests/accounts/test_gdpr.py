import json

import pytest
from django.urls import reverse

from fabrique.accounts import actions
from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent, User
from fabrique.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(make_member):
    school = OrganisationFactory(name="Lycée des Métiers de Forbach")
    user = make_member(
        Role.LEARNER,
        organisation=school,
        email="yanis@example.org",
        first_name="Yanis",
        last_name="Becker",
    )
    PersonFactory(
        user=user,
        organisation=school,
        first_name="Yanis",
        last_name="Becker",
        email="yanis@example.org",
        phone="0601020304",
        birth_year=2006,
    )
    return user


def test_download_contains_account_memberships_and_person(client, learner):
    client.force_login(learner)

    response = client.get(reverse("accounts:download_data"))

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "yanis@example.org"
    assert "password" not in data["account"]
    assert data["memberships"][0]["organisation"] == "Lycée des Métiers de Forbach"
    assert data["person"]["phone"] == "0601020304"
    assert data["person"]["birth_year"] == 2006


def test_erasure_anonymises_and_keeps_statistics(client, learner):
    person = Person.objects.get(user=learner)
    client.force_login(learner)

    response = client.post(
        reverse("accounts:erase"), {"password": "correct horse battery", "confirm": "on"}
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    person.refresh_from_db()
    assert not learner.is_active
    assert learner.email.endswith("@erased.invalid")
    assert (learner.first_name, learner.last_name) == ("", "")
    assert not learner.has_usable_password()
    assert learner.memberships.count() == 0
    assert person.user is None
    assert (person.email, person.phone) == ("", "")
    assert "Becker" not in person.last_name
    # What statistics need stays.
    assert person.birth_year == 2006
    assert person.status == "job_seeker"
    assert person.commune_id is not None
    # The log no longer names the person.
    dump = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "yanis@example.org" not in dump
    assert "Becker" not in dump
    assert "_auth_user_id" not in client.session


def test_erasure_refused_with_wrong_password_changes_nothing(client, learner):
    client.force_login(learner)

    response = client.post(reverse("accounts:erase"), {"password": "nope", "confirm": "on"})

    assert response.status_code == 422
    assert "Ce mot de passe n’est pas correct" in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active
    assert learner.email == "yanis@example.org"


def test_erasure_of_someone_else_is_refused(make_member, learner):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.erase_user(user=learner, by=make_member(Role.COORDINATOR))
    assert User.objects.get(pk=learner.pk).is_active
