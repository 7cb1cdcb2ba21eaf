import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_people_of_own_organisation(client, make_member):
    agency = OrganisationFactory(employment_service=True)
    PersonFactory(organisation=agency, last_name="Schneider")
    PersonFactory(last_name="Étrangère")
    client.force_login(make_member(Role.TRAINER, organisation=agency))

    page = client.get(reverse("people:list")).content.decode()

    assert "Schneider" in page
    assert "Étrangère" not in page


def test_detail_of_someone_outside_scope_is_404(client, make_member):
    outsider = PersonFactory()
    client.force_login(make_member(Role.TRAINER))

    response = client.get(reverse("people:detail", args=[outsider.pk]))

    assert response.status_code == 404
    assert outsider.last_name not in response.content.decode()


def test_list_requires_login(client):
    response = client.get(reverse("people:list"))

    assert response.status_code == 302


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow(client, make_member, django_assert_max_num_queries, count):
    agency = OrganisationFactory(employment_service=True)
    PersonFactory.create_batch(count, organisation=agency)
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=agency))

    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:list"))

    assert response.content.decode().count("/personnes/") >= count


def test_organisation_admin_exports_a_followed_person_data(client, make_member):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, last_name="Schneider", phone="0612345678")
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=agency))

    response = client.get(reverse("people:data", args=[person.pk]))

    assert response["Content-Type"] == "application/json"
    assert response.json()["person"]["phone"] == "0612345678"


def test_viewer_may_see_but_not_export_or_erase(client, make_member):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, last_name="Schneider")
    client.force_login(make_member(Role.VIEWER, organisation=agency))

    assert client.get(reverse("people:data", args=[person.pk])).status_code == 403
    response = client.post(reverse("people:erase", args=[person.pk]), {"confirm": "yes"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.last_name == "Schneider"


def test_erasure_of_a_followed_person_keeps_statistics(client, make_member):
    from fabrique.accounts.models import AuditEvent

    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, last_name="Schneider", birth_year=1988)
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=agency))

    response = client.post(reverse("people:erase", args=[person.pk]), {"confirm": "yes"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert "Schneider" not in person.last_name
    assert person.email == ""
    assert person.anonymised_at is not None
    assert person.birth_year == 1988
    assert person.status == "job_seeker"
    events = AuditEvent.objects.filter(model="people.person", object_id=str(person.pk))
    assert "Schneider" not in str(list(events.values()))


def test_erasure_needs_confirmation(client, make_member):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, last_name="Schneider")
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=agency))

    client.post(reverse("people:erase", args=[person.pk]))

    person.refresh_from_db()
    assert person.last_name == "Schneider"
