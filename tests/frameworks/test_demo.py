import pytest

from fabrique.frameworks.demo import SLUG, TITLE, build_demo_frameworks
from fabrique.frameworks.documents import document_of
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import CompetencyFramework
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_demo_framework_is_published_with_four_blocs_and_twelve_competences(
    coordinator, learning_factory
):
    SkillFactory(code="509209", label="Faciliter l'accès aux outils de fabrication numérique")

    version = build_demo_frameworks(organisation=learning_factory, by=coordinator)

    document = document_of(version)
    assert (version.framework.slug, version.framework.title) == (SLUG, TITLE)
    assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
    assert [bloc.code for bloc in document.blocs] == ["B1", "B2", "B3", "B4"]
    assert document.competence_count == 12
    assert {len(c.levels) for b in document.blocs for c in b.competences} == {3}
    # Only the ROME skills the database holds are linked.
    assert [
        (c.code, str(ref)) for b in document.blocs for c in b.competences for ref in c.skills
    ] == [("B1.C2", "rome:509209")]


def test_demo_framework_is_built_once(coordinator, learning_factory):
    first = build_demo_frameworks(organisation=learning_factory, by=coordinator)

    again = build_demo_frameworks(organisation=learning_factory, by=coordinator)

    assert again == first
    assert CompetencyFramework.objects.count() == 1
