"""The import page: preview, confirmation, and files refused whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabrique.frameworks.documents import (
    document_of,
)
from fabrique.frameworks.models import CompetencyFramework
from tests.frameworks.conftest import url
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db


def test_import_shows_a_preview_then_writes_on_confirmation(
    client, coordinator, published, consortium_coordinator, consortium
):
    client.force_login(consortium_coordinator)
    content = client.get(url("export_csv", published)).content
    preview = client.post(
        reverse("frameworks:import"),
        {
            "file": SimpleUploadedFile("cadre.csv", content, content_type="text/csv"),
            "target": "new",
            "owner": consortium.slug,
            "title": "Copie du cadre",
        },
    )

    assert preview.status_code == 200
    assert CompetencyFramework.objects.count() == 1  # nothing written yet
    assert "A new framework “Copie du cadre” of Consortium Fab Lab Lorraine" in text(
        preview.content.decode()
    )
    confirm = client.post(reverse("frameworks:import"), {"payload": preview.context["payload"]})

    imported = CompetencyFramework.objects.get(title="Copie du cadre")
    version = imported.versions.get()
    assert confirm.url == url("edit", version)
    assert document_of(version).blocs == document_of(published).blocs


def test_import_refuses_a_bad_file_whole_and_lists_every_problem(
    client, coordinator, learning_factory
):
    client.force_login(coordinator)
    content = (
        "bloc_code;bloc_title;competence_code;competence_title;level_rank;level_label\r\n"
        "B1;Animer;C1;Accueillir;1;Débutant\r\n"
        "B1;;C1;;1;Encore\r\n"
        "B2;;C2;Piloter;x;Un\r\n"
    ).encode()

    response = client.post(
        reverse("frameworks:import"),
        {
            "file": SimpleUploadedFile("cadre.csv", content),
            "target": "new",
            "owner": learning_factory.slug,
            "title": "Cadre",
        },
    )

    assert response.status_code == 422
    assert rows(response.content.decode())[1:] == [
        ["line 3, column level_rank", "competence C1 already has a level 1 (line 2)."],
        ["line 4, column bloc_title", "is required."],
        ["line 4, column level_rank", "must be a whole number."],
    ]
    assert CompetencyFramework.objects.count() == 0


def test_import_confirmation_with_a_tampered_payload_is_refused(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("frameworks:import"), {"payload": "forged"}, follow=True)

    assert "This preview has expired" in text(response.content.decode())
    assert CompetencyFramework.objects.count() == 0


def test_import_page_is_forbidden_to_non_coordinators(client, reader):
    client.force_login(reader)

    assert client.get(reverse("frameworks:import")).status_code == 403


def test_import_page_explains_the_formats(client, coordinator):
    client.force_login(coordinator)

    page = text(client.get(reverse("frameworks:import")).content.decode())

    assert "bloc_code;bloc_title;bloc_description;competence_code" in page


def test_import_as_a_new_version_of_a_framework_with_a_draft_is_refused(client, coordinator, draft):
    client.force_login(coordinator)
    content = client.get(url("export_json", draft)).content

    response = client.post(
        reverse("frameworks:import"),
        {
            "file": SimpleUploadedFile("cadre.json", content),
            "target": "version",
            "framework": draft.framework.slug,
        },
    )

    assert response.context["form"].errors == {
        "framework": [
            "Version 2 of this framework is a draft: publish or discard it before importing "
            "another version."
        ]
    }


def test_import_of_a_csv_as_a_new_framework_needs_a_title(client, coordinator, published):
    client.force_login(coordinator)
    content = client.get(url("export_csv", published)).content

    response = client.post(
        reverse("frameworks:import"),
        {
            "file": SimpleUploadedFile("cadre.csv", content),
            "target": "new",
            "owner": "learning-factory",
        },
    )

    assert response.context["form"].errors == {"title": ["Give the new framework a title."]}
    assert CompetencyFramework.objects.count() == 1


def test_import_refuses_other_file_kinds(client, coordinator, learning_factory):
    client.force_login(coordinator)

    response = client.post(
        reverse("frameworks:import"),
        {
            "file": SimpleUploadedFile("cadre.xlsx", b"PK"),
            "target": "new",
            "owner": "learning-factory",
        },
    )

    assert response.context["form"].errors == {"file": ["Give a .csv or a .json file."]}
