import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.frameworks import actions, editing
from fabrique.frameworks.documents import document_of
from fabrique.frameworks.enums import TRANSITIONS, VersionStatus, can_go
from fabrique.frameworks.models import (
    Bloc,
    Competence,
    CompetenceSkill,
    CompetencyFramework,
    Level,
    VersionTransition,
)
from tests.factories import FrameworkVersionFactory, OrganisationFactory
from tests.frameworks.conftest import sample_document

pytestmark = pytest.mark.django_db


def statuses(framework):
    return list(framework.versions.order_by("number").values_list("number", "status"))


def test_transition_table_only_moves_forward():
    assert can_go(VersionStatus.DRAFT, VersionStatus.PUBLISHED)
    assert can_go(VersionStatus.PUBLISHED, VersionStatus.RETIRED)
    assert not can_go(VersionStatus.PUBLISHED, VersionStatus.DRAFT)
    assert not can_go(VersionStatus.RETIRED, VersionStatus.PUBLISHED)
    assert not can_go(VersionStatus.DRAFT, VersionStatus.RETIRED)
    assert set(TRANSITIONS) == set(VersionStatus.values)


def test_create_framework_starts_with_an_empty_draft(coordinator, learning_factory):
    framework = actions.create_framework(
        owner=learning_factory,
        title="  Pilotage et animation d'espaces d'innovation ",
        by=coordinator,
    )

    assert framework.title == "Pilotage et animation d'espaces d'innovation"
    assert framework.slug == "pilotage-et-animation-despaces-dinnovation"
    assert framework.created_by == coordinator
    assert statuses(framework) == [(1, VersionStatus.DRAFT)]


def test_create_framework_makes_slugs_unique_and_avoids_reserved_ones(
    coordinator, learning_factory
):
    first = actions.create_framework(owner=learning_factory, title="Animation", by=coordinator)
    second = actions.create_framework(owner=learning_factory, title="Animation", by=coordinator)
    reserved = actions.create_framework(owner=learning_factory, title="Nouveau", by=coordinator)

    assert [first.slug, second.slug, reserved.slug] == ["animation", "animation-2", "nouveau-2"]


def test_create_framework_refuses_a_taken_short_name(coordinator, learning_factory):
    actions.create_framework(owner=learning_factory, title="A", slug="fab", by=coordinator)

    with pytest.raises(ValidationError) as refusal:
        actions.create_framework(owner=learning_factory, title="B", slug="fab", by=coordinator)

    assert refusal.value.message_dict == {"slug": ["This short name is taken."]}


def test_create_framework_is_refused_outside_the_coordinated_organisations(
    coordinator, make_member
):
    other = OrganisationFactory()
    trainer = make_member(Role.TRAINER, other)

    with pytest.raises(PermissionDenied):
        actions.create_framework(owner=other, title="Cadre", by=coordinator)
    with pytest.raises(PermissionDenied):
        actions.create_framework(owner=other, title="Cadre", by=trainer)
    assert CompetencyFramework.objects.count() == 0


def test_consortium_coordinator_creates_frameworks_of_its_partners(
    consortium_coordinator, learning_factory
):
    framework = actions.create_framework(
        owner=learning_factory, title="Cadre partagé", by=consortium_coordinator
    )

    assert framework.owner == learning_factory


def test_publish_sets_the_date_the_note_and_a_history_row(coordinator, build_framework):
    draft = build_framework(coordinator, publish=False)

    version = actions.publish_version(
        version=draft, change_note=" Première version. ", by=coordinator
    )

    assert version.status == VersionStatus.PUBLISHED
    assert version.published_at is not None
    assert version.published_by == coordinator
    assert version.change_note == "Première version."
    assert list(version.transitions.values_list("source", "target", "by", "note")) == [
        (VersionStatus.DRAFT, VersionStatus.PUBLISHED, coordinator.pk, "Première version.")
    ]


