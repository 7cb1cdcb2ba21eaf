import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 3])
def test_directory_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        OrganisationFactory()

    with django_assert_num_queries(2):  # count + page
        response = client.get(reverse("accounts:organisations"))

    assert response.content.decode().count('<td class="num">') == count


def test_directory_htmx_returns_only_results(client, db):
    OrganisationFactory(name="Plasturgie Est")

    response = client.get(reverse("accounts:organisations"), {"q": "plast"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "Plasturgie Est" in body
    assert "<html" not in body


def test_organisation_page_hides_members_from_outsiders(client, make_member):
    org = OrganisationFactory()
    make_member(Role.TRAINER, organisation=org, email="secret.trainer@example.org")
    client.force_login(make_member(Role.TRAINER))

    page = client.get(org.get_absolute_url()).content.decode()

    assert org.name in page
    assert "secret.trainer@example.org" not in page


def test_organisation_admin_adds_member(client, make_member):
    org = OrganisationFactory()
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=org))
    newcomer = UserFactory(email="new@example.org")

    response = client.post(org.get_absolute_url(), {"email": "NEW@example.org", "role": "trainer"})

    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organisation=org, role="trainer").exists()


def test_outsider_cannot_add_member(client, make_member):
    org = OrganisationFactory()
    client.force_login(make_member(Role.TRAINER, organisation=org))
    newcomer = UserFactory(email="new@example.org")

    response = client.post(org.get_absolute_url(), {"email": "new@example.org", "role": "trainer"})

    assert response.status_code == 404
    assert not Membership.objects.filter(user=newcomer).exists()


def test_unknown_organisation_page_is_404_in_french(client, db):
    response = client.get(reverse("accounts:organisation", args=["inconnue"]))

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_token_is_shown_once_and_works(client, make_member):
    user = make_member(Role.VIEWER)
    client.force_login(user)

    response = client.post(reverse("accounts:create_token"), {"name": "export"})

    key = response.context["key"]
    assert key.startswith("fab_")
    assert key not in client.get(reverse("accounts:account")).content.decode()
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
