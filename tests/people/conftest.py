import pytest
from django.conf import settings
from django.utils import translation


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
