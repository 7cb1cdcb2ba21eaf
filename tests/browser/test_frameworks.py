"""A coordinator builds a competency framework in the browser: a bloc, a competence, a skill
suggested by the matcher (the real one, built from the shipped référentiel files), then
publishes it. Each page passes the basic accessibility audit, without a console error."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.accounts.enums import Role
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import CompetenceSkill, CompetencyFramework
from fabrique.referentials import matching
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import OrganisationFactory, SkillFactory


@pytest.fixture
def coordinator(make_member):
    learning_factory = OrganisationFactory(
        name="Learning Factory de l'Université", slug="learning-factory"
    )
    return make_member(
        Role.COORDINATOR, learning_factory, email="camille.martin@example.org", first_name="Camille"
    )


@pytest.fixture
def warm_matcher(matcher_indexes, settings):
    """The matcher's indexes loaded before the journey (built on first use, which may take
    longer than a click may wait)."""
    matcher_indexes(Path(settings.VAR_DIR), *(("skills", scheme) for scheme in matching.SCHEMES))
    for scheme in matching.SCHEMES:
        matching.skills(["atelier"], scheme=scheme, top=1)


def test_coordinator_builds_links_a_suggested_skill_and_publishes(
    page, coordinator, page_errors, warm_matcher
):
    SkillFactory(code="124907", label="Outils de fabrication numérique")
    SkillFactory(code="121329", label="Animer un atelier à thème")
    log_in(page, email=coordinator.email)

    # A new framework, from the list of frameworks.
    open_page(page, reverse("frameworks:list"))
    assert accessibility_problems(page) == []
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('frameworks:create')}']").click()
    page.locator("#id_owner").select_option("learning-factory")
    page.locator("#id_title").fill("Pilotage et animation d'espaces d'innovation")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    framework = CompetencyFramework.objects.get()
    edit_url = reverse("frameworks:edit", args=[framework.slug, 1])
    assert page.url.endswith(edit_url)

    # A bloc, then a competence in it.
    page.locator("#id_bloc-code").fill("B1")
    page.locator("#id_bloc-title").fill("Animer un espace de fabrication numérique")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=add-bloc-title] button[type=submit]").click()
    bloc = framework.versions.get().blocs.get()
    section = page.locator(f"#bloc-{bloc.pk}")
    expect(section.locator("h2")).to_contain_text("Animer un espace de fabrication numérique")
    section.locator("details.fw-add summary").last.click()
    page.locator(f"#id_bloc{bloc.pk}-code").fill("B1.C1")
    page.locator(f"#id_bloc{bloc.pk}-title").fill(
        "Faciliter l'accès aux outils de fabrication numérique"
    )
    page.locator(f"#id_bloc{bloc.pk}-description").fill("Animer un atelier à thème.")
    with page.expect_navigation():
        section.locator("details.fw-add").last.locator("button[type=submit]").click()
    competence = bloc.competences.get()
    expect(page.locator(f"#competence-{competence.pk} h3")).to_contain_text("B1.C1")
    assert accessibility_problems(page) == []

    # The matcher's suggestions; one click links one.
    skills_url = reverse("frameworks:competence_skills", args=[framework.slug, 1, competence.pk])
    with page.expect_navigation():
        page.locator(f"a[href='{skills_url}']").click()
    suggestion = (
        page.locator("#suggestions-rome")
        .locator("xpath=..")
        .locator("li", has_text="Outils de fabrication numérique")
    )
    expect(suggestion).to_have_count(1)
    assert accessibility_problems(page) == []
    suggestion.locator("button[type=submit]").click()  # HTMX: the panel is replaced
    expect(page.locator("#linked-skills")).to_contain_text("Outils de fabrication numérique")
    link = CompetenceSkill.objects.get(competence=competence)
    assert (link.skill.code, link.suggested, link.linked_by) == ("124907", True, coordinator)

    # Publish, with a change note.
    open_page(page, reverse("frameworks:publish", args=[framework.slug, 1]))
    assert accessibility_problems(page) == []
    page.locator("#id_change_note").fill("Première version.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.url.endswith(framework.get_absolute_url())
    expect(page.locator("h2 .fw-status-published")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Outils de fabrication numérique")
    assert accessibility_problems(page) == []
    assert framework.versions.get().status == VersionStatus.PUBLISHED
    assert page_errors == []
