"""Writes on the tree of a draft: blocs, competences, levels, linked skills."""

import pytest
from django.core.exceptions import ValidationError

from fabrique.accounts.models import AuditEvent
from fabrique.frameworks import actions, editing
from fabrique.frameworks.models import Competence, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_draft(coordinator, learning_factory):
    """Version 1 of a new framework: a draft without blocs."""
    framework = actions.create_framework(owner=learning_factory, title="Brouillon", by=coordinator)
    return framework.versions.get()


def tree(version):
    return [
        (bloc.code, [(c.code, [lv.label for lv in c.levels.all()]) for c in bloc.competences.all()])
        for bloc in version.blocs.order_by("position").prefetch_related("competences__levels")
    ]


def test_add_blocs_competences_and_levels_in_order(coordinator, empty_draft):
    b1 = editing.add_bloc(version=empty_draft, code="B1", title="Animer", by=coordinator)
    b2 = editing.add_bloc(version=empty_draft, code="B2", title="Piloter", by=coordinator)
    c1 = editing.add_competence(bloc=b1, code="B1.C1", title="Accueillir", by=coordinator)
    editing.add_competence(bloc=b2, code="B2.C1", title="Budgéter", by=coordinator)
    editing.add_level(competence=c1, label="Débutant", by=coordinator)
    editing.add_level(competence=c1, label="Confirmé", by=coordinator)

    assert tree(empty_draft) == [
        ("B1", [("B1.C1", ["Débutant", "Confirmé"])]),
        ("B2", [("B2.C1", [])]),
    ]
    assert list(c1.levels.values_list("rank", flat=True)) == [1, 2]


def test_codes_are_unique_within_a_version(coordinator, empty_draft):
    bloc = editing.add_bloc(version=empty_draft, code="B1", title="Animer", by=coordinator)
    editing.add_competence(bloc=bloc, code="C1", title="Accueillir", by=coordinator)

    with pytest.raises(ValidationError) as bloc_refusal:
        editing.add_bloc(version=empty_draft, code="B1", title="Encore", by=coordinator)
    with pytest.raises(ValidationError) as competence_refusal:
        editing.add_competence(bloc=bloc, code="C1", title="Encore", by=coordinator)

    assert bloc_refusal.value.message_dict == {
        "code": ["Another bloc of this version has this code."]
    }
    assert competence_refusal.value.message_dict == {
        "code": ["Another competence of this version has this code."]
    }


def test_the_same_codes_may_be_used_in_another_version(coordinator, build_framework):
    published = build_framework(coordinator)
    copy = actions.start_new_version(framework=published.framework, by=coordinator)

    assert set(copy.blocs.values_list("code", flat=True)) == {"B1", "B2"}


def test_codes_are_checked_for_their_form(coordinator, empty_draft):
    with pytest.raises(ValidationError) as refusal:
        editing.add_bloc(version=empty_draft, code="bloc 1", title="Animer", by=coordinator)

    assert list(refusal.value.message_dict) == ["code"]


