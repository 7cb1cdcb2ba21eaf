import pytest
from django.urls import reverse

from fabrique.frameworks.models import Bloc, Competence, CompetencyFramework, FrameworkVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


@pytest.mark.parametrize("model", ["competencyframework", "frameworkversion", "bloc", "competence"])
def test_admin_lists_the_framework_records(admin_client, published, model):
    response = admin_client.get(reverse(f"admin:frameworks_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def test_admin_shows_published_versions_and_their_tree_read_only(admin_client, published, draft):
    pages = {
        "published version": (FrameworkVersion, published.pk),
        "draft": (FrameworkVersion, draft.pk),
        "published bloc": (Bloc, published.blocs.first().pk),
        "published competence": (Competence, published.competences.first().pk),
        "framework": (CompetencyFramework, published.framework.pk),
    }

    editable = {}
    for name, (model, pk) in pages.items():
        url = reverse(f"admin:frameworks_{model._meta.model_name}_change", args=[pk])
        response = admin_client.get(url)
        assert response.status_code == 200, name
        editable[name] = response.context["has_change_permission"]

    assert editable == {
        "published version": False,
        "draft": True,
        "published bloc": False,
        "published competence": False,
        "framework": True,
    }
