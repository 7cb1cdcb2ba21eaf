import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fabrique.core.models import Notification
from fabrique.core.notifications import notify
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_one_notification_per_user_in_their_language(
    django_capture_on_commit_callbacks,
):
    german = UserFactory(email="anna@example.org", language="de")
    french = UserFactory(email="luc@example.org", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[german, french, german], message=lambda: _("Log out"), url="/a/")

    texts = dict(Notification.objects.values_list("user__email", "message"))
    assert texts == {"anna@example.org": "Abmelden", "luc@example.org": "Se déconnecter"}
    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["anna@example.org", "luc@example.org"]
    assert "Abmelden" in sent["anna@example.org"].subject
    assert "/a/" in sent["anna@example.org"].body


def test_notify_sends_mail_only_once_the_transaction_commits(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        notify(users=[user], message="Inscription acceptée", url="")

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_notify_in_a_rolled_back_transaction_leaves_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(users=[user], message="Inscription acceptée", url="")
        transaction.set_rollback(True)

    assert (Notification.objects.count(), mail.outbox) == (0, [])


def test_notify_without_email_only_writes_the_notification(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], message="Inscription acceptée", url="", email=False)

    assert (Notification.objects.filter(user=user).count(), mail.outbox) == (1, [])


def test_notify_sends_no_mail_to_an_inactive_account(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], message="Inscription acceptée", url="")

    assert (Notification.objects.filter(user=user).count(), mail.outbox) == (1, [])


def test_notify_truncates_a_long_message():
    user = UserFactory()

    (notification,) = notify(users=[user], message="x" * 600, url="", email=False)

    assert len(notification.message) == 500


# --- the page ------------------------------------------------------------------------------------


def test_notifications_page_lists_only_mine(client):
    user = UserFactory()
    NotificationFactory(user=user, message="Votre inscription est acceptée.")
    NotificationFactory(message="Message d'un autre")
    client.force_login(user)

    page = client.get(reverse("core:notifications")).content.decode()

    assert "Votre inscription est acceptée." in page
    assert "Message d&#x27;un autre" not in page


def test_notifications_page_requires_login(client):
    response = client.get(reverse("core:notifications"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_marking_one_notification_read(client):
    user = UserFactory()
    chosen, other = NotificationFactory.create_batch(2, user=user)
    client.force_login(user)

    response = client.post(reverse("core:notifications"), {"notification": chosen.pk})

    assert response.status_code == 302
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.read_at is not None, other.read_at is None) == (True, True)


def test_marking_all_read_leaves_other_users_notifications(client):
    user = UserFactory()
    mine = NotificationFactory.create_batch(2, user=user)
    theirs = NotificationFactory()
    client.force_login(user)

    client.post(reverse("core:notifications"))

    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("chosen", ["abc", "99999999999999999999999", str(2**40)])
def test_marking_an_odd_notification_number_changes_nothing(client, chosen):
    user = UserFactory()
    notification = NotificationFactory(user=user)
    client.force_login(user)

    response = client.post(reverse("core:notifications"), {"notification": chosen})

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_header_shows_the_unread_count(client):
    user = UserFactory()
    NotificationFactory.create_batch(3, user=user)
    NotificationFactory(user=user, read_at="2026-01-01T00:00:00Z")
    client.force_login(user)

    page = client.get(reverse("core:notifications")).content.decode()

    assert '<span class="badge">3<span class="visually-hidden">' in page


@pytest.mark.parametrize("count", [1, 3])
def test_notifications_page_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    user = UserFactory()
    NotificationFactory.create_batch(count, user=user)
    client.force_login(user)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("core:notifications"))

    assert response.content.decode().count('id="notification-') == count


def test_notification_mail_links_to_the_public_address_of_the_site(
    settings, django_capture_on_commit_callbacks
):
    settings.FABRIQUE_SITE_URL = "https://fabrique.example.org"
    user = UserFactory(language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], message="Inscription acceptée", url="/formations/sessions/7/")

    assert "https://fabrique.example.org/formations/sessions/7/" in mail.outbox[0].body
