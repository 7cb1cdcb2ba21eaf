import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.territories import actions
from fabrique.territories.models import IndustrialTerritory
from tests.factories import (
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_member):
    return make_member(Role.COORDINATOR)


def own_organisation(user):
    return user.memberships.get().organisation


def test_create_territory_saves_links_and_audits(coordinator):
    epcis = [EPCIFactory(siren="245700372"), EPCIFactory(siren="200067502")]

    territory = actions.create_territory(
        code="moselle-est",
        name=" Moselle-Est ",
        description="",
        epcis=epcis,
        coordinators=[own_organisation(coordinator)],
        by=coordinator,
    )

    assert territory.name == "Moselle-Est"
    assert set(territory.epcis.all()) == set(epcis)
    assert territory.created_by == coordinator
    event = AuditEvent.objects.get(model="territories.industrialterritory", action="update")
    assert event.after == {
        "epcis": ["200067502", "245700372"],
        "coordinating_organisations": [own_organisation(coordinator).slug],
    }


def test_create_territory_is_denied_to_non_coordinators(make_member):
    with pytest.raises(PermissionDenied):
        actions.create_territory(
            code="x", name="X", epcis=[EPCIFactory()], coordinators=[], by=make_member(Role.VIEWER)
        )
    assert not IndustrialTerritory.objects.exists()


@pytest.mark.parametrize(
    ("code", "field"),
    [("nouveau", "code"), ("pas un code", "code"), ("", "code")],
)
def test_create_territory_validates_the_code(coordinator, code, field):
    with pytest.raises(ValidationError) as error:
        actions.create_territory(
            code=code,
            name="X",
            epcis=[EPCIFactory()],
            coordinators=[own_organisation(coordinator)],
            by=coordinator,
        )
    assert field in error.value.message_dict


def test_create_territory_refuses_a_taken_code(coordinator):
    IndustrialTerritoryFactory(code="moselle-est")

    with pytest.raises(ValidationError) as error:
        actions.create_territory(
            code="moselle-est",
            name="X",
            epcis=[EPCIFactory()],
            coordinators=[own_organisation(coordinator)],
            by=coordinator,
        )
    assert "code" in error.value.message_dict


def test_create_territory_needs_an_epci(coordinator):
    with pytest.raises(ValidationError) as error:
        actions.create_territory(
            code="x",
            name="X",
            epcis=[],
            coordinators=[own_organisation(coordinator)],
            by=coordinator,
        )
    assert error.value.message_dict == {"epcis": ["Choose at least one EPCI."]}


def test_create_territory_refuses_an_obsolete_epci(coordinator):
    gone = EPCIFactory(name="CC disparue", siren="200000001", obsolete=True)

    with pytest.raises(ValidationError, match=r"no longer exist: CC disparue \(200000001\)"):
        actions.create_territory(
            code="x",
            name="X",
            epcis=[gone],
            coordinators=[own_organisation(coordinator)],
            by=coordinator,
        )


def test_create_territory_keeps_the_coordinator_among_coordinators(coordinator):
    with pytest.raises(ValidationError) as error:
        actions.create_territory(
            code="x",
            name="X",
            epcis=[EPCIFactory()],
            coordinators=[OrganisationFactory()],
            by=coordinator,
        )
    assert list(error.value.message_dict) == ["coordinators"]


def test_create_territory_by_a_platform_admin_needs_no_coordinator():
    admin = UserFactory(superuser=True)

    territory = actions.create_territory(
        code="x", name="X", epcis=[EPCIFactory()], coordinators=[], by=admin
    )

    assert territory.pk is not None


def test_update_territory_changes_only_what_is_given(coordinator):
    kept = EPCIFactory()
    territory = IndustrialTerritoryFactory(
        name="Old", description="Kept", epcis=[kept], coordinators=[own_organisation(coordinator)]
    )

    updated = actions.update_territory(territory=territory, name="New", by=coordinator)

    assert (updated.name, updated.description) == ("New", "Kept")
    assert list(updated.epcis.all()) == [kept]
    assert not AuditEvent.objects.filter(
        model="territories.industrialterritory", after__has_key="epcis"
    ).exists()


def test_update_territory_keeps_an_epci_that_became_obsolete(coordinator):
    gone = EPCIFactory(obsolete=True)
    added = EPCIFactory()
    territory = IndustrialTerritoryFactory(
        epcis=[gone], coordinators=[own_organisation(coordinator)]
    )

    updated = actions.update_territory(territory=territory, epcis=[gone, added], by=coordinator)

    assert set(updated.epcis.all()) == {gone, added}


def test_update_territory_is_denied_to_other_coordinators(coordinator, make_member):
    territory = IndustrialTerritoryFactory(
        epcis=[EPCIFactory()], coordinators=[OrganisationFactory()]
    )

    with pytest.raises(PermissionDenied):
        actions.update_territory(territory=territory, name="Taken over", by=coordinator)
