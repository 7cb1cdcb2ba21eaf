import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_home_shows_territories_and_login(client):
    IndustrialTerritoryFactory(name="Moselle-Est industrielle")

    page = client.get(reverse("core:home")).content.decode()

    assert "Moselle-Est industrielle" in page
    assert reverse("accounts:login") in page


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.PLATFORM_ADMIN, "Administration de la plateforme"),
        (Role.COORDINATOR, "Coordination"),
        (Role.ORGANISATION_ADMIN, "Administration de l’organisation"),
        (Role.TRAINER, "Formation"),
        (Role.COMPANY_CONTACT, "Contact entreprise"),
        (Role.REVIEWER, "Expertise"),
        (Role.LEARNER, "Mon parcours"),
        (Role.VIEWER, "Vue d’ensemble"),
    ],
)
def test_each_role_gets_its_own_panel(client, make_member, role, heading):
    client.force_login(make_member(role))

    page = client.get(reverse("core:home")).content.decode()

    assert f'id="panel-{role}"' in page
    assert heading in page
    others = [r for r in Role if r != role]
    assert not any(f'id="panel-{r}"' in page for r in others)


def test_trainer_dashboard_counts_only_own_learners(client, make_member):
    school = OrganisationFactory()
    PersonFactory.create_batch(3, organisation=school, last_name="Visible")
    PersonFactory.create_batch(2, last_name="Ailleurs")
    client.force_login(make_member(Role.TRAINER, organisation=school))

    page = client.get(reverse("core:home")).content.decode()

    assert "3 apprenants" in page
    assert "Visible" in page
    assert "Ailleurs" not in page


def test_coordinator_dashboard_shows_own_territory_figures(client, make_member):
    epci = EPCIFactory()
    consortium = OrganisationFactory(consortium=True, commune=CommuneFactory(epci=epci))
    IndustrialTerritoryFactory(
        name="Agglomération de Forbach", epcis=[epci], coordinators=[consortium]
    )
    IndustrialTerritoryFactory(name="Campus de Besançon")
    PersonFactory.create_batch(4, commune=CommuneFactory(epci=epci))
    client.force_login(make_member(Role.COORDINATOR, organisation=consortium))

    page = client.get(reverse("core:home")).content.decode()

    assert "Agglomération de Forbach" in page
    assert "Campus de Besançon" not in page