def test_move_blocs_and_competences(coordinator, empty_draft):
    b1 = editing.add_bloc(version=empty_draft, code="B1", title="Un", by=coordinator)
    b2 = editing.add_bloc(version=empty_draft, code="B2", title="Deux", by=coordinator)
    editing.add_bloc(version=empty_draft, code="B3", title="Trois", by=coordinator)
    c1 = editing.add_competence(bloc=b1, code="C1", title="Un", by=coordinator)
    editing.add_competence(bloc=b1, code="C2", title="Deux", by=coordinator)

    editing.move_bloc(bloc=b2, offset=editing.UP, by=coordinator)
    editing.move_bloc(bloc=b2, offset=editing.UP, by=coordinator)  # already first: stays
    editing.move_competence(competence=c1, offset=editing.DOWN, by=coordinator)

    assert [code for code, _ in tree(empty_draft)] == ["B2", "B1", "B3"]
    assert list(empty_draft.blocs.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    assert [code for code, _ in dict(tree(empty_draft))["B1"]] == ["C2", "C1"]


def test_move_and_delete_levels_keep_ranks_one_to_n(coordinator, empty_draft):
    bloc = editing.add_bloc(version=empty_draft, code="B1", title="Un", by=coordinator)
    competence = editing.add_competence(bloc=bloc, code="C1", title="Un", by=coordinator)
    levels = [
        editing.add_level(competence=competence, label=label, by=coordinator)
        for label in ["Un", "Deux", "Trois", "Quatre"]
    ]

    editing.move_level(level=levels[2], offset=editing.UP, by=coordinator)
    editing.delete_level(level=levels[0], by=coordinator)

    assert list(competence.levels.order_by("rank").values_list("rank", "label")) == [
        (1, "Trois"),
        (2, "Deux"),
        (3, "Quatre"),
    ]


def test_a_competence_has_at_most_ten_levels(coordinator, empty_draft):
    bloc = editing.add_bloc(version=empty_draft, code="B1", title="Un", by=coordinator)
    competence = editing.add_competence(bloc=bloc, code="C1", title="Un", by=coordinator)
    for n in range(10):
        editing.add_level(competence=competence, label=f"Niveau {n + 1}", by=coordinator)

    with pytest.raises(ValidationError) as refusal:
        editing.add_level(competence=competence, label="Onze", by=coordinator)

    assert refusal.value.messages == ["A competence has at most 10 levels."]


def test_delete_bloc_takes_its_competences_and_renumbers(coordinator, build_framework):
    copy = actions.start_new_version(
        framework=build_framework(coordinator).framework, by=coordinator
    )

    editing.delete_bloc(bloc=copy.blocs.get(code="B1"), by=coordinator)

    assert tree(copy) == [
        ("B2", [("B2.C1", ["Applique avec de l'aide", "Applique en autonomie", "Transmet"])])
    ]
    assert copy.blocs.get().position == 1
    assert Competence.objects.filter(version=copy).count() == 1
    assert Level.objects.filter(competence__version=copy).count() == 3


def test_update_competence_moves_it_to_another_bloc(coordinator, empty_draft):
    b1 = editing.add_bloc(version=empty_draft, code="B1", title="Un", by=coordinator)
    b2 = editing.add_bloc(version=empty_draft, code="B2", title="Deux", by=coordinator)
    c1 = editing.add_competence(bloc=b1, code="C1", title="Un", by=coordinator)
    editing.add_competence(bloc=b1, code="C2", title="Deux", by=coordinator)
    editing.add_competence(bloc=b2, code="C3", title="Trois", by=coordinator)

    editing.update_competence(
        competence=c1, code="C1", title="Un bis", description="", bloc=b2, by=coordinator
    )

    assert [(b, [c for c, _ in cs]) for b, cs in tree(empty_draft)] == [
        ("B1", ["C2"]),
        ("B2", ["C3", "C1"]),
    ]
    assert list(b1.competences.values_list("position", flat=True)) == [1]


def test_link_and_unlink_skills_records_who_and_how(coordinator, empty_draft, skills):
    bloc = editing.add_bloc(version=empty_draft, code="B1", title="Un", by=coordinator)
    competence = editing.add_competence(bloc=bloc, code="C1", title="Un", by=coordinator)

    suggested = editing.link_skill(
        competence=competence,
        skill=skills["rome-fab"],
        suggested=True,
        score=0.443521,
        by=coordinator,
    )
    by_hand = editing.link_skill(
        competence=competence, skill=skills["esco-atelier"], by=coordinator
    )
    with pytest.raises(ValidationError) as twice:
        editing.link_skill(competence=competence, skill=skills["rome-fab"], by=coordinator)
    editing.unlink_skill(link=by_hand, by=coordinator)

    assert (suggested.suggested, suggested.score, suggested.linked_by) == (
        True,
        0.4435,
        coordinator,
    )
    assert twice.value.message_dict == {
        "skill": ["This skill is already linked to the competence."]
    }
    assert list(competence.skill_links.values_list("skill__code", flat=True)) == ["124907"]


def test_every_write_is_in_the_audit_log_with_its_author(coordinator, empty_draft):
    bloc = editing.add_bloc(version=empty_draft, code="B1", title="Animer", by=coordinator)
    editing.update_bloc(
        bloc=bloc, code="B1", title="Animer l'espace", description="", by=coordinator
    )
    editing.delete_bloc(bloc=bloc, by=coordinator)

    events = list(
        AuditEvent.objects.filter(model="frameworks.bloc", object_id=str(bloc.pk))
        .order_by("at", "pk")
        .values_list("action", "actor", "source")
    )
    assert events == [
        ("create", coordinator.pk, "command"),
        ("update", coordinator.pk, "command"),
        ("delete", coordinator.pk, "command"),
    ]
