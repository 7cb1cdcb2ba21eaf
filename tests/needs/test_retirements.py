"""Expected retirements of a workforce snapshot beside the declared hiring needs, and the
workforce pages."""

import datetime as dt

import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.engine.retirements import BANDS
from fabrique.needs.enums import AgeBand
from fabrique.needs.retirements import retirement_table, table_csv
from tests.factories import (
    HiringNeedFactory,
    IndustrialProjectFactory,
    OccupationFactory,
    OrganisationFactory,
    UserFactory,
    WorkforceLineFactory,
    WorkforceSnapshotFactory,
)
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db


def test_the_engine_knows_every_age_band_of_the_model():
    assert set(BANDS) == set(AgeBand.values)


@pytest.fixture
def snapshot():
    company = OrganisationFactory(company=True, name="Usinor Forbach", slug="usinor")
    snapshot = WorkforceSnapshotFactory(employer=company, taken_on=dt.date(2026, 3, 1))
    machining = OccupationFactory(code="H2903", label="Usinage")
    WorkforceLineFactory(
        snapshot=snapshot, occupation=machining, age_band=AgeBand.FROM_55, headcount=10
    )
    WorkforceLineFactory(
        snapshot=snapshot, occupation=machining, age_band=AgeBand.FROM_25, headcount=30
    )
    WorkforceLineFactory(
        snapshot=snapshot,
        occupation=OccupationFactory(code="I1304", label="Maintenance"),
        age_band=AgeBand.FROM_60,
        headcount=5,
    )
    project = IndustrialProjectFactory(company=company)
    HiringNeedFactory(project=project, occupation=machining, count=4, needed_by=dt.date(2027, 9, 1))
    HiringNeedFactory(project=project, occupation=machining, count=2, needed_by=dt.date(2027, 1, 1))
    HiringNeedFactory(project=project, occupation=machining, count=7, needed_by=dt.date(2040, 1, 1))
    HiringNeedFactory(
        occupation=machining, count=50, needed_by=dt.date(2027, 1, 1)
    )  # another company
    return snapshot


def test_the_table_spreads_departures_per_occupation_and_year(snapshot):
    table = retirement_table(snapshot, horizon=10)

    assert table.years == list(range(2026, 2036))
    assert [(row.occupation.code, row.headcount) for row in table.rows] == [
        ("H2903", 40),
        ("I1304", 5),
    ]
    machining, maintenance = table.rows
    assert machining.by_year == pytest.approx([0, 0, 0, 2 / 3, 4 / 3, 2, 2, 2, 4 / 3, 2 / 3])
    assert machining.later == 30  # the 25-34 band retires after 2035
    assert maintenance.by_year == pytest.approx([2, 1, 1, 2 / 3, 1 / 3, 0, 0, 0, 0, 0])
    assert table.totals == pytest.approx([2, 1, 1, 4 / 3, 5 / 3, 2, 2, 2, 4 / 3, 2 / 3])
    assert (table.total, table.headcount) == (pytest.approx(15), 45)
    assert table.declared_needs == [0, 6, 0, 0, 0, 0, 0, 0, 0, 0]
    assert table.declared_total == 6


def test_the_table_as_csv(snapshot):
    lines = table_csv(retirement_table(snapshot, horizon=3)).decode("utf-8-sig").splitlines()

    assert lines == [
        "code_metier;metier;effectif;2026;2027;2028;total;apres_2028",
        "H2903;Usinage;40;0,00;0,00;0,00;0,00;40,00",
        "I1304;Maintenance;5;2,00;1,00;1,00;4,00;1,00",
        "total;départs attendus;45;2,00;1,00;1,00;4,00;41,00",
        "besoins;besoins déclarés;;0;6;0;6;",
    ]


# --- pages ----------------------------------------------------------------------------------


