"""Pages that edit a draft: blocs, competences, levels (HTMX fragments and plain forms)."""

import pytest
from django.urls import reverse

from fabrique.frameworks.models import Bloc, Level
from tests.frameworks.conftest import framework_with, url
from tests.territories.html import text

pytestmark = pytest.mark.django_db


def test_editor_page_shows_the_tree_with_its_forms(client, coordinator, draft):
    client.force_login(coordinator)

    response = client.get(url("edit", draft))
    page = text(response.content.decode())

    assert response.status_code == 200
    assert "B2 Piloter le projet de l'espace" in page
    assert "Suggest ESCO/ROME skills" in page
    assert "Add a competence" in page


def test_editor_of_a_published_version_sends_back_to_its_page(client, coordinator, published):
    client.force_login(coordinator)

    response = client.get(url("edit", published))

    assert response.status_code == 302
    assert response.url == published.get_absolute_url()


def test_add_a_bloc_then_a_competence_then_a_level(client, coordinator, draft):
    client.force_login(coordinator)

    bloc_response = client.post(
        url("bloc_add", draft),
        {"bloc-code": "B3", "bloc-title": "Documenter les projets", "bloc-description": ""},
    )
    bloc = draft.blocs.get(code="B3")
    competence_response = client.post(
        url("competence_add", draft, bloc.pk),
        {f"bloc{bloc.pk}-code": "B3.C1", f"bloc{bloc.pk}-title": "Rédiger une fiche projet"},
    )
    competence = draft.competences.get(code="B3.C1")
    client.post(
        url("level_add", draft, competence.pk),
        {f"competence{competence.pk}-label": "Décrit son projet"},
    )

    assert bloc_response.url == url("edit", draft) + f"#bloc-{bloc.pk}"
    assert competence_response.url == url("edit", draft) + f"#competence-{competence.pk}"
    assert (bloc.position, competence.bloc, competence.position) == (3, bloc, 1)
    assert list(competence.levels.values_list("rank", "label")) == [(1, "Décrit son projet")]


def test_add_form_errors_are_shown_on_the_form_page(client, coordinator, draft):
    client.force_login(coordinator)

    response = client.post(url("bloc_add", draft), {"bloc-code": "B1", "bloc-title": "Doublon"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["Another bloc of this version has this code."]
    }
    assert draft.blocs.count() == 2


def test_edit_a_competence_and_move_it_to_another_bloc(client, coordinator, draft):
    client.force_login(coordinator)
    competence = draft.competences.get(code="B1.C2")
    b2 = draft.blocs.get(code="B2")

    client.post(
        url("competence_edit", draft, competence.pk),
        {"code": "B2.C2", "title": "Animer un atelier", "description": "Thématique", "bloc": b2.pk},
    )

    competence.refresh_from_db()
    assert (competence.code, competence.bloc, competence.description) == ("B2.C2", b2, "Thématique")


def test_move_answers_htmx_with_the_tree_alone(client, coordinator, draft):
    client.force_login(coordinator)
    b2 = draft.blocs.get(code="B2")

    response = client.post(
        url("bloc_move", draft, b2.pk), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="tree"')
    assert "<html" not in page
    assert list(draft.blocs.order_by("position").values_list("code", flat=True)) == ["B2", "B1"]


def test_delete_without_javascript_redirects_to_the_editor(client, coordinator, draft):
    client.force_login(coordinator)
    level = Level.objects.get(competence__version=draft, competence__code="B1.C1", rank=1)

    response = client.post(url("level_delete", draft, level.pk))

    assert response.status_code == 302
    assert list(Level.objects.filter(competence=level.competence).values_list("rank", "label")) == [
        (1, "Applique en autonomie"),
        (2, "Transmet"),
    ]


def test_changes_to_a_published_version_are_refused(client, coordinator, published):
    client.force_login(coordinator)
    bloc = published.blocs.get(code="B1")

    response = client.post(url("bloc_delete", published, bloc.pk), headers={"HX-Request": "true"})

    assert Bloc.objects.filter(pk=bloc.pk).exists()
    assert "Version 1 is published and no longer changes" in text(response.content.decode())


def test_tree_items_of_another_version_are_404(client, coordinator, draft, published):
    client.force_login(coordinator)
    other = published.blocs.get(code="B1")

    assert client.post(url("bloc_delete", draft, other.pk)).status_code == 404
    assert Bloc.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("name", "args_of", "expected"),
    [
        ("bloc_add", lambda d: [], "Add a bloc"),
        ("bloc_edit", lambda d: [d.blocs.get(code="B1").pk], "Change bloc B1"),
        ("competence_add", lambda d: [d.blocs.get(code="B2").pk], "Add a competence to bloc B2"),
        (
            "competence_edit",
            lambda d: [d.competences.get(code="B1.C2").pk],
            "Change competence B1.C2",
        ),
        ("level_add", lambda d: [d.competences.get(code="B2.C1").pk], "Add a level to competence"),
        (
            "level_edit",
            lambda d: [d.competences.get(code="B2.C1").levels.get(rank=2).pk],
            "Change level 2 of competence B2.C1",
        ),
        ("discard", lambda d: [], "Discard the draft version 2"),
        ("publish", lambda d: [], "Publish version 2"),
    ],
)
def test_form_pages_of_a_draft(client, coordinator, draft, name, args_of, expected):
    client.force_login(coordinator)

    response = client.get(url(name, draft, *args_of(draft)))

    assert response.status_code == 200
    assert expected in text(response.content.decode())


def test_edit_forms_start_with_the_current_values(client, coordinator, draft):
    client.force_login(coordinator)
    level = draft.competences.get(code="B1.C1").levels.get(rank=1)

    form = client.get(url("level_edit", draft, level.pk)).context["form"]

    assert form.initial == {
        "label": "Applique avec de l'aide",
        "description": "Suit une procédure connue.",
    }


@pytest.mark.parametrize("count", [1, 3])
def test_editor_queries_do_not_grow_with_the_tree(
    client, coordinator, learning_factory, skills, django_assert_num_queries, count
):
    version = framework_with(count, coordinator, learning_factory, skills)
    client.force_login(coordinator)
    client.get(url("edit", version))

    with django_assert_num_queries(11):  # 10, and the header's unread notifications
        response = client.get(url("edit", version))

    assert len(response.context["blocs"]) == count


def test_huge_numbers_in_addresses_are_404(client, coordinator, draft):
    client.force_login(coordinator)
    huge = 10**20

    assert (
        client.get(reverse("frameworks:version", args=[draft.framework.slug, huge])).status_code
        == 404
    )
    assert client.get(url("bloc_edit", draft, huge)).status_code == 404
    assert client.post(url("level_delete", draft, huge)).status_code == 404
