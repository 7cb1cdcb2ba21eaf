"""offer.write_offer: checks, organisations, upserts, and the whole-file refusal policy."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from fabrique.accounts.enums import OrganisationKind
from fabrique.accounts.models import AuditEvent, Organisation
from fabrique.trainings.models import Session, Training
from fabrique.trainings.offer import write_offer
from fabrique.trainings.records import OrganisationRecord, Origin, SessionRecord, TrainingRecord
from tests.factories import (
    CertificationFactory,
    CommuneFactory,
    FormacodeFactory,
    OccupationFactory,
    OrganisationFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CENTRE = OrganisationRecord(name="AFPI Lorraine", siret="77567417900031")


def session(code="S1", **fields):
    values = {
        "start": dt.date(2027, 9, 6),
        "end": dt.date(2028, 6, 30),
        "code": code,
        "action_code": "A1",
        "place_name": "Plateau technique",
        "postcode": "57600",
        "city": "Forbach",
        "insee_code": "57227",
        "latitude": 49.19,
        "longitude": 6.9,
        "capacity": 12,
        "origin": Origin(f"formation[1]/action[1]/session[{code}]", 40),
    }
    return SessionRecord(**(values | fields))


def training(code="F1", sessions=None, **fields):
    values = {
        "organisation": CENTRE,
        "title": f"Maintenance des systèmes automatisés {code}",
        "code": code,
        "hours": 420,
        "price": Decimal("4200"),
        "audiences": ("job_seekers",),
        "fundings": ("region",),
        "sessions": (session(),) if sessions is None else sessions,
        "origin": Origin(f"formation[{code}]", 3),
    }
    return TrainingRecord(**(values | fields))


def counts(report):
    return {kind: (c.created, c.updated, c.unchanged) for kind, c in report.counts.items()}


def test_write_offer_dry_run_reports_and_writes_nothing():
    report = write_offer(records=[training()], by=None, wet_run=False)

    assert counts(report) == {
        "organisations": (1, 0, 0),
        "trainings": (1, 0, 0),
        "sessions": (1, 0, 0),
    }
    assert not report.written
    assert (Organisation.objects.count(), Training.objects.count()) == (0, 0)


def test_write_offer_wet_run_creates_the_organisation_training_and_sessions():
    user = UserFactory()
    commune = CommuneFactory(insee_code="57227")

    report = write_offer(
        records=[training(sessions=(session("S1"), session("S2", start=dt.date(2028, 1, 3))))],
        by=user,
        wet_run=True,
    )

    assert report.written
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.siret, organisation.kind) == (
        "AFPI Lorraine",
        "77567417900031",
        OrganisationKind.TRAINING_CENTRE,
    )
    assert report.created_organisations == ["AFPI Lorraine (SIRET 77567417900031)"]
    saved = Training.objects.get()
    assert (saved.organisation, saved.code, saved.hours, saved.price) == (
        organisation,
        "F1",
        420,
        Decimal("4200.00"),
    )
    assert list(saved.audiences.values_list("audience", flat=True)) == ["job_seekers"]
    assert list(saved.fundings.values_list("funding", flat=True)) == ["region"]
    assert list(saved.sessions.values_list("code", "commune", "capacity")) == [
        ("S1", commune.pk, 12),
        ("S2", commune.pk, 12),
    ]
    event = AuditEvent.objects.get(model="trainings.offer")
    assert event.actor == user


def test_write_offer_twice_changes_nothing_the_second_time():
    write_offer(records=[training()], by=None, wet_run=True)

    report = write_offer(records=[training()], by=None, wet_run=True)

    assert counts(report) == {
        "organisations": (0, 0, 1),
        "trainings": (0, 0, 1),
        "sessions": (0, 0, 1),
    }
    assert (Training.objects.count(), Session.objects.count()) == (1, 1)


def test_write_offer_updates_changed_trainings_and_sessions_in_place():
    write_offer(records=[training()], by=None, wet_run=True)
    first_id = Training.objects.get().pk
    changed = training(
        title="Nouveau titre",
        fundings=("region", "opco"),
        sessions=(session(capacity=20), session("S2")),
    )

    report = write_offer(records=[changed], by=None, wet_run=True)

    assert counts(report)["trainings"] == (0, 1, 0)
    assert counts(report)["sessions"] == (1, 1, 0)
    saved = Training.objects.get()
    assert (saved.pk, saved.title) == (first_id, "Nouveau titre")
    assert sorted(saved.fundings.values_list("funding", flat=True)) == ["opco", "region"]
    assert list(saved.sessions.order_by("code").values_list("code", "capacity")) == [
        ("S1", 20),
        ("S2", 12),
    ]


def test_write_offer_keys_a_session_without_code_on_action_and_start():
    record = training(sessions=(session(code=""),))
    write_offer(records=[record], by=None, wet_run=True)

    report = write_offer(records=[record], by=None, wet_run=True)

    assert counts(report)["sessions"] == (0, 0, 1)
    assert Session.objects.count() == 1


def test_write_offer_finds_the_organisation_by_siret_then_by_name():
    by_siret = OrganisationFactory(name="AFPI (ancien nom)", siret="77567417900031")
    by_name = OrganisationFactory(name="Lycée Jean-Moulin")
    records = [
        training("F1"),
        training("F2", organisation=OrganisationRecord(name="lycée jean-moulin")),
    ]

    report = write_offer(records=records, by=None, wet_run=True)

    assert counts(report)["organisations"] == (0, 0, 2)
    assert Training.objects.get(code="F1").organisation == by_siret
    assert Training.objects.get(code="F2").organisation == by_name


def test_write_offer_puts_every_record_under_the_chosen_organisation():
    chosen = OrganisationFactory(name="Campus des métiers", siret="")

    report = write_offer(records=[training()], by=None, wet_run=True, organisation=chosen)

    assert Training.objects.get().organisation == chosen
    assert Organisation.objects.count() == 1
    assert [str(w) for w in report.warnings] == [
        "formation[F1], line 3: the file names the organisation “AFPI Lorraine”: "
        "imported for Campus des métiers, as chosen"
    ]


def test_write_offer_links_known_codes_and_warns_about_unknown_ones():
    certification = CertificationFactory(code="RNCP35347")
    formacode = FormacodeFactory(code="31815")
    occupation = OccupationFactory(code="I1304")
    record = training(
        certification_code="RNCP35347",
        formacodes=("31815", "99999"),
        rome_codes=("I1304",),
        nsf_codes=("250",),
    )

    report = write_offer(records=[record], by=None, wet_run=True)

    saved = Training.objects.get()
    assert saved.certification == certification
    assert list(saved.formacodes.all()) == [formacode]
    assert list(saved.occupations.all()) == [occupation]
    assert [p.message for p in report.warnings if "unknown" in p.message] == [
        "unknown Formacode 99999: imported without it (import the référentiel first to link it)",
        "unknown NSF speciality 250: imported without it (import the référentiel first to link it)",
    ]
    assert report.written


@pytest.mark.parametrize(
    ("bad_session", "message"),
    [
        (
            {"end": dt.date(2027, 1, 1)},
            "the session ends (2027-01-01) before it starts (2027-09-06)",
        ),
        ({"capacity": -5}, "the number of places (-5) is not a count of seats"),
        ({"latitude": 91.0}, "the latitude 91.0 is outside −90…90"),
        ({"longitude": -181.0}, "the longitude -181.0 is outside −180…180"),
        ({"latitude": None}, "a place needs both a latitude and a longitude"),
        ({"postcode": "1" * 11}, "the postcode is longer than 10 characters"),
    ],
)
def test_write_offer_refuses_the_whole_offer_when_one_session_is_wrong(bad_session, message):
    good = training("F1")
    bad = training("F2", sessions=(session("S9", **bad_session),))

    report = write_offer(records=[good, bad], by=None, wet_run=True)

    assert report.refused
    assert [str(problem) for problem in report.errors] == [
        f"formation[1]/action[1]/session[S9], line 40: {message}"
    ]
    assert not report.written
    assert (Organisation.objects.count(), Training.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "the training has no title"),
        ({"price": Decimal("-1")}, "the price (-1) is not an amount between 0 and 99999999.99"),
        ({"hours": -3}, "the number of hours (-3) is not a duration"),
        (
            {"organisation": OrganisationRecord(name="X", siret="123")},
            "the SIRET “123” is not 14 digits",
        ),
        ({"level": "NIV9"}, "unknown level “NIV9”"),
    ],
)
def test_write_offer_refuses_a_training_with_wrong_facts(fields, message):
    report = write_offer(records=[training(**fields)], by=None, wet_run=True)

    assert [problem.message for problem in report.errors] == [message]
    assert Training.objects.count() == 0


def test_write_offer_refuses_the_same_session_twice():
    twice = training(sessions=(session("S1"), replace(session("S1"), origin=Origin("s", 9))))

    report = write_offer(records=[twice], by=None, wet_run=False)

    assert [str(problem) for problem in report.errors] == [
        "s, line 9: the same session appears twice "
        "(also at formation[1]/action[1]/session[S1], line 40)"
    ]


def test_write_offer_refuses_the_same_training_twice():
    again = replace(training(), origin=Origin("formation[2]", 90))

    report = write_offer(records=[training(), again], by=None, wet_run=False)

    assert [str(problem) for problem in report.errors] == [
        "formation[2], line 90: the same training appears twice (also at formation[F1], line 3)"
    ]


def test_write_offer_refuses_a_capacity_below_the_seats_already_taken():
    organisation = OrganisationFactory(siret="77567417900031")
    existing = TrainingFactory(organisation=organisation, code="F1")
    SessionFactory(training=existing, code="S1", capacity=10, seats_taken=8)

    report = write_offer(records=[training(sessions=(session(capacity=5),))], by=None, wet_run=True)

    assert [problem.message for problem in report.errors] == [
        "5 places is fewer than the 8 seats already taken in this session"
    ]
    assert Session.objects.get().capacity == 10


def test_write_offer_leaves_out_an_invalid_email_and_web_page_with_a_warning():
    record = training(contact_email="not-an-email", url="www.example.org/msa")

    report = write_offer(records=[record], by=None, wet_run=True)

    saved = Training.objects.get()
    assert (saved.contact_email, saved.url) == ("", "https://www.example.org/msa")
    assert "the e-mail address “not-an-email” is not valid: left out" in [
        p.message for p in report.warnings
    ]


def test_write_offer_refuses_an_empty_offer():
    report = write_offer(records=[], by=None, wet_run=True)

    assert [problem.message for problem in report.errors] == ["there is no training to import"]