def test_publish_needs_a_change_note_and_a_competence(coordinator, learning_factory):
    framework = actions.create_framework(owner=learning_factory, title="Vide", by=coordinator)
    draft = framework.versions.get()

    with pytest.raises(ValidationError) as no_note:
        actions.publish_version(version=draft, change_note="  ", by=coordinator)
    with pytest.raises(ValidationError) as empty:
        actions.publish_version(version=draft, change_note="Note", by=coordinator)

    assert no_note.value.message_dict == {"change_note": ["Say what this version brings."]}
    assert empty.value.messages == ["Add at least one competence before publishing."]
    assert statuses(framework) == [(1, VersionStatus.DRAFT)]


def test_a_published_version_cannot_be_published_again(coordinator, build_framework):
    version = build_framework(coordinator)

    with pytest.raises(ValidationError) as refusal:
        actions.publish_version(version=version, change_note="Encore", by=coordinator)

    assert refusal.value.messages == ["A published version cannot become published."]


def test_a_published_version_never_changes(coordinator, build_framework):
    version = build_framework(coordinator)
    bloc = version.blocs.get(code="B1")
    competence = version.competences.get(code="B1.C1")
    level = competence.levels.get(rank=1)
    before = document_of(version)
    message = (
        "Version 1 is published and no longer changes: start a new version to change the framework."
    )

    attempts = [
        lambda: editing.add_bloc(version=version, code="B9", title="Nouveau", by=coordinator),
        lambda: editing.update_bloc(
            bloc=bloc, code="B1", title="X", description="", by=coordinator
        ),
        lambda: editing.delete_bloc(bloc=bloc, by=coordinator),
        lambda: editing.move_bloc(bloc=bloc, offset=editing.DOWN, by=coordinator),
        lambda: editing.add_competence(bloc=bloc, code="B1.C9", title="X", by=coordinator),
        lambda: editing.delete_competence(competence=competence, by=coordinator),
        lambda: editing.add_level(competence=competence, label="Expert", by=coordinator),
        lambda: editing.update_level(level=level, label="X", description="", by=coordinator),
        lambda: editing.delete_level(level=level, by=coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refusal:
            attempt()
        assert refusal.value.messages == [message]

    assert document_of(version) == before


def test_new_version_copies_the_published_one_with_its_links(coordinator, build_framework, skills):
    published = build_framework(coordinator, sample_document(skills))
    link = CompetenceSkill.objects.get(competence__version=published, skill=skills["rome-fab"])
    link.suggested, link.score = True, 0.44
    link.save()

    draft = actions.start_new_version(framework=published.framework, by=coordinator)

    assert (draft.number, draft.status, draft.based_on) == (2, VersionStatus.DRAFT, published)
    assert document_of(draft) == document_of(published)
    copied = CompetenceSkill.objects.get(competence__version=draft, skill=skills["rome-fab"])
    assert (copied.suggested, copied.score, copied.linked_by) == (True, 0.44, coordinator)
    assert (
        AuditEvent.objects.filter(
            model="frameworks.frameworkversion", object_id=str(draft.pk), action="create"
        ).count()
        == 2
    )  # the version itself, and the summary of its copied tree


def test_at_most_one_draft_at_a_time(coordinator, build_framework):
    published = build_framework(coordinator)
    actions.start_new_version(framework=published.framework, by=coordinator)

    with pytest.raises(ValidationError) as refusal:
        actions.start_new_version(framework=published.framework, by=coordinator)

    assert refusal.value.messages == [
        "Version 2 of this framework is a draft: publish or discard it before starting another "
        "version."
    ]
    assert statuses(published.framework) == [(1, "published"), (2, "draft")]


def test_the_database_refuses_a_second_draft_and_a_second_published_version(db):
    version = FrameworkVersionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersionFactory(framework=version.framework, number=2)
    published = FrameworkVersionFactory(framework=version.framework, number=3, published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersionFactory(framework=version.framework, number=4, published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersionFactory(framework=version.framework, number=3, retired=True)
    assert published.status == VersionStatus.PUBLISHED


def test_the_database_keeps_dates_consistent_with_the_status(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersionFactory(status=VersionStatus.PUBLISHED)  # no published_at
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersionFactory(published=True, status=VersionStatus.RETIRED)  # no retired_at


def test_publishing_a_new_version_retires_the_previous_one_and_numbers_increase(
    coordinator, build_framework
):
    first = build_framework(coordinator)
    framework = first.framework
    second = actions.start_new_version(framework=framework, by=coordinator)
    editing.add_bloc(version=second, code="B3", title="Documenter", by=coordinator)

    actions.publish_version(version=second, change_note="Ajout du bloc B3.", by=coordinator)
    third = actions.start_new_version(framework=framework, by=coordinator)

    assert statuses(framework) == [(1, "retired"), (2, "published"), (3, "draft")]
    assert third.based_on == second
    assert list(VersionTransition.objects.filter(version=first).values_list("target", "note")) == [
        ("published", "Première version."),
        ("retired", "Replaced by version 2."),
    ]


def test_numbers_keep_increasing_after_a_discarded_draft(coordinator, build_framework):
    framework = build_framework(coordinator).framework
    draft = actions.start_new_version(framework=framework, by=coordinator)
    actions.discard_draft(version=draft, by=coordinator)

    again = actions.start_new_version(framework=framework, by=coordinator)

    assert again.number == 2
    assert statuses(framework) == [(1, "published"), (2, "draft")]


def test_retire_withdraws_the_published_version(coordinator, build_framework):
    version = build_framework(coordinator)

    actions.retire_version(
        version=version, note="Remplacé par un référentiel national.", by=coordinator
    )

    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.retired_at is not None
    with pytest.raises(ValidationError):
        actions.retire_version(version=version, by=coordinator)


def test_a_new_version_may_start_from_a_retired_one(coordinator, build_framework):
    version = build_framework(coordinator)
    actions.retire_version(version=version, by=coordinator)

    draft = actions.start_new_version(framework=version.framework, by=coordinator)

    assert draft.based_on == version
    assert document_of(draft) == document_of(version)


def test_discarding_the_only_draft_deletes_the_framework(coordinator, learning_factory):
    framework = actions.create_framework(owner=learning_factory, title="Essai", by=coordinator)

    remaining = actions.discard_draft(version=framework.versions.get(), by=coordinator)

    assert remaining is None
    assert CompetencyFramework.objects.count() == 0


def test_discard_refuses_a_published_version(coordinator, build_framework):
    version = build_framework(coordinator)

    with pytest.raises(ValidationError):
        actions.discard_draft(version=version, by=coordinator)


def test_lifecycle_actions_are_refused_to_non_editors(coordinator, reader, build_framework):
    published = build_framework(coordinator)
    draft = actions.start_new_version(framework=published.framework, by=coordinator)

    for attempt in [
        lambda: actions.publish_version(version=draft, change_note="x", by=reader),
        lambda: actions.retire_version(version=published, by=reader),
        lambda: actions.start_new_version(framework=published.framework, by=reader),
        lambda: actions.discard_draft(version=draft, by=reader),
        lambda: actions.update_framework(
            framework=published.framework, title="X", description="", by=reader
        ),
        lambda: editing.add_bloc(version=draft, code="B9", title="X", by=reader),
    ]:
        with pytest.raises(PermissionDenied):
            attempt()


def test_update_framework_changes_title_and_description(coordinator, build_framework):
    framework = build_framework(coordinator).framework

    actions.update_framework(
        framework=framework, title="Animer un fab lab", description="Nouveau texte", by=coordinator
    )

    framework.refresh_from_db()
    assert (framework.title, framework.description) == ("Animer un fab lab", "Nouveau texte")


def test_import_writes_a_whole_tree_as_a_draft_with_one_summary_event(
    coordinator, learning_factory, skills
):
    version = actions.import_framework(
        document=sample_document(skills), owner=learning_factory, by=coordinator
    )

    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert (Bloc.objects.count(), Competence.objects.count(), Level.objects.count()) == (2, 3, 9)
    assert document_of(version) == sample_document(skills)
    summary = AuditEvent.objects.get(model="frameworks.frameworkversion", after__imported=True)
    assert summary.after == {
        "imported": True,
        "blocs": 2,
        "competences": 3,
        "levels": 9,
        "skills": 2,
    }
    assert summary.actor == coordinator
