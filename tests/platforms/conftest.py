import pytest
from django.conf import settings
from django.utils import translation

from fabrique.accounts.enums import Role
from tests.factories import OrganisationFactory
from tests.factories_platforms import EquipmentFactory, TechnicalPlatformFactory


@pytest.fixture
def platform(db):
    return TechnicalPlatformFactory(
        name="Plateforme Plasturgie",
        slug="plasturgie",
        owner=OrganisationFactory(kind="university"),
    )


@pytest.fixture
def printer(platform):
    return EquipmentFactory(platform=platform, name="Imprimante SLA Form 3")


@pytest.fixture
def restricted(platform):
    return EquipmentFactory(platform=platform, name="Presse à injecter 80 t", restricted=True)


@pytest.fixture
def staff(make_member, platform):
    return make_member(Role.TRAINER, platform.owner)


@pytest.fixture
def startup_user(make_member):
    return make_member(Role.COMPANY_CONTACT, OrganisationFactory(kind="company"))


@pytest.fixture(autouse=True)
def in_english():
    """The tests read English messages, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
