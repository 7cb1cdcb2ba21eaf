import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role

pytestmark = pytest.mark.django_db


def test_french_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert 'lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_switcher_sets_language_for_anonymous_visitor(client):
    response = client.post(
        reverse("set_language"), {"language": "de", "next": reverse("core:home")}, follow=True
    )

    assert 'lang="de"' in response.content.decode()


def test_switcher_saves_choice_in_profile_of_logged_in_user(client, make_member):
    user = make_member(Role.COORDINATOR)
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "de", "next": "/"})

    user.refresh_from_db()
    assert user.language == "de"
    client.cookies.clear()
    client.force_login(user)
    assert 'lang="de"' in client.get(reverse("core:home")).content.decode()


def test_switcher_refuses_unknown_language(client, make_member):
    user = make_member(Role.COORDINATOR)
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "fr"


def test_switcher_requires_post(client):
    assert client.get(reverse("set_language")).status_code == 405
