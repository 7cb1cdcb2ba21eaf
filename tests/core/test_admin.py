import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_fabrique_model_is_in_the_admin():
    from django.apps import apps

    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("fabrique.") and model not in admin.site._registry
    ]

    assert missing == []


def test_admin_changelists_render_for_staff(client):
    client.force_login(UserFactory(superuser=True))
    PersonFactory(last_name="Hoffmann")

    for model in admin.site._registry:
        if not model.__module__.startswith("fabrique."):
            continue
        meta = model._meta
        response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label


def test_admin_refuses_non_staff(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
