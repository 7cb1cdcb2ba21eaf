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
