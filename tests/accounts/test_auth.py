import re

import pytest
from django.core import mail
from django.urls import reverse

from fabrique.accounts.enums import Role

pytestmark = pytest.mark.django_db


def test_login_with_email_any_case_redirects_to_dashboard(client, make_member):
    user = make_member(Role.TRAINER, email="marie.klein@example.org")

    response = client.post(
        reverse("accounts:login"),
        {"username": "Marie.Klein@Example.org", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_wrong_password_is_401_with_message_in_french(client, make_member):
    make_member(Role.TRAINER, email="marie.klein@example.org")

    response = client.post(
        reverse("accounts:login"),
        {"username": "marie.klein@example.org", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
    assert "ne correspondent à aucun compte actif" in response.content.decode()


def test_login_wrong_password_message_in_german(client, make_member):
    make_member(Role.TRAINER, email="marie.klein@example.org")
    client.cookies["django_language"] = "de"

    response = client.post(
        reverse("accounts:login"), {"username": "marie.klein@example.org", "password": "x"}
    )

    assert response.status_code == 401
    assert 'lang="de"' in response.content.decode()
    assert "stimmen mit keinem aktiven Konto überein" in response.content.decode()


def test_password_reset_sends_link_that_sets_new_password(client, make_member):
    user = make_member(Role.LEARNER, email="lea@example.org")

    response = client.post(reverse("accounts:password_reset"), {"email": "lea@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "un nouveau mot 2026", "new_password2": "un nouveau mot 2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un nouveau mot 2026")


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_invalid_link_is_404_with_message_and_changes_nothing(client, make_member):
    user = make_member(Role.LEARNER, email="lea@example.org")
    url = reverse("accounts:password_reset_confirm", args=["MQ", "expired-token"])

    response = client.get(url)

    assert response.status_code == 404
    assert "Ce lien n’est plus valable" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct horse battery")


def test_logout_requires_post_and_ends_session(client, make_member):
    user = make_member(Role.VIEWER)
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_page_requires_login(client, db):
    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_language_is_saved_and_used(client, make_member):
    user = make_member(Role.VIEWER)
    client.force_login(user)

    response = client.post(
        reverse("accounts:account"),
        {"form": "profile", "first_name": "Jonas", "last_name": "Weber", "language": "de"},
        follow=True,
    )

    user.refresh_from_db()
    assert user.language == "de"
    assert 'lang="de"' in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, make_member, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    make_member(Role.TRAINER, email="marie.klein@example.org")
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": "marie.klein@example.org", "password": "wrong"})

    response = client.post(
        url, {"username": "marie.klein@example.org", "password": "correct horse battery"}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    cache.clear()
