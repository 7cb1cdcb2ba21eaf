import pytest
from django.urls import reverse

from fabrique.accounts import actions
from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent, Membership
from fabrique.core import audit
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_before_and_after(make_member):
    admin = make_member(Role.PLATFORM_ADMIN)
    with audit.acting_as(admin, source="command"):
        org = OrganisationFactory(name="Lycée Jean Moulin", slug="lycee-jean-moulin")
        org.name = "Lycée Jean-Moulin"
        org.save()
        org_id = str(org.pk)
        org.delete()

    events = list(
        AuditEvent.objects.filter(model="accounts.organisation", object_id=org_id).order_by("id")
    )

    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor == admin and e.source == "command" for e in events)
    assert events[1].before == {
        "name": "Lycée Jean Moulin",
        "updated_at": events[1].before["updated_at"],
    }
    assert events[1].after["name"] == "Lycée Jean-Moulin"
    assert events[2].before["slug"] == "lycee-jean-moulin"
    assert events[2].after is None


def test_saving_without_change_records_nothing(db):
    user = UserFactory()
    count = AuditEvent.objects.count()

    user.save(update_fields=["first_name"])

    assert AuditEvent.objects.count() == count


def test_password_is_never_written_to_the_log(db):
    user = UserFactory()
    user.set_password("a new secret 2026")
    user.save()

    event = AuditEvent.objects.filter(model="accounts.user", action="update").latest("id")
    assert event.after["password"] == "(secret)"
    assert "a new secret" not in str(event.before) + str(event.after)


def test_web_write_is_attributed_to_the_logged_in_user(client, make_member, db):
    org = OrganisationFactory()
    admin = make_member(Role.ORGANISATION_ADMIN, organisation=org)
    newcomer = UserFactory(email="new@example.org")
    client.force_login(admin)

    client.post(org.get_absolute_url(), {"email": "new@example.org", "role": Role.TRAINER})

    membership = Membership.objects.get(user=newcomer)
    event = AuditEvent.objects.get(model="accounts.membership", object_id=str(membership.pk))
    assert (event.actor, event.source, event.action) == (admin, "web", "create")


def test_audit_log_page_is_for_platform_admins(client, make_member):
    client.force_login(make_member(Role.TRAINER))
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "accounts.organisation" not in page

    client.force_login(make_member(Role.PLATFORM_ADMIN))
    with audit.acting_as(None, source="command"):
        actions  # noqa: B018 - module imported for its side effects elsewhere
        OrganisationFactory(name="Atelier Numérique de Forbach")
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "Atelier Numérique de Forbach" in page


def test_acting_as_keeps_the_source_in_force_or_says_command(make_member):
    admin = make_member(Role.PLATFORM_ADMIN)

    with audit.acting_as(None, source="api"), audit.acting_as(admin):
        inner = audit.current_actor()
    with audit.acting_as(admin):
        outer = audit.current_actor()

    assert (inner.user, inner.source) == (admin, "api")
    assert outer.source == "command"
