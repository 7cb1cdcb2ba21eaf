import pytest
from django.urls import reverse

from fabrique.accounts.enums import OrganisationKind, Role
from fabrique.accounts.models import AuditEvent, Organisation
from fabrique.people.enums import PersonStatus
from fabrique.territories.models import IndustrialTerritory
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    """A territory of two EPCI and three communes, with two organisations."""
    forbach = EPCIFactory(name="CA de Forbach Porte de France", siren="245700372")
    avold = EPCIFactory(name="CA Saint-Avold Synergie", siren="200067502", population=51750)
    CommuneFactory(insee_code="57227", name="Forbach", epci=forbach, population=20493)
    CommuneFactory(
        insee_code="57058",
        name="Behren-lès-Forbach",
        epci=forbach,
        population=6166,
        latitude=49.1652,
        longitude=6.9485,
    )
    avold_commune = CommuneFactory(
        insee_code="57606",
        name="Saint-Avold",
        epci=avold,
        population=15000,
        latitude=49.104,
        longitude=6.707,
    )
    CommuneFactory(insee_code="57463", name="Metz", epci=EPCIFactory(name="Eurométropole"))
    territory = IndustrialTerritoryFactory(
        code="moselle-est",
        name="Moselle-Est industrielle",
        description="Chimie, automobile, énergie.",
        epcis=[forbach, avold],
    )
    OrganisationFactory(name="Lycée Blaise Pascal", commune=avold_commune)
    OrganisationFactory(
        name="Usine Forbach", commune=forbach.communes.get(insee_code="57227"), company=True
    )
    return territory


def test_territory_list_shows_epci_communes_and_population(client, territory):
    IndustrialTerritoryFactory(name="Vallée de la Fensch")

    page = client.get(reverse("territories:list")).content.decode()

    assert ["Moselle-Est industrielle", "2", "3", "41659"] in rows(page)
    assert ["Vallée de la Fensch", "0", "0", "0"] in rows(page)
    assert "2 territories" in text(page)


