"""Pages of frameworks: list, creation, the framework page, publishing, retiring, new
versions, downloads."""

import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.frameworks.documents import (
    document_of,
)
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import Competence, CompetencyFramework
from tests.factories import CompetencyFrameworkFactory, FrameworkVersionFactory, OrganisationFactory
from tests.frameworks.conftest import framework_with, url
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db


def test_list_shows_published_frameworks_to_anyone_logged_in(client, reader, published):
    client.force_login(reader)

    page = client.get(reverse("frameworks:list")).content.decode()

    assert [
        "Pilotage et animation d'espaces d'innovation",
        "Learning Factory de l'Université",
        "version 1",
        published.published_at.astimezone().strftime("%m/%d/%Y"),
    ] in rows(page)
    assert "New framework" not in text(page)


def test_list_shows_own_drafts_to_editors_only(client, coordinator, reader, build_framework):
    build_framework(coordinator, publish=False)

    client.force_login(reader)
    for_reader = text(client.get(reverse("frameworks:list")).content.decode())
    client.force_login(coordinator)
    for_coordinator = client.get(reverse("frameworks:list")).content.decode()

    assert "0 frameworks" in for_reader
    assert [
        "Pilotage et animation d'espaces d'innovation draft v1",
        "Learning Factory de l'Université",
        "not published",
        "",
    ] in rows(for_coordinator)
    assert "New framework" in text(for_coordinator)


def test_list_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("frameworks:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_frameworks(
    client, coordinator, learning_factory, django_assert_num_queries, count
):
    for _ in range(count):
        version = FrameworkVersionFactory(
            framework=CompetencyFrameworkFactory(owner=learning_factory), published=True
        )
        FrameworkVersionFactory(framework=version.framework, number=2)
    client.force_login(coordinator)
    client.get(reverse("frameworks:list"))  # the session and the user are loaded once

    # session, user, memberships (roles, then coordinator organisations and their partners),
    # count, page, the header's unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("frameworks:list"))

    assert len(response.context["page"]) == count


def test_create_framework_page_makes_a_draft_and_opens_the_editor(
    client, coordinator, learning_factory
):
    client.force_login(coordinator)

    response = client.post(
        reverse("frameworks:create"),
        {"owner": learning_factory.slug, "title": "Animer un fab lab", "description": ""},
    )

    framework = CompetencyFramework.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("frameworks:edit", args=[framework.slug, 1])
    assert (framework.title, framework.owner, framework.created_by) == (
        "Animer un fab lab",
        learning_factory,
        coordinator,
    )
    assert AuditEvent.objects.filter(
        model="frameworks.competencyframework", action="create", actor=coordinator, source="web"
    ).exists()


def test_create_framework_offers_only_the_organisations_one_coordinates(
    client, consortium_coordinator, consortium
):
    OrganisationFactory(name="Ailleurs", slug="ailleurs")
    client.force_login(consortium_coordinator)

    response = client.get(reverse("frameworks:create"))

    choices = {
        choice for value, choice in response.context["form"].fields["owner"].choices if value
    }
    assert choices == {
        "Consortium Fab Lab Lorraine",
        "IUT Nancy-Brabois",
        "Incubateur Lorrain",
        "Learning Factory de l'Université",
        "Lycée Henri Loritz",
    }
    post = client.post(reverse("frameworks:create"), {"owner": "ailleurs", "title": "X"})
    assert "owner" in post.context["form"].errors
    assert CompetencyFramework.objects.count() == 0


def test_create_framework_is_forbidden_to_non_coordinators(client, reader):
    client.force_login(reader)

    assert client.get(reverse("frameworks:create")).status_code == 403


def test_framework_page_shows_the_published_version_and_the_history(client, reader, draft):
    client.force_login(reader)

    response = client.get(draft.framework.get_absolute_url())
    page = text(response.content.decode())

    assert response.context["version"].number == 1
    assert "Version 1 published" in page
    assert "B1 Animer un espace de fabrication numérique" in page
    assert "B1.C1 Accompagner les usagers sur les machines" in page
    assert "Applique avec de l'aide — Suit une procédure connue." in page
    assert "ESCO entretenir un atelier" in page
    assert [v.number for v in response.context["versions"]] == [1]  # not the draft
    assert "Edit the draft" not in page
    assert "Download as CSV" in page


def test_framework_page_offers_the_editor_the_draft_and_its_publication(client, coordinator, draft):
    client.force_login(coordinator)

    page = text(client.get(draft.framework.get_absolute_url()).content.decode())

    assert "Edit the draft (version 2)" in page
    assert "Publish version 2" in page
    assert "Retire version 1" in page
    assert ["2", "Draft", "", ""] in rows(
        client.get(draft.framework.get_absolute_url()).content.decode()
    )


