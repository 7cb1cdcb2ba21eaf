"""Imports of the same people at the same time, on PostgreSQL, each on its own database
connection: the external identifier stays unique per organisation, and an import that loses
the race writes nothing and says to try again."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from fabrique.accounts.models import Organisation
from fabrique.people import actions, spreadsheets
from fabrique.people.models import Person, PersonSkill
from tests.factories import OrganisationFactory, PersonFactory, SkillFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

IMPORTS = 6
CSV = (
    "identifiant_externe;nom;prenom;statut;competences\r\n"
    "FT-001;Schneider;Léa;demandeur d'emploi;100122\r\n"
    "FT-002;Weber;Karim;salarié;100122\r\n"
).encode()


def _run_together(work, count):
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):
                result = work()
            with lock:
                results.append(result)
        except BaseException as error:  # reported by the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an import never finished"
    return results, errors


def test_concurrent_imports_of_the_same_file_create_each_person_once(on_postgres):
    agency = OrganisationFactory(employment_service=True)
    SkillFactory(code="100122")
    records = spreadsheets.read(CSV, name="lot.csv")

    def work():
        return actions.import_people(
            records=records,
            organisation=Organisation.objects.get(pk=agency.pk),
            by=None,
            wet_run=True,
        )

    results, errors = _run_together(work, IMPORTS)

    assert errors == []
    assert sorted(Person.objects.values_list("external_id", flat=True)) == ["FT-001", "FT-002"]
    assert PersonSkill.objects.count() == 2
    written = [result for result in results if result.written]
    assert sum(result.counts["people"].created for result in written) == 2
    for result in results:
        if not result.written:
            assert [str(problem) for problem in result.problems] == [
                "Another import wrote these people at the same time: try again."
            ]


def test_concurrent_updates_of_one_person_add_each_skill_once(on_postgres):
    agency = OrganisationFactory(employment_service=True)
    SkillFactory(code="100122")
    PersonFactory(organisation=agency, external_id="FT-001")
    PersonFactory(organisation=agency, external_id="FT-002")
    records = spreadsheets.read(CSV, name="lot.csv")

    def work():
        return actions.import_people(
            records=records,
            organisation=Organisation.objects.get(pk=agency.pk),
            by=None,
            wet_run=True,
        )

    results, errors = _run_together(work, IMPORTS)

    assert errors == []
    assert all(result.written for result in results)
    assert PersonSkill.objects.count() == 2
    assert sum(result.counts["people"].updated for result in results) == 2
