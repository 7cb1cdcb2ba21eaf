import pytest

from fabrique.accounts.enums import OrganisationKind
from fabrique.people.enums import PersonStatus
from fabrique.territories import queries
from fabrique.territories.models import EPCI, Commune, IndustrialTerritory
from fabrique.territories.querysets import search_key
from tests.factories import (
    BassinEmploiFactory,
    CommuneFactory,
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    PersonFactory,
    ZoneEmploiFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    inside, also_inside, outside = EPCIFactory(), EPCIFactory(), EPCIFactory()
    zone, other_zone = ZoneEmploiFactory(code="4408"), ZoneEmploiFactory(code="4416", name="Metz")
    bassin = BassinEmploiFactory()
    a = CommuneFactory(
        insee_code="57001", epci=inside, population=1000, zone_emploi=zone, bassin=bassin
    )
    b = CommuneFactory(
        insee_code="57002", epci=also_inside, population=500, zone_emploi=other_zone, bassin=bassin
    )
    CommuneFactory(insee_code="57003", epci=inside, population=7000, obsolete=True)
    c = CommuneFactory(insee_code="57004", epci=outside, population=90000)
    OrganisationFactory(commune=a)
    OrganisationFactory(commune=b, kind=OrganisationKind.COMPANY)
    OrganisationFactory(commune=b, kind=OrganisationKind.COMPANY)
    OrganisationFactory(commune=c)
    PersonFactory(commune=a, status=PersonStatus.JOB_SEEKER)
    PersonFactory(commune=b, status=PersonStatus.STUDENT)
    PersonFactory(commune=b, status=PersonStatus.STUDENT, anonymised_at="2026-01-01T00:00Z")
    PersonFactory(commune=c)
    return IndustrialTerritoryFactory(epcis=[inside, also_inside])


def test_communes_of_territory_are_the_current_communes_of_its_epci(territory):
    codes = set(queries.communes_of(territory).values_list("insee_code", flat=True))

    assert codes == {"57001", "57002"}


def test_organisations_and_people_in_territory(territory):
    assert queries.organisations_in(territory).count() == 3
    assert queries.people_in(territory).count() == 2


def test_territory_figures_in_four_queries(territory, django_assert_num_queries):
    with django_assert_num_queries(4):
        figures = queries.territory_figures(territory)

    assert figures == {
        "population": 1500,
        "communes": 2,
        "epci": 2,
        "zones_emploi": 2,
        "bassins": 1,
        "organisations": 3,
        "organisations_by_kind": {"company": 2, "training_centre": 1},
        "people": 2,
        "people_by_status": {"job_seeker": 1, "student": 1},
    }


def test_territory_figures_without_people_in_three_queries(territory, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures = queries.territory_figures(territory, include_people=False)

    assert figures["people"] is None
    assert figures["people_by_status"] is None


def test_territory_figures_of_an_empty_territory_are_zero():
    figures = queries.territory_figures(IndustrialTerritoryFactory())

    assert (figures["population"], figures["communes"], figures["epci"]) == (0, 0, 0)


def test_with_figures_annotates_each_territory(territory):
    empty = IndustrialTerritoryFactory()

    annotated = {t.pk: t for t in IndustrialTerritory.objects.with_figures()}

    assert (annotated[territory.pk].epci_count, annotated[territory.pk].commune_count) == (2, 2)
    assert annotated[territory.pk].population == 1500
    assert (annotated[empty.pk].epci_count, annotated[empty.pk].population) == (0, None)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Avold", "saint avold"),
        ("Behren-lès-Forbach", "behren les forbach"),
        ("L'Hôpital", "l hopital"),
        ("Cœuvres-et-Valsery", "coeuvres et valsery"),
    ],
)
def test_search_key_ignores_case_accents_and_punctuation(name, key):
    assert search_key(name) == key


def test_commune_search_by_name_code_and_postal_code():
    CommuneFactory(insee_code="57606", name="Saint-Avold", postal_codes="57500")
    CommuneFactory(insee_code="57227", name="Forbach", postal_codes="57600")

    assert list(Commune.objects.search("st avold").values_list("name", flat=True)) == []
    assert list(Commune.objects.search("saint avold").values_list("name", flat=True)) == [
        "Saint-Avold"
    ]
    assert list(Commune.objects.search("SAINT-AVOLD").values_list("name", flat=True)) == [
        "Saint-Avold"
    ]
    assert list(Commune.objects.search("57600").values_list("name", flat=True)) == ["Forbach"]
    assert list(Commune.objects.search("57500").values_list("name", flat=True)) == ["Saint-Avold"]
    assert Commune.objects.search("\x00").count() == 2


def test_epci_search_by_name_and_siren():
    EPCIFactory(siren="245700372", name="CA de Forbach Porte de France")
    EPCIFactory(siren="200067502", name="CA Saint-Avold Synergie")

    assert list(EPCI.objects.search("forbach porte").values_list("siren", flat=True)) == [
        "245700372"
    ]
    assert list(EPCI.objects.search("2000675").values_list("siren", flat=True)) == ["200067502"]
