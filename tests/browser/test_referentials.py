"""A person searches the référentiels as they type, opens an occupation, analyses a text; and the
basic accessibility audit of these pages."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from fabrique.accounts.enums import Role
from fabrique.referentials import matching
from fabrique.referentials.urls import detail_url
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import (
    CertificationFactory,
    OccupationFactory,
    OccupationGroupFactory,
    OccupationLabelFactory,
    OccupationSkillFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
)

JOB_AD = "Soudeur TIG\nPréparer les surfaces à souder\nRéaliser des soudures sur acier"


def french(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


@pytest.fixture
def no_matcher(monkeypatch):
    """Searches find what the database holds (the live server runs in this process)."""
    monkeypatch.setattr(matching, "occupations", lambda texts, **options: [[] for _t in texts])
    monkeypatch.setattr(matching, "ready", lambda kind, scheme: True)
    monkeypatch.setattr(matching, "skills", lambda texts, **options: [[] for _t in texts])


@pytest.fixture
def welder(db):
    """H2913 (a real ROME code, as the matcher knows it) with its skills and a certification."""
    domain = OccupationGroupFactory(
        code="H29", label="Mécanique", parent=OccupationGroupFactory(grand_domaine=True)
    )
    occupation = OccupationFactory(code="H2913", label="Soudeur / Soudeuse", group=domain)
    OccupationLabelFactory(occupation=occupation, appellation=True, text="Soudeur / Soudeuse TIG")
    for code, label, essential in [
        ("481442", "Préparation des surfaces à souder", True),
        ("100007", "Techniques de soudage", True),
        ("300001", "Travailler en équipe", False),
    ]:
        OccupationSkillFactory(
            occupation=occupation, skill=SkillFactory(code=code, label=label), essential=essential
        )
    CertificationFactory(
        code="RNCP211", title="Titre professionnel soudeur", occupations=[occupation]
    )
    OccupationFactory(code="F1602", label="Électricien / Électricienne du bâtiment")
    return occupation


def test_person_finds_an_occupation_as_they_type_despite_typos(
    page, welder, no_matcher, page_errors
):
    open_page(page, reverse("referentials:search"))
    page.evaluate("window.stillTheSamePage = true")
    results = page.locator("#results")
    box = page.get_by_role("searchbox")

    box.press_sequentially("soudeurr", delay=40)

    expect(results.get_by_role("link", name="Soudeur / Soudeuse", exact=True)).to_be_visible()
    expect(results).to_contain_text(french("Approximate results"))

    box.fill("")
    box.press_sequentially("electricien", delay=40)

    expect(results).to_contain_text("Électricien / Électricienne du bâtiment")
    expect(results).not_to_contain_text("Soudeur / Soudeuse")
    assert page.evaluate("window.stillTheSamePage") is True  # HTMX, not a new page
    assert "q=electricien" in page.url

    box.fill("soudeur")
    results.get_by_role("link", name="Soudeur / Soudeuse", exact=True).click()

    expect(page.locator("h1")).to_contain_text("H2913")
    expect(page.locator("main")).to_contain_text("Préparation des surfaces à souder")
    expect(page.locator("main")).to_contain_text("RNCP211")
    assert page_errors == []


def test_search_works_without_javascript(browser, live_server, welder, no_matcher):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        open_page(page, reverse("referentials:search"))
        page.get_by_role("searchbox").fill("soudeur")
        with page.expect_navigation():
            page.locator("main form[role=search] button[type=submit]").click()

        expect(page.locator("#results")).to_contain_text("Soudeur / Soudeuse")
    finally:
        context.close()


def test_trainer_analyses_a_job_ad_and_gives_the_skills_to_a_person(
    matcher_ready, page, make_member, welder, page_errors
):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, first_name="Inès", last_name="Roux")
    trainer = make_member(Role.TRAINER, agency, email="trainer@example.org")
    log_in(page, email=trainer.email)
    open_page(page, reverse("referentials:analyse"))

    page.locator("textarea[name=text]").fill(JOB_AD)
    page.locator("select[name=scheme]").select_option("rome")
    page.locator("button[name=analyse]").click()

    skill = page.locator("#analysis input[value='rome:481442']")
    expect(skill).to_be_visible(timeout=30_000)
    expect(page.locator("#analysis mark").first).to_be_visible()
    skill.check()
    page.locator("select[name=person]").select_option(str(person.pk))
    with page.expect_navigation():
        page.locator("button[name=add]").click()

    expect(page.locator("h1")).to_contain_text("Inès Roux")
    expect(page.locator("main")).to_contain_text("Préparation des surfaces à souder")
    assert page_errors == []


def test_trainer_adds_skills_suggested_from_a_text_on_the_person_page(
    matcher_ready, page, make_member, welder, page_errors
):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, first_name="Inès", last_name="Roux")
    trainer = make_member(Role.TRAINER, agency, email="suggest@example.org")
    log_in(page, email=trainer.email)
    open_page(page, reverse("people:detail", args=[person.pk]))

    page.locator("details.ref-add-skills summary").click()
    page.locator("textarea[name=suggest_text]").fill("Préparer les surfaces à souder")
    page.locator(".ref-suggest button").click()
    suggested = page.locator(".ref-suggest input[type=checkbox][value='rome:481442']")
    expect(suggested).to_be_visible(timeout=30_000)
    suggested.check()
    with page.expect_navigation():
        page.locator("details.ref-add-skills form > button[type=submit]").click()

    expect(page.locator("main .messages")).to_contain_text("Inès Roux")
    expect(page.locator("main")).to_contain_text("Préparation des surfaces à souder")
    assert person.skills.get().skill.code == "481442"
    assert page_errors == []


@pytest.mark.parametrize(
    "url_of",
    [
        pytest.param(lambda welder: reverse("referentials:search") + "?q=soudeur", id="search"),
        pytest.param(lambda welder: detail_url(welder), id="occupation"),
        pytest.param(lambda welder: detail_url(welder.skill_links.first().skill), id="skill"),
        pytest.param(lambda welder: detail_url(welder.certifications.get()), id="certification"),
    ],
)
def test_referential_page_passes_the_basic_accessibility_audit(page, welder, no_matcher, url_of):
    open_page(page, url_of(welder))

    assert accessibility_problems(page) == []


def test_analyse_page_with_results_passes_the_basic_accessibility_audit(
    matcher_ready, page, make_member, welder
):
    agency = OrganisationFactory(employment_service=True)
    PersonFactory(organisation=agency)
    log_in(page, email=make_member(Role.TRAINER, agency, email="audit@example.org").email)
    open_page(page, reverse("referentials:analyse"))
    page.locator("textarea[name=text]").fill(JOB_AD)
    page.locator("select[name=scheme]").select_option("rome")
    page.locator("button[name=analyse]").click()
    expect(page.locator("#analysis input[type=checkbox]").first).to_be_visible(timeout=30_000)

    assert accessibility_problems(page) == []


def test_occupation_page_comparison_passes_the_basic_accessibility_audit(page, make_member, welder):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, last_name="Roux")
    log_in(page, email=make_member(Role.TRAINER, agency, email="gap@example.org").email)
    open_page(page, detail_url(welder))

    page.locator("select[name=personne]").select_option(str(person.pk))
    page.locator("#gap").locator("xpath=preceding-sibling::form[1]").locator("button").click()

    expect(page.locator("#gap")).to_contain_text("Roux")
    assert accessibility_problems(page) == []