def test_territory_list_search_answers_htmx_with_the_results_only(client, territory):
    IndustrialTerritoryFactory(name="Vallée de la Fensch")

    response = client.get(
        reverse("territories:list"), {"q": "fensch"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="results"')
    assert "Vallée de la Fensch" in page
    assert "Moselle-Est" not in page
    assert "<html" not in page


def test_territory_list_offers_creation_to_coordinators_only(client, make_member):
    url = reverse("territories:create")
    assert url not in client.get(reverse("territories:list")).content.decode()

    client.force_login(make_member(Role.COORDINATOR))

    assert url in client.get(reverse("territories:list")).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_territory_list_queries_do_not_grow_with_territories(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        IndustrialTerritoryFactory(epcis=[CommuneFactory().epci])

    with django_assert_num_queries(2):
        response = client.get(reverse("territories:list"))

    assert len(rows(response.content.decode())) == count + 1


def test_territory_detail_shows_key_figures_epci_and_organisations(client, territory):
    page = client.get(territory.get_absolute_url()).content.decode()
    content = text(page)
    table = rows(page)

    assert "Moselle-Est industrielle" in content
    assert "Chimie, automobile, énergie." in content
    assert "Population 41659" in content
    assert "Communes 3" in content
    assert "EPCI 2" in content
    assert "Organisations 2" in content
    assert "Training centre: 1" in content
    assert "Company: 1" in content
    assert ["CA Saint-Avold Synergie", "200067502", "Communauté de communes", "1", "51750"] in table
    assert ["Forbach", "57227", "", "CA de Forbach Porte de France", "20493"] in table
    assert "Metz" not in content
    assert "People followed" not in content


def test_territory_detail_links_organisations_to_their_pages(client, territory):
    coordinator = OrganisationFactory(name="Agence de développement")
    territory.coordinating_organisations.add(coordinator)
    organisations = list(
        Organisation.objects.filter(commune__epci__industrial_territories=territory)
    )

    page = client.get(territory.get_absolute_url()).content.decode()

    assert len(organisations) == 2
    for organisation in [*organisations, coordinator]:
        assert f'href="{organisation.get_absolute_url()}"' in page


def test_territory_detail_draws_communes_and_organisations_on_a_map(client, territory):
    page = client.get(territory.get_absolute_url()).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]

    assert 'role="img"' in svg
    assert '<title id="map-title">Map of Moselle-Est industrielle</title>' in svg
    assert svg.count("<circle") == 3
    assert svg.count('<rect class="org"') == 2
    assert "<title>Saint-Avold (57606)</title>" in svg
    assert "<title>Lycée Blaise Pascal</title>" in svg
    assert "," not in svg.split('viewBox="')[1].split('"')[0]


def test_territory_detail_shows_people_figures_to_its_coordinators(client, make_member, territory):
    coordinator = make_member(Role.COORDINATOR)
    territory.coordinating_organisations.add(coordinator.memberships.get().organisation)
    commune = territory.epcis.get(siren="245700372").communes.get(insee_code="57227")
    PersonFactory(commune=commune, status=PersonStatus.JOB_SEEKER)
    PersonFactory(commune=commune, status=PersonStatus.JOB_SEEKER)
    PersonFactory(commune=commune, status=PersonStatus.STUDENT)
    client.force_login(coordinator)

    content = text(client.get(territory.get_absolute_url()).content.decode())

    assert "People followed 3" in content
    assert "Job seeker: 2" in content
    assert "Student: 1" in content
    assert "Edit this territory" in content


def test_territory_detail_searches_communes_with_htmx(client, territory):
    response = client.get(
        territory.get_absolute_url(), {"q": "forbach"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="communes"')
    assert [row[0] for row in rows(page)[1:]] == ["Behren-lès-Forbach", "Forbach"]
    assert "<html" not in page


def test_territory_detail_paginates_communes(client):
    epci = EPCIFactory()
    for number in range(30):
        CommuneFactory(insee_code=f"57{number:03d}", name=f"Commune {number:02d}", epci=epci)
    territory = IndustrialTerritoryFactory(epcis=[epci])

    page = client.get(territory.get_absolute_url(), {"page": 2}).content.decode()

    assert "30 communes" in text(page)
    assert "Page 2 of 2" in text(page)
    assert [row[0] for row in rows(page) if row and row[0].startswith("Commune ")] == [
        f"Commune {n}" for n in range(25, 30)
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_territory_detail_queries_do_not_grow_with_organisations(
    client, django_assert_num_queries, count
):
    epci = EPCIFactory()
    territory = IndustrialTerritoryFactory(epcis=[epci])
    for number in range(count):
        commune = CommuneFactory(insee_code=f"57{number:03d}", epci=epci)
        OrganisationFactory(commune=commune, kind=OrganisationKind.COMPANY)

    with django_assert_num_queries(10):
        client.get(territory.get_absolute_url())


def test_territory_detail_of_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("territories:detail", kwargs={"code": "nulle-part"}))

    assert response.status_code == 404
    assert "No industrial territory has the code “nulle-part”." in response.content.decode()


# --- creating and editing -----------------------------------------------------------------------


def test_territory_create_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("territories:create"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ORGANISATION_ADMIN, Role.TRAINER])
def test_territory_create_is_forbidden_to_non_coordinators(client, make_member, role):
    epci = EPCIFactory()
    client.force_login(make_member(role))

    shown = client.get(reverse("territories:create"))
    posted = client.post(
        reverse("territories:create"), {"code": "x", "name": "X", "epcis": [epci.siren]}
    )

    assert shown.status_code == 403
    assert posted.status_code == 403
    assert not IndustrialTerritory.objects.exists()


def test_territory_create_by_a_coordinator_saves_and_audits(client, make_member):
    coordinator = make_member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    forbach, avold = EPCIFactory(siren="245700372"), EPCIFactory(siren="200067502")
    client.force_login(coordinator)

    form = client.get(reverse("territories:create")).content.decode()
    response = client.post(
        reverse("territories:create"),
        {
            "code": "moselle-est",
            "name": "Moselle-Est",
            "description": "Chimie et énergie",
            "epcis": [forbach.siren, avold.siren],
            "coordinators": [organisation.slug],
        },
    )

    territory = IndustrialTerritory.objects.get(code="moselle-est")
    assert f'<option value="{organisation.slug}" selected>' in form
    assert response.status_code == 302
    assert response["Location"] == territory.get_absolute_url()
    assert set(territory.epcis.values_list("siren", flat=True)) == {"245700372", "200067502"}
    assert list(territory.coordinating_organisations.all()) == [organisation]
    assert territory.created_by == coordinator
    created = AuditEvent.objects.get(model="territories.industrialterritory", action="create")
    assert created.actor == coordinator
    assert created.after["name"] == "Moselle-Est"
    linked = AuditEvent.objects.get(model="territories.industrialterritory", action="update")
    assert linked.after["epcis"] == ["200067502", "245700372"]


def test_territory_create_shows_errors_and_keeps_the_choices(client, make_member):
    coordinator = make_member(Role.COORDINATOR)
    epci = EPCIFactory(siren="245700372", name="CA de Forbach Porte de France")
    client.force_login(coordinator)

    response = client.post(
        reverse("territories:create"),
        {"code": "nouveau", "name": "Moselle", "epcis": [epci.siren, "999999999"]},
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "No EPCI has the SIREN 999999999." in page
    assert 'value="245700372" checked' in page
    assert not IndustrialTerritory.objects.exists()


def test_territory_create_refuses_a_reserved_code(client, make_member):
    coordinator = make_member(Role.COORDINATOR)
    epci = EPCIFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("territories:create"),
        {
            "code": "nouveau",
            "name": "Moselle",
            "epcis": [epci.siren],
            "coordinators": [coordinator.memberships.get().organisation.slug],
        },
    )

    assert "“nouveau” is reserved; choose another code." in response.content.decode()
    assert not IndustrialTerritory.objects.exists()


def test_territory_form_finds_epci_without_javascript(client, make_member):
    client.force_login(make_member(Role.COORDINATOR))
    EPCIFactory(siren="245700372", name="CA de Forbach Porte de France")
    EPCIFactory(name="Metz Métropole")

    response = client.post(
        reverse("territories:create"),
        {"code": "x", "name": "X", "epci_query": "forbach", "find_epci": "1"},
    )
    page = response.content.decode()

    assert 'name="epcis" value="245700372">' in page
    assert "Metz Métropole" not in page
    assert not IndustrialTerritory.objects.exists()


def test_epci_search_fragment_keeps_ticked_results_and_skips_chosen_ones(client):
    EPCIFactory(siren="245700372", name="CA de Forbach Porte de France")
    EPCIFactory(siren="200067502", name="CA Saint-Avold Synergie")
    EPCIFactory(siren="200039949", name="CC du District Urbain de Faulquemont")
    EPCIFactory(siren="200068120", name="CA du Val de Fensch")

    page = client.get(
        reverse("territories:epci_search"),
        {"epci_query": "ca ", "epcis": ["200039949"], "selected": "200067502 "},
        headers={"HX-Request": "true"},
    ).content.decode()
    by_siren = client.get(
        reverse("territories:epci_search"), {"epci_query": "2000399"}
    ).content.decode()

    assert page.lstrip().startswith('<div id="epci-results"')
    assert 'value="200039949" checked' in page
    assert 'value="245700372">' in page
    assert 'value="200068120">' in page
    assert "Saint-Avold" not in page
    assert "Faulquemont" in by_siren
    assert "Forbach" not in by_siren


def test_territory_edit_is_forbidden_to_coordinators_of_other_territories(
    client, make_member, territory
):
    client.force_login(make_member(Role.COORDINATOR))

    shown = client.get(reverse("territories:edit", kwargs={"code": territory.code}))
    posted = client.post(
        reverse("territories:edit", kwargs={"code": territory.code}),
        {"name": "Renamed", "epcis": ["245700372"]},
    )

    assert shown.status_code == 403
    assert posted.status_code == 403
    territory.refresh_from_db()
    assert territory.name == "Moselle-Est industrielle"


def test_territory_edit_by_its_coordinator_saves_and_audits(client, make_member, territory):
    coordinator = make_member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    territory.coordinating_organisations.add(organisation)
    client.force_login(coordinator)

    form = client.get(reverse("territories:edit", kwargs={"code": territory.code}))
    response = client.post(
        reverse("territories:edit", kwargs={"code": territory.code}),
        {
            "name": "Moselle-Est",
            "description": "",
            "epcis": ["245700372"],
            "coordinators": [organisation.slug],
        },
    )

    territory.refresh_from_db()
    assert 'value="200067502" checked' in form.content.decode()
    assert response.status_code == 302
    assert territory.name == "Moselle-Est"
    assert list(territory.epcis.values_list("siren", flat=True)) == ["245700372"]
    renamed = AuditEvent.objects.filter(
        model="territories.industrialterritory", action="update", actor=coordinator
    )
    assert any(event.after.get("name") == "Moselle-Est" for event in renamed)
    assert any(event.after.get("epcis") == ["245700372"] for event in renamed)


def test_territory_edit_of_an_unknown_code_is_404(client, make_member):
    client.force_login(make_member(Role.COORDINATOR))

    response = client.get(reverse("territories:edit", kwargs={"code": "nulle-part"}))

    assert response.status_code == 404


# --- communes -----------------------------------------------------------------------------------


def test_commune_search_finds_by_name_without_accents_and_by_postal_code(client, territory):
    by_name = client.get(reverse("territories:communes"), {"q": "behren les"}).content.decode()
    by_code = client.get(reverse("territories:communes"), {"q": "57227"}).content.decode()

    assert [row[0] for row in rows(by_name)[1:]] == ["Behren-lès-Forbach"]
    assert [row[0] for row in rows(by_code)[1:]] == ["Forbach"]


def test_commune_detail_shows_where_it_belongs(client, territory):
    page = client.get(reverse("territories:commune", kwargs={"insee_code": "57227"}))
    content = text(page.content.decode())

    assert "Forbach" in content
    assert "EPCI CA de Forbach Porte de France (245700372)" in content
    assert "Moselle-Est industrielle" in content
    assert "Usine Forbach" in content


def test_commune_detail_of_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("territories:commune", kwargs={"insee_code": "99999"}))

    assert response.status_code == 404
    assert "No commune has the INSEE code “99999”." in response.content.decode()


def test_pages_ignore_nul_characters_in_searches(client, territory):
    answers = [
        client.get(reverse("territories:list"), {"q": "a\x00b"}),
        client.get(territory.get_absolute_url(), {"q": "\x00"}),
        client.get(reverse("territories:communes"), {"q": "\x00forbach"}),
        client.get(reverse("territories:epci_search"), {"epci_query": "\x00", "epcis": ["\x00"]}),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