def test_draft_pages_are_404_to_non_editors_and_403_for_actions_on_visible_ones(
    client, reader, draft, published
):
    client.force_login(reader)

    assert client.get(url("version", draft)).status_code == 404
    assert client.get(url("edit", draft)).status_code == 404
    assert client.get(url("export_json", draft)).status_code == 404
    assert client.get(url("retire", published)).status_code == 403
    assert (
        client.post(reverse("frameworks:version_new", args=[published.framework.slug])).status_code
        == 403
    )
    assert (
        client.get(
            reverse("frameworks:framework_edit", args=[published.framework.slug])
        ).status_code
        == 403
    )


def test_unknown_framework_is_a_clear_404(client, reader):
    client.force_login(reader)

    response = client.get(reverse("frameworks:detail", args=["inconnu"]))

    assert response.status_code == 404
    assert "No competency framework has the short name “inconnu”." in response.content.decode()


def test_publish_page_asks_for_a_change_note_then_publishes(client, coordinator, draft):
    client.force_login(coordinator)

    confirm = client.get(url("publish", draft))
    refused = client.post(url("publish", draft), {"change_note": ""})
    done = client.post(url("publish", draft), {"change_note": "Ajout de niveaux."})

    assert "Once published, this version no longer changes" in text(confirm.content.decode())
    assert refused.context["form"].errors == {"change_note": ["This field is required."]}
    assert done.url == draft.framework.get_absolute_url()
    assert list(draft.framework.versions.order_by("number").values_list("status", flat=True)) == [
        VersionStatus.RETIRED,
        VersionStatus.PUBLISHED,
    ]


def test_new_version_button_copies_the_published_version(client, coordinator, published):
    client.force_login(coordinator)

    response = client.post(reverse("frameworks:version_new", args=[published.framework.slug]))

    new = published.framework.versions.get(number=2)
    assert response.url == url("edit", new)
    assert document_of(new) == document_of(published)


def test_new_version_with_a_draft_in_progress_says_so(client, coordinator, draft):
    client.force_login(coordinator)

    response = client.post(
        reverse("frameworks:version_new", args=[draft.framework.slug]), follow=True
    )

    assert "Version 2 of this framework is a draft" in text(response.content.decode())
    assert draft.framework.versions.count() == 2


def test_retire_page_retires_the_published_version(client, coordinator, published):
    client.force_login(coordinator)

    client.post(url("retire", published), {"note": "Remplacé."})

    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    assert published.transitions.last().note == "Remplacé."


def test_discard_page_deletes_the_draft(client, coordinator, draft):
    client.force_login(coordinator)

    response = client.post(url("discard", draft))

    assert response.url == draft.framework.get_absolute_url()
    assert list(draft.framework.versions.values_list("number", flat=True)) == [1]
    assert Competence.objects.filter(version_id=draft.pk).count() == 0


def test_downloads_name_the_framework_and_version(client, reader, published):
    client.force_login(reader)

    csv_response = client.get(url("export_csv", published))
    json_response = client.get(url("export_json", published))

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="pilotage-animation-v1.csv"'
    )
    assert json_response.json()["format"] == "fabrique-framework/1"
    assert json_response.json()["version"]["number"] == 1


def test_pages_of_another_role_of_the_owner(client, make_member, learning_factory, published):
    trainer = make_member(Role.TRAINER, learning_factory)
    client.force_login(trainer)

    page = text(client.get(published.framework.get_absolute_url()).content.decode())

    assert "New version" not in page
    assert "Retire" not in page


def test_framework_details_page_changes_title_and_description(client, coordinator, published):
    client.force_login(coordinator)
    details_url = reverse("frameworks:framework_edit", args=[published.framework.slug])

    page = client.get(details_url)
    response = client.post(details_url, {"title": "Animer un fab lab", "description": "Court."})

    assert "Title and description of" in text(page.content.decode())
    assert response.url == published.framework.get_absolute_url()
    published.framework.refresh_from_db()
    assert (published.framework.title, published.framework.description) == (
        "Animer un fab lab",
        "Court.",
    )


def test_retire_page_explains_before_retiring(client, coordinator, published):
    client.force_login(coordinator)

    page = text(client.get(url("retire", published)).content.decode())

    assert "A retired version stays readable in the history" in page


@pytest.mark.parametrize("count", [1, 3])
def test_framework_page_queries_do_not_grow_with_the_tree(
    client, coordinator, learning_factory, skills, django_assert_num_queries, count
):
    version = framework_with(count, coordinator, learning_factory, skills)
    client.force_login(coordinator)
    client.get(version.framework.get_absolute_url())

    with django_assert_num_queries(12):  # 11, and the header's unread notifications
        response = client.get(version.framework.get_absolute_url())

    assert len(response.context["blocs"]) == count