def test_the_employer_page_shows_the_latest_snapshot_with_retirements_and_needs(
    client, snapshot, make_member
):
    older = WorkforceSnapshotFactory(employer=snapshot.employer, taken_on=dt.date(2024, 1, 1))
    client.force_login(make_member(Role.VIEWER, snapshot.employer))

    response = client.get(reverse("needs:workforce_employer", args=["usinor"]))

    assert response.context["snapshot"] == snapshot
    page = response.content.decode()
    table = rows(page.split('id="retirements"')[1].split('id="lines-title"')[0])
    assert table[0][:3] == ["Occupation", "Headcount", "2026"]
    assert table[1][:8] == ["H2903 – Usinage", "40", "0.0", "0.0", "0.0", "0.7", "1.3", "2.0"]
    assert table[-2][0] == "Expected departures"
    assert table[-1][:4] == ["Declared hiring needs", "", "0", "6"]
    assert "Latest snapshot, on 01/03/2026." in text(page)
    assert reverse("needs:workforce_snapshot", args=[older.pk]) in page


def test_an_older_snapshot_page_says_a_later_one_exists(client, snapshot, make_member):
    older = WorkforceSnapshotFactory(employer=snapshot.employer, taken_on=dt.date(2024, 1, 1))
    client.force_login(make_member(Role.VIEWER, snapshot.employer))

    response = client.get(reverse("needs:workforce_snapshot", args=[older.pk]))

    assert "Snapshot of 01/01/2024 (a later one exists)." in text(response.content.decode())
    assert response.context["table"].rows == []


def test_the_csv_download(client, snapshot):
    client.force_login(UserFactory(superuser=True))

    response = client.get(reverse("needs:workforce_retirements_csv", args=[snapshot.pk]))

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="departs-retraite-usinor-2026-03-01.csv"'
    )
    assert (
        response.content.decode("utf-8-sig")
        .splitlines()[0]
        .startswith("code_metier;metier;effectif;2026;")
    )


@pytest.mark.parametrize(
    ("who", "visible"),
    [("member", True), ("coordinator", True), ("admin", True), ("stranger", False)],
)
def test_snapshots_are_seen_by_members_coordinators_and_admins_only(
    client, snapshot, make_member, who, visible
):
    if who == "member":
        user = make_member(Role.VIEWER, snapshot.employer)
    elif who == "coordinator":
        consortium = OrganisationFactory(consortium=True)
        consortium.partners.add(snapshot.employer)
        user = make_member(Role.COORDINATOR, consortium)
    elif who == "admin":
        user = UserFactory(superuser=True)
    else:
        user = make_member(Role.COMPANY_CONTACT, OrganisationFactory(company=True))
    client.force_login(user)

    pages = [
        client.get(reverse("needs:workforce_employer", args=["usinor"])),
        client.get(reverse("needs:workforce_snapshot", args=[snapshot.pk])),
        client.get(reverse("needs:workforce_retirements_csv", args=[snapshot.pk])),
    ]
    listed = client.get(reverse("needs:workforce_list")).context["page"].object_list

    assert [page.status_code for page in pages] == [200 if visible else 404] * 3
    assert list(listed) == ([snapshot] if visible else [])


def test_the_list_shows_employers_dates_and_headcounts(client, snapshot):
    client.force_login(UserFactory(superuser=True))

    page = client.get(reverse("needs:workforce_list")).content.decode()

    assert rows(page)[1:] == [
        ["Usinor Forbach", "01/03/2026", "Forbach" if snapshot.commune else "", "45"]
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_snapshots(client, django_assert_num_queries, count):
    for _ in range(count):
        WorkforceLineFactory()
    client.force_login(UserFactory(superuser=True))
    client.get(reverse("needs:workforce_list"))

    # session, user, count, page, the header's unread notifications (a superuser's roles
    # need no query)
    with django_assert_num_queries(5):
        response = client.get(reverse("needs:workforce_list"))

    assert len(response.context["page"]) == count


def test_anonymous_visitors_see_no_workforce(client, snapshot):
    response = client.get(reverse("needs:workforce_snapshot", args=[snapshot.pk]))

    assert response.status_code == 302
