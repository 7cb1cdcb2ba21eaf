"""Every référentiel shipped with Fabrique, imported once for the module in the order their
links need (NAF, Formacode, ROME, ESCO, RNCP), then checked. ROME is imported twice in
test_rome_loading.py; benchmarks/bench_referentials_import.py imports everything twice."""

import pytest
from django.db import connection

from fabrique.core.models import DataSource
from fabrique.referentials.importers import ORDER, import_referentials
from fabrique.referentials.models import (
    Certification,
    CertificationBloc,
    Certifier,
    NafActivity,
    NsfDomain,
    Occupation,
    OccupationSkill,
    Scheme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reports(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        reports = {report.name: report for report in import_referentials(wet_run=True)}
        connection.check_constraints()  # now, rather than after every test (PostgreSQL)
    return reports


def test_shipped_sources_are_recorded_with_their_versions(reports):
    versions = dict(DataSource.objects.filter(name__in=ORDER).values_list("name", "version"))

    assert versions == {
        "naf": "rev2",
        "formacode": "2026-02-01",
        "rome": "v460",
        "esco": "v1.1.1",
        "rncp": "2026-02-01",
    }
    assert all(report.wet_run for report in reports.values())


def test_shipped_esco_occupations_skills_and_relations(reports):
    esco = reports["esco"]
    welder = Occupation.objects.get(scheme=Scheme.ESCO, source_code="7212.3")

    assert esco.count("occupations").created == 3007
    assert esco.count("skills").created == 13896 + 640
    assert esco.count("ISCO groups").created == 619
    # 67 relations point at an occupation that is not in occupations_en.csv
    assert esco.count("occupation skills").created == 123855 - 67
    assert (welder.label, welder.label_en) == ("soudeur/soudeuse", "welder")
    assert OccupationSkill.objects.filter(occupation=welder, essential=True).count() > 10
    assert DataSource.objects.get(name="esco").counts["languages"] == ["en", "fr"]


def test_shipped_rome_fiches_are_linked_to_naf_divisions(reports):
    machining = NafActivity.objects.get(code="25")

    assert reports["rome"].count("NAF division fiches").created == 2920
    assert "H2903" in set(machining.occupations.values_list("code", flat=True))
    assert reports["naf"].count("NAF activities").created == 1728


def test_shipped_rncp_certifications_and_their_links(reports):
    rncp = reports["rncp"]
    fiche = Certification.objects.get(code="RNCP183")

    assert rncp.count("certifications").created == 29387
    assert rncp.count("blocs").created == 25805
    assert rncp.count("NSF specialities").created == 458
    assert rncp.count("certifiers").created == 3403
    assert rncp.count("ROME links").created == 60518 - 77
    assert rncp.count("Formacode links").created == 32506
    assert "77 rows point at 44 unknown codes" in rncp.problems[1]
    assert list(fiche.occupations.values_list("code", flat=True)) == ["I1306"]
    assert not Certifier.objects.filter(siret__startswith="\t").exists()
    assert NsfDomain.objects.get(code="227r").label == "Contrôle qualité des services énergétiques"
    assert not CertificationBloc.objects.filter(label__contains="''").exists()


def test_shipped_rncp_imported_again_changes_nothing(reports):
    again = import_referentials(wet_run=False, names=["rncp"])

    changed = {
        (report.name, label): counts
        for report in again
        for label, counts in report.counts.items()
        if counts.created or counts.updated or counts.obsolete
    }
    assert changed == {}
