"""Suggested skills. The matcher is the real one (its index is built from the shipped
référentiel files on first use, which takes a few seconds): few tests use it."""

import pytest
from django.urls import reverse

from fabrique.frameworks import actions, editing
from fabrique.frameworks.models import CompetenceSkill
from fabrique.frameworks.suggestions import search_skills, suggest_skills
from tests.factories import SkillFactory, SkillLabelFactory
from tests.territories.html import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def competence(coordinator, learning_factory):
    framework = actions.create_framework(owner=learning_factory, title="Fab lab", by=coordinator)
    bloc = editing.add_bloc(
        version=framework.versions.get(), code="B1", title="Animer", by=coordinator
    )
    return editing.add_competence(
        bloc=bloc,
        code="B1.C1",
        title="Faciliter l'accès aux outils de fabrication numérique",
        description="Animer un atelier à thème pour les usagers du fab lab.",
        by=coordinator,
    )


def test_suggestions_come_from_the_matcher_and_skip_skills_not_in_the_database(competence, skills):
    found = suggest_skills(competence)

    rome = [(s.skill.code, s.linked) for s in found["rome"]]
    assert ("124907", False) in rome  # Outils de fabrication numérique
    assert ("121329", False) in rome  # Animer un atelier à thème
    assert {s.skill.code for s in found["rome"]} <= {"124907", "121329"}
    assert all(0 < s.score <= 1 for s in found["rome"])
    assert [s.score for s in found["rome"]] == sorted(
        (s.score for s in found["rome"]), reverse=True
    )


def test_skills_page_suggests_and_links_in_one_click(client, coordinator, competence, skills):
    client.force_login(coordinator)
    version = competence.version
    page_url = reverse(
        "frameworks:competence_skills",
        args=[version.framework.slug, version.number, competence.pk],
    )

    page = client.get(page_url)
    suggestion = next(s for s in page.context["suggestions"][0][1] if s.skill.code == "124907")
    response = client.post(
        reverse(
            "frameworks:skill_link",
            args=[version.framework.slug, version.number, competence.pk],
        ),
        {"skill": suggestion.skill.pk, "suggested": "1", "score": str(suggestion.score)},
        headers={"HX-Request": "true"},
    )

    assert "Outils de fabrication numérique" in text(page.content.decode())
    link = CompetenceSkill.objects.get(competence=competence)
    assert (link.skill.code, link.suggested, link.score, link.linked_by) == (
        "124907",
        True,
        suggestion.score,
        coordinator,
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="skills-panel"')
    assert "Unlink" in text(fragment)


def test_search_finds_skills_by_label_without_accents_and_by_code(db):
    atelier = SkillFactory(code="121329", label="Animer un atelier à thème")
    esco = SkillFactory(esco=True, label="entretenir un atelier")
    SkillLabelFactory(skill=esco, text="Gérer un fab lab", folded="gerer un fab lab")
    SkillFactory(label="Souder", obsolete_row=True)

    assert list(search_skills("atelier")) == [esco, atelier]
    assert list(search_skills("gérer un fab")) == [esco]
    assert list(search_skills("121329")) == [atelier]
    assert list(search_skills("atelier", scheme="rome")) == [atelier]
    assert list(search_skills("souder")) == []
    assert list(search_skills("\x00")) == []


def test_search_on_the_skills_page_answers_htmx_with_the_results(
    client, coordinator, competence, skills
):
    client.force_login(coordinator)
    version = competence.version
    page_url = reverse(
        "frameworks:competence_skills",
        args=[version.framework.slug, version.number, competence.pk],
    )

    response = client.get(page_url, {"q": "atelier", "scheme": ""}, headers={"HX-Request": "true"})
    fragment = response.content.decode()

    assert fragment.lstrip().startswith('<div id="skill-results"')
    assert "entretenir un atelier" in text(fragment)
    assert "Animer un atelier à thème" in text(fragment)
