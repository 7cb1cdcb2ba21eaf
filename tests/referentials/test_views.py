"""Pages of the référentiels: search, occupation, skill and certification pages, the analysis
of a text and the "suggest from text" fragment."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.people.enums import SkillSource
from fabrique.people.models import PersonSkill
from fabrique.referentials import matching
from fabrique.referentials.urls import detail_url
from tests.factories import (
    CertificationBlocFactory,
    CertificationFactory,
    CertifierFactory,
    FormacodeFactory,
    MobilityFactory,
    NsfDomainFactory,
    OccupationFactory,
    OccupationGroupFactory,
    OccupationLabelFactory,
    OccupationSkillFactory,
    OrganisationFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
    SkillLabelFactory,
    WorkContextFactory,
)
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db

JOB_AD = """Soudeur TIG H/F
Notre atelier de chaudronnerie recherche un soudeur.
Missions :
- Préparer les surfaces à souder
- Réaliser des soudures TIG sur acier inoxydable
"""


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def no_matcher(monkeypatch):
    """The text matcher proposes nothing: searches find what the database holds, no more."""
    monkeypatch.setattr(matching, "occupations", lambda texts, **options: [[] for _t in texts])
    monkeypatch.setattr(matching, "ready", lambda kind, scheme: True)
    monkeypatch.setattr(matching, "skills", lambda texts, **options: [[] for _t in texts])


@pytest.fixture
def welder():
    """H2913 with its groups, appellations, skills, context, mobility and a certification."""
    industry = OccupationGroupFactory(grand_domaine=True)
    domain = OccupationGroupFactory(
        code="H29", label="Mécanique, travail des métaux", parent=industry
    )
    occupation = OccupationFactory(
        code="H2913",
        label="Soudeur / Soudeuse",
        group=domain,
        definition="Soude des pièces métalliques.",
        access="Accessible avec un CAP.",
    )
    OccupationLabelFactory(occupation=occupation, appellation=True, text="Soudeur / Soudeuse TIG")
    soudage = SkillFactory(
        code="100007", label="Techniques de soudage", savoir=True, category="Techniques"
    )
    souder = SkillFactory(code="481442", label="Préparation des surfaces à souder")
    equipe = SkillFactory(code="300001", label="Travailler en équipe", savoir_etre=True)
    OccupationSkillFactory(occupation=occupation, skill=soudage)
    OccupationSkillFactory(occupation=occupation, skill=souder)
    OccupationSkillFactory(occupation=occupation, skill=equipe, optional=True)
    occupation.work_contexts.add(WorkContextFactory(label="Port d'équipements de protection"))
    MobilityFactory(source=occupation, target=OccupationFactory(code="H2902", label="Chaudronnier"))
    CertificationFactory(
        code="RNCP211", title="Titre professionnel soudeur", occupations=[occupation]
    )
    return occupation


# --- search -------------------------------------------------------------------------------------


def test_search_page_lists_occupations_with_tabs_and_counts(client, welder, no_matcher):
    page = client.get(reverse("referentials:search"), {"q": "soudeur"}).content.decode()

    assert ["H2913", "Soudeur / Soudeuse", "ROME 4.0"] in rows(page)
    assert "Occupations 1 Skills 0 Certifications 1" in text(page)
    assert 'aria-current="page"' in page


def test_search_page_answers_htmx_with_the_results_only(client, welder, no_matcher):
    response = client.get(
        reverse("referentials:search"), {"q": "souder"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page


def test_search_page_shows_skills_and_certifications_tabs(client, welder, no_matcher):
    skills = client.get(reverse("referentials:search"), {"q": "soudage", "type": "skills"})
    certifications = client.get(
        reverse("referentials:search"), {"q": "RNCP211", "type": "certifications"}
    )

    assert ["100007", "Techniques de soudage", "ROME 4.0 savoir"] in rows(skills.content.decode())
    assert ["RNCP211", "Titre professionnel soudeur level 4", "RNCP"] in rows(
        certifications.content.decode()
    )


def test_search_page_says_when_results_are_approximate(client, welder, no_matcher):
    page = client.get(reverse("referentials:search"), {"q": "soudeurr"}).content.decode()

    assert "Approximate results" in text(page)
    assert "results for “soudeur”" in text(page)
    assert "Soudeur / Soudeuse" in text(page)


def test_search_page_hides_obsolete_entries_unless_asked(client, welder, no_matcher):
    OccupationFactory(code="H2999", label="Soudeur sur cuivre", obsolete_row=True)
    url = reverse("referentials:search")

    hidden = client.get(url, {"q": "soudeur"}).content.decode()
    shown = client.get(url, {"q": "soudeur", "obsolete": "on"}).content.decode()

    assert "Soudeur sur cuivre" not in hidden
    assert ["H2999", "Soudeur sur cuivre obsolete", "ROME 4.0"] in rows(shown)


def test_search_page_without_query_shows_no_results(client, welder):
    page = client.get(reverse("referentials:search")).content.decode()

    assert "results appear as you type" in text(page)
    assert "H2913" not in page


def test_search_page_survives_nonsense_parameters(client, welder, no_matcher):
    url = reverse("referentials:search")

    nul = client.get(url, {"q": "soudeur\x00", "page": "-3"})
    nonsense = client.get(url, {"q": "soudeur", "type": "nope", "scheme": "zzz", "page": "x"})

    assert "results appear as you type" in text(nul.content.decode())
    assert ["H2913", "Soudeur / Soudeuse", "ROME 4.0"] in rows(nonsense.content.decode())


# Enough exact results (FEW_RESULTS) that typos are not looked for: the queries of a page are
# the counts of the two other kinds, the count of this one and its page.
BASE_RESULTS = 3


@pytest.mark.parametrize("count", [1, 3])
def test_search_page_queries_do_not_grow_with_results(client, django_assert_num_queries, count):
    for number in range(BASE_RESULTS + count):
        occupation = OccupationFactory(code=f"H29{number:02d}", label=f"Soudeur {number}")
        OccupationLabelFactory(occupation=occupation, appellation=True)

    with django_assert_num_queries(4):
        response = client.get(reverse("referentials:search"), {"q": "soudeur"})

    assert len(rows(response.content.decode())) == BASE_RESULTS + count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_skill_search_queries_do_not_grow_with_results(client, django_assert_num_queries, count):
    for number in range(BASE_RESULTS + count):
        SkillFactory(label=f"Souder {number}")

    with django_assert_num_queries(4):
        response = client.get(reverse("referentials:search"), {"q": "souder", "type": "skills"})

    assert len(rows(response.content.decode())) == BASE_RESULTS + count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_approximate_search_queries_do_not_grow_with_results(
    client, django_assert_num_queries, no_matcher, count
):
    for number in range(count):
        OccupationFactory(code=f"H29{number:02d}", label=f"Soudeur {number}")

    # Counts (3), the few exact ones (1), the words close to "soudeurr" (2: labels and own
    # labels), the corrected search.
    with django_assert_num_queries(7):
        response = client.get(reverse("referentials:search"), {"q": "soudeurr"})

    assert len(rows(response.content.decode())) == count + 1


# --- occupation, skill and certification pages -------------------------------------------------


def test_rome_occupation_page_shows_the_fiche(client, welder):
    variant = OccupationFactory(code="H2913-1", label="Soudeur TIG", parent=welder)

    page = client.get(reverse("referentials:occupation", args=["H2913"])).content.decode()
    content = text(page)

    assert "H2913 Soudeur / Soudeuse" in content
    assert "Grand domaine H Industrie" in content
    assert "Domaine professionnel H29 Mécanique, travail des métaux" in content
    assert "Soude des pièces métalliques." in content
    assert "Accessible avec un CAP." in content
    assert "ROME appellations FR Soudeur / Soudeuse TIG" in content
    assert "Knowledge (savoirs) 1 Techniques Techniques de soudage essential" in content
    assert "Know-how (savoir-faire) 1 Préparation des surfaces à souder essential" in content
    assert "Soft skills (savoir-être professionnels) 1 Travailler en équipe" in content
    assert "Travailler en équipe essential" not in content
    assert "Port d'équipements de protection" in content
    assert "Mobilities Occupations that people in this one often move on to. H2902" in content
    assert "RNCP211 Titre professionnel soudeur" in content
    assert str(variant) in content
    assert "Compare with a person" not in content  # anonymous reader


def test_rome_declinaison_links_to_its_parent_fiche(client, welder):
    variant = OccupationFactory(code="H2913-1", label="Soudeur TIG", parent=welder)

    page = client.get(reverse("referentials:occupation", args=[variant.code])).content.decode()

    assert "Parent fiche H2913 Soudeur / Soudeuse" in text(page)
    assert reverse("referentials:occupation", args=["H2913"]) in page


def test_esco_occupation_page_shows_labels_and_essential_and_optional_skills(client):
    broader = OccupationFactory(esco=True, label="ouvrier de la métallurgie")
    isco = OccupationGroupFactory(isco=True, code="7212")
    welder = OccupationFactory(
        esco=True,
        label="soudeur/soudeuse",
        label_en="welder",
        parent=broader,
        group=isco,
        definition_en="Welders join metal parts.",
    )
    OccupationLabelFactory(occupation=welder, english=True, text="welding operator")
    OccupationLabelFactory(occupation=welder, text="opérateur de soudage")
    join = SkillFactory(esco=True, label="assembler des métaux", label_en="join metals")
    OccupationSkillFactory(occupation=welder, skill=join)
    blueprint = SkillFactory(
        esco=True, label="lire des plans", label_en="read blueprints", kind="knowledge"
    )
    OccupationSkillFactory(occupation=welder, skill=blueprint, optional=True)
    uuid = welder.code.rsplit("/", 1)[-1]

    page = client.get(reverse("referentials:occupation", args=[uuid])).content.decode()
    content = text(page)

    assert "Labels soudeur/soudeuse · welder" in content
    assert "ISCO group 7212" in content
    assert "Broader occupation ouvrier de la métallurgie" in content
    assert "Welders join metal parts." in content
    assert "Alternative labels FR opérateur de soudage" in content
    assert "Alternative labels EN welding operator" in content
    # English reader: English labels of skills.
    assert "Essential skills and knowledge 1 Skills and competences join metals" in content
    assert "Optional skills and knowledge 1 Knowledge read blueprints" in content


def test_occupation_page_of_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("referentials:occupation", args=["Z9999"]))

    assert response.status_code == 404
    assert "No occupation has the code “Z9999”." in response.content.decode()


def test_skill_page_shows_labels_hierarchy_and_occupations(client, welder):
    skill = SkillFactory(esco=True, label="souder", label_en="weld", description="Assembler.")
    SkillLabelFactory(skill=skill, english=True, text="welding")
    broader = SkillFactory(esco=True, label="assembler", label_en="assemble")
    skill.broader.add(broader)
    narrower = SkillFactory(esco=True, label="souder à l'arc", label_en="arc weld")
    narrower.broader.add(skill)
    OccupationSkillFactory(skill=skill, occupation=welder)
    OccupationSkillFactory(
        skill=skill, occupation=OccupationFactory(code="H2902", label="Chaudronnier"), optional=True
    )

    page = client.get(detail_url(skill)).content.decode()
    content = text(page)

    assert "Assembler." in content
    assert "Alternative labels EN welding" in content
    assert "Broader skills assemble" in content
    assert "Narrower skills arc weld" in content
    assert "Essential for 1 H2913 Soudeur / Soudeuse" in content
    assert "Optional for 1 H2902 Chaudronnier" in content


def test_certification_page_shows_blocs_fiches_and_replacements(client, welder):
    certification = welder.certifications.get()
    CertificationBlocFactory(certification=certification, code="RNCP211BC01", label="Souder")
    certification.formacodes.add(FormacodeFactory(code="23054", label="soudage"))
    certification.nsf_domains.add(NsfDomainFactory(code="254", label="Structures métalliques"))
    certification.certifiers.add(CertifierFactory(name="Ministère du travail"))
    newer = CertificationFactory(code="RNCP36000", title="Soudeur (nouveau)")
    certification.replaced_by.add(newer)

    page = client.get(reverse("referentials:certification", args=["rncp211"])).content.decode()
    content = text(page)

    assert "RNCP211 Titre professionnel soudeur" in content
    assert "Certifiers Ministère du travail" in content
    assert "Replaced by RNCP36000 Soudeur (nouveau)" in content
    assert "RNCP211BC01 Souder" in content
    assert "H2913 Soudeur / Soudeuse" in content
    assert "23054 soudage" in content
    assert "254 Structures métalliques" in content

    older = client.get(reverse("referentials:certification", args=["RNCP36000"]))
    assert "Replaces RNCP211 Titre professionnel soudeur" in text(older.content.decode())


# --- skill gap on the occupation page --------------------------------------------------------


def test_occupation_page_compares_with_a_visible_person(client, make_member, welder):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, first_name="Inès", last_name="Roux")
    PersonSkillFactory(person=person, skill=welder.skill_links.get(skill__code="100007").skill)
    PersonFactory(last_name="Invisible")
    client.force_login(make_member(Role.TRAINER, organisation=agency))
    url = reverse("referentials:occupation", args=["H2913"])

    page = client.get(url).content.decode()
    response = client.get(url, {"personne": person.pk}, headers={"HX-Request": "true"})
    gap = text(response.content.decode())

    assert "Roux" in page
    assert "Invisible" not in page
    assert response.content.decode().lstrip().startswith('<div id="gap"')
    assert "Skills of Inès Roux for this occupation" in gap
    assert "Essential skills held 50 %" in gap
    assert "Weighted coverage 40 %" in gap  # (2×1 + 0) ÷ (2×2 + 1)
    assert (
        "To acquire Préparation des surfaces à souder essential 1 optional skill "
        "Travailler en équipe"
    ) in gap
    assert "Already held Techniques de soudage essential" in gap


def test_occupation_page_does_not_compare_with_someone_not_visible(client, make_member, welder):
    outsider = PersonFactory(last_name="Dehors")
    client.force_login(make_member(Role.TRAINER))

    response = client.get(
        reverse("referentials:occupation", args=["H2913"]), {"personne": outsider.pk}
    )

    assert "Dehors" not in response.content.decode()
    assert "Choose a person among those listed." in text(response.content.decode())


# --- analysis of a text ----------------------------------------------------------------------


@pytest.fixture
def real_codes(matcher_ready):
    """Rows keyed on real ROME codes, so that the matcher's answers (from the shipped files)
    are in the database: the fiche H2913 and the savoir-faire 481442."""
    occupation = OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    skill = SkillFactory(code="481442", label="Préparation des surfaces à souder")
    return occupation, skill


def test_analyse_page_needs_an_account(client):
    response = client.get(reverse("referentials:analyse"))

    assert response.status_code == 302


def test_analyse_page_shows_occupations_and_skills_with_evidence(client, make_member, real_codes):
    client.force_login(make_member(Role.TRAINER))

    response = client.post(reverse("referentials:analyse"), {"text": JOB_AD, "scheme": "rome"})
    page = response.content.decode()
    content = text(page)

    assert "H2913 Soudeur / Soudeuse" in content
    assert "Préparation des surfaces à souder" in content
    assert "<mark>surfaces</mark>" in page
    assert 'value="rome:481442"' in page


def test_analyse_page_refuses_a_text_over_100_kb(client, make_member):
    client.force_login(make_member(Role.TRAINER))

    response = client.post(reverse("referentials:analyse"), {"text": "soudeur " * 13_000})

    assert "The text is too long: 104 kB, at most 100 kB." in text(response.content.decode())


def test_analyse_page_adds_ticked_skills_to_a_person(client, make_member, real_codes):
    _occupation, skill = real_codes
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    trainer = make_member(Role.TRAINER, organisation=agency)
    client.force_login(trainer)

    response = client.post(
        reverse("referentials:analyse"),
        {"text": JOB_AD, "add": "1", "person": person.pk, "skills": ["rome:481442", "rome:0"]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    link = PersonSkill.objects.get(person=person)
    assert (link.skill, link.source) == (skill, SkillSource.DECLARED)
    event = AuditEvent.objects.get(model="people.personskill")
    assert (event.action, event.actor) == ("create", trainer)


def test_analyse_page_refuses_to_add_skills_to_someone_not_editable(
    client, make_member, real_codes
):
    outsider = PersonFactory()
    client.force_login(make_member(Role.TRAINER))

    response = client.post(
        reverse("referentials:analyse"),
        {
            "text": JOB_AD,
            "scheme": "rome",
            "add": "1",
            "person": outsider.pk,
            "skills": ["rome:481442"],
        },
    )

    assert response.status_code == 200
    assert "You may not add skills to this person's record." in text(response.content.decode())
    assert not PersonSkill.objects.exists()


def test_analyse_page_with_htmx_redirects_after_adding(client, make_member, real_codes):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=agency))

    response = client.post(
        reverse("referentials:analyse"),
        {"text": JOB_AD, "add": "1", "person": person.pk, "skills": ["rome:481442"]},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Redirect"] == reverse("people:detail", args=[person.pk])


# --- "suggest from text" fragment and the add endpoint -----------------------------------------


def test_suggest_fragment_returns_checkboxes_named_after_the_host_field(
    client, make_member, real_codes
):
    client.force_login(make_member(Role.TRAINER))

    response = client.post(
        reverse("referentials:suggest"),
        {
            "suggest_text": "Préparer les surfaces à souder",
            "suggest_field": "wanted_skills",
            "suggest_kind": "skills",
            "suggest_scheme": "rome",
            "unrelated": "host form field",
        },
    )
    page = response.content.decode()

    assert 'name="wanted_skills"' in page
    assert 'value="rome:481442"' in page
    assert "<html" not in page


def test_suggest_fragment_refuses_a_bad_field_name(client, make_member):
    client.force_login(make_member(Role.TRAINER))

    response = client.post(
        reverse("referentials:suggest"),
        {"suggest_text": "souder", "suggest_field": '"><script>'},
    )

    assert "<script>" not in response.content.decode()
    assert 'class="errorlist"' in response.content.decode()


def test_add_skills_endpoint_adds_and_goes_back_to_the_person(client, make_member, real_codes):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    client.force_login(make_member(Role.TRAINER, organisation=agency))
    next_url = reverse("people:detail", args=[person.pk])

    response = client.post(
        reverse("referentials:add_skills"),
        {"person": person.pk, "skills": ["rome:481442"], "next": next_url},
    )
    again = client.post(
        reverse("referentials:add_skills"),
        {"person": person.pk, "skills": ["rome:481442"], "next": "https://elsewhere.example/"},
    )

    assert response["Location"] == next_url
    assert again["Location"] == next_url  # no outside redirection
    assert PersonSkill.objects.filter(person=person).count() == 1


def test_person_page_embeds_the_suggestions_for_editors(client, make_member):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    client.force_login(make_member(Role.TRAINER, organisation=agency))

    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert reverse("referentials:suggest") in page
    assert reverse("referentials:add_skills") in page


def test_person_page_shows_the_gap_with_the_current_occupation(client, make_member, welder):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, current_occupation=welder)
    PersonSkillFactory(person=person, skill=welder.skill_links.get(skill__code="481442").skill)
    client.force_login(make_member(Role.VIEWER, organisation=agency))

    page = text(client.get(reverse("people:detail", args=[person.pk])).content.decode())

    assert "Compared with the current occupation H2913 Soudeur / Soudeuse" in page
    assert "Essential skills held 50 %" in page
    assert "Add skills found in a text" not in page  # a viewer may not change the record


def test_person_page_compares_with_a_chosen_occupation(client, make_member, welder):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    client.force_login(make_member(Role.VIEWER, organisation=agency))
    url = reverse("people:detail", args=[person.pk])

    by_name = client.get(url, {"metier": "soudeur"}, headers={"HX-Request": "true"})
    unknown = client.get(url, {"metier": "astronaute"})

    assert by_name.content.decode().lstrip().startswith('<div id="gap"')
    assert "Compared with H2913 Soudeur / Soudeuse" in text(by_name.content.decode())
    assert "Essential skills held 0 %" in text(by_name.content.decode())
    assert "No occupation matches “astronaute”." in text(unknown.content.decode())


def test_navigation_links_to_the_referentials_and_frameworks(client):
    page = client.get(reverse("referentials:search")).content.decode()

    assert f'href="{reverse("referentials:search")}"' in page
    assert f'href="{reverse("frameworks:list")}"' in page
    assert f'href="{reverse("referentials:analyse")}"' in page
