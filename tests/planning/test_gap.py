"""Gap analysis of a territory: figures per occupation and quarter, visibility, pages, exports.

The small world (horizon: the four quarters of 2030):

- territory "bassin-test" = one EPCI with Forbach (49.19, 6.90) and Sarreguemines-ish
  (49.10, 6.70, about 18 km away); Strasbourg (48.58, 7.75) is about 92 km away, outside.
- fiche P (H2903) with a déclinaison X; fiche W (H2502).
- public project A at Forbach: 10 P due in Q1 (firm), 5 X due in Q3 (likely), 50 P in 2031;
- confidential project B at Sarreguemines: 4 P in Q2 (possible), 3 W in Q4 (firm);
- public project C of another territory: 100 P in Q1.
- people: p1 P at Forbach (Q1); p2 past X at Sarreguemines, available 15/04 (Q2); p3 P at
  Strasbourg (out of reach); p4 P anonymised; p5 P available in 2031; p6 W at
  Sarreguemines with a 10 km radius (reaches only B's site).
- seats: 8 free in a Forbach session of a training to P ending in Q1; 5 free in a remote
  training to X ending in Q2; 10 free at Strasbourg ending in Q3 (only within 150 km);
  a cancelled session and an unpublished training, never counted.

Expected for a reader who sees B, every confidence:
  P: needed to date 10, 14, 19, 19; qualified 1, 2, 2, 2; seats 8, 13, 13, 13;
     gap 1, -1, 4, 4.
  W: needed to date 0, 0, 0, 3; qualified 1, 1, 1, 1; gap -1, -1, -1, 2.
For a reader who does not see B: P needed to date 10, 10, 15, 15, gap 1, -5, 0, 0; no W.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from fabrique.accounts.enums import Role
from fabrique.needs.enums import Confidence
from fabrique.planning import gap
from fabrique.planning.forms_gap import default_horizon
from fabrique.referentials.models import Scheme
from fabrique.trainings.enums import SessionStatus
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    HiringNeedFactory,
    IndustrialProjectFactory,
    IndustrialTerritoryFactory,
    MembershipFactory,
    OccupationFactory,
    OccupationSkillFactory,
    OrganisationFactory,
    PersonFactory,
    PersonSkillFactory,
    SessionFactory,
    SkillFactory,
    TrainingFactory,
    UserFactory,
)
from tests.territories.html import rows

pytestmark = pytest.mark.django_db

START, END = dt.date(2030, 1, 1), dt.date(2030, 12, 31)
FORBACH = (49.19, 6.90)
SARREGUEMINES = (49.10, 6.70)
STRASBOURG = (48.58, 7.75)


class World:
    def __init__(self):
        epci = EPCIFactory()
        self.forbach = CommuneFactory(epci=epci, latitude=FORBACH[0], longitude=FORBACH[1])
        self.sarreguemines = CommuneFactory(
            epci=epci, latitude=SARREGUEMINES[0], longitude=SARREGUEMINES[1]
        )
        self.strasbourg = CommuneFactory(
            epci=EPCIFactory(), latitude=STRASBOURG[0], longitude=STRASBOURG[1]
        )
        self.consortium = OrganisationFactory(consortium=True, commune=self.strasbourg)
        self.territory = IndustrialTerritoryFactory(
            code="bassin-test", name="Bassin test", epcis=[epci], coordinators=[self.consortium]
        )
        elsewhere = IndustrialTerritoryFactory(code="ailleurs", epcis=[EPCIFactory()])

        self.p = OccupationFactory(code="H2903", label="Conduite d'équipement d'usinage")
        self.x = OccupationFactory(
            code="H2903-01", label="Déclinaison usinage", parent=self.p, scheme=Scheme.ROME
        )
        self.w = OccupationFactory(code="H2502", label="Management de production")

        self.company = OrganisationFactory(company=True, commune=self.strasbourg)
        a = IndustrialProjectFactory(
            name="Projet public A",
            public=True,
            territory=self.territory,
            commune=self.forbach,
            latitude=FORBACH[0],
            longitude=FORBACH[1],
        )
        HiringNeedFactory(
            project=a,
            occupation=self.p,
            count=10,
            needed_by=dt.date(2030, 2, 15),
            confidence=Confidence.FIRM,
        )
        HiringNeedFactory(
            project=a,
            occupation=self.x,
            count=5,
            needed_by=dt.date(2030, 8, 10),
            confidence=Confidence.LIKELY,
        )
        HiringNeedFactory(project=a, occupation=self.p, count=50, needed_by=dt.date(2031, 3, 1))
        self.b = IndustrialProjectFactory(
            name="Projet secret B",
            company=self.company,
            territory=self.territory,
            commune=self.sarreguemines,
            latitude=SARREGUEMINES[0],
            longitude=SARREGUEMINES[1],
        )
        HiringNeedFactory(
            project=self.b,
            occupation=self.p,
            count=4,
            needed_by=dt.date(2030, 5, 1),
            confidence=Confidence.POSSIBLE,
        )
        HiringNeedFactory(
            project=self.b,
            occupation=self.w,
            count=3,
            needed_by=dt.date(2030, 11, 1),
            confidence=Confidence.FIRM,
        )
        c = IndustrialProjectFactory(name="Projet C", public=True, territory=elsewhere)
        HiringNeedFactory(project=c, occupation=self.p, count=100, needed_by=dt.date(2030, 1, 5))

        PersonFactory(current_occupation=self.p, commune=self.forbach)
        p2 = PersonFactory(commune=self.sarreguemines, available_from=dt.date(2030, 4, 15))
        p2.past_occupations.add(self.x)
        PersonFactory(current_occupation=self.p, commune=self.strasbourg)
        PersonFactory(current_occupation=self.p, commune=self.forbach, anonymised_at=timezone.now())
        PersonFactory(
            current_occupation=self.p, commune=self.forbach, available_from=dt.date(2031, 6, 1)
        )
        PersonFactory(current_occupation=self.w, commune=self.sarreguemines, mobility_radius_km=10)

        to_p = TrainingFactory()
        to_p.occupations.add(self.p)
        self._session(to_p, self.forbach, FORBACH, dt.date(2030, 3, 20), capacity=12, taken=4)
        self._session(to_p, self.strasbourg, STRASBOURG, dt.date(2030, 9, 30), capacity=10)
        self._session(
            to_p, self.forbach, FORBACH, dt.date(2030, 3, 20), status=SessionStatus.CANCELLED
        )
        remote = TrainingFactory(remote=True)
        remote.occupations.add(self.x)
        self._session(remote, self.strasbourg, STRASBOURG, dt.date(2030, 6, 10), capacity=5)
        hidden = TrainingFactory(unpublished=True)
        hidden.occupations.add(self.p)
        self._session(hidden, self.forbach, FORBACH, dt.date(2030, 3, 20))

    @staticmethod
    def _session(training, commune, place, end, *, capacity=10, taken=0, status=None):
        extra = {"status": status} if status else {}
        return SessionFactory(
            training=training,
            commune=commune,
            latitude=place[0],
            longitude=place[1],
            start=end - dt.timedelta(days=60),
            end=end,
            capacity=capacity,
            seats_taken=taken,
            **extra,
        )

    def coordinator(self):
        user = UserFactory()
        MembershipFactory(user=user, organisation=self.consortium, role=Role.COORDINATOR)
        return user

    def local_member(self):
        """A viewer of an organisation located in the territory: reads the analysis, not B."""
        user = UserFactory()
        MembershipFactory(
            user=user,
            organisation=OrganisationFactory(commune=self.forbach),
            role=Role.VIEWER,
        )
        return user


@pytest.fixture
def world():
    return World()


def figures(row):
    return [(c.needed_to_date, c.qualified, c.seats, c.gap) for c in row.cells]


def by_code(analysis):
    return {row.occupation.code: row for row in analysis.rows}


def gap_url(**params):
    base = {"territoire": "bassin-test", "debut": "2030-01-01", "fin": "2030-12-31"}
    return reverse("planning:gap"), {**base, **params}


# --- figures -------------------------------------------------------------------------------


def test_figures_per_quarter_for_a_reader_who_sees_every_project(world):
    analysis = gap.gap_analysis(world.territory, START, END, user=world.coordinator())

    found = by_code(analysis)
    assert set(found) == {"H2903", "H2502"}  # the déclinaison folds into its fiche
    assert figures(found["H2903"]) == [
        (10, 1, 8, 1),
        (14, 2, 13, -1),
        (19, 2, 13, 4),
        (19, 2, 13, 4),
    ]
    assert [c.needed for c in found["H2903"].cells] == [10, 4, 5, 0]
    assert figures(found["H2502"]) == [(0, 1, 0, -1), (0, 1, 0, -1), (0, 1, 0, -1), (3, 1, 0, 2)]
    assert [row.occupation.code for row in analysis.shortages] == ["H2903", "H2502"]
    assert found["H2903"].peak_gap == 4
    assert found["H2903"].peak.quarter.code == "2030-Q3"
    assert found["H2903"].first_shortage.quarter.code == "2030-Q1"
    assert [c.gap for c in analysis.totals] == [0, -2, 3, 6]


def test_confidential_project_is_left_out_for_a_reader_who_may_not_see_it(world):
    analysis = gap.gap_analysis(world.territory, START, END, user=world.local_member())

    found = by_code(analysis)
    assert set(found) == {"H2903"}
    assert figures(found["H2903"]) == [
        (10, 1, 8, 1),
        (10, 2, 13, -5),
        (15, 2, 13, 0),
        (15, 2, 13, 0),
    ]


def test_without_a_reader_every_project_counts(world):
    analysis = gap.gap_analysis(world.territory, START, END, user=None)

    assert [c.gap for c in by_code(analysis)["H2903"].cells] == [1, -1, 4, 4]


def test_confidence_filter_keeps_firm_and_likely_needs(world):
    analysis = gap.gap_analysis(
        world.territory,
        START,
        END,
        user=world.coordinator(),
        confidences=(Confidence.FIRM, Confidence.LIKELY),
    )

    found = by_code(analysis)
    assert [c.needed for c in found["H2903"].cells] == [10, 0, 5, 0]  # B's possible need out
    assert [c.gap for c in found["H2502"].cells] == [-1, -1, -1, 2]


def test_seats_farther_than_the_distance_count_when_it_grows(world):
    near = gap.gap_analysis(world.territory, START, END, user=None, seat_distance_km=50)
    far = gap.gap_analysis(world.territory, START, END, user=None, seat_distance_km=150)

    assert [c.seats for c in by_code(near)["H2903"].cells] == [8, 13, 13, 13]
    assert [c.seats for c in by_code(far)["H2903"].cells] == [8, 13, 23, 23]


def test_person_out_of_reach_counts_once_the_site_is_near_their_home(world):
    before = by_code(gap.gap_analysis(world.territory, START, END, user=None))
    project = IndustrialProjectFactory(
        public=True, territory=world.territory, latitude=STRASBOURG[0], longitude=STRASBOURG[1]
    )
    HiringNeedFactory(project=project, occupation=world.p, count=1, needed_by=dt.date(2030, 12, 1))

    after = by_code(gap.gap_analysis(world.territory, START, END, user=None))

    assert before["H2903"].cells[0].qualified == 1
    assert after["H2903"].cells[0].qualified == 2  # the person living in Strasbourg


def test_site_without_place_is_reached_by_people_living_in_the_territory(world):
    project = IndustrialProjectFactory(
        public=True, territory=world.territory, commune=None, latitude=None, longitude=None
    )
    occupation = OccupationFactory(code="H2913", label="Soudage manuel")
    HiringNeedFactory(project=project, occupation=occupation, count=2, needed_by=START)
    PersonFactory(current_occupation=occupation, commune=world.sarreguemines, mobility_radius_km=1)
    PersonFactory(current_occupation=occupation, commune=world.strasbourg, mobility_radius_km=500)

    analysis = gap.gap_analysis(world.territory, START, END, user=None)

    assert [c.qualified for c in by_code(analysis)["H2913"].cells] == [1, 1, 1, 1]


def test_skill_threshold_adds_people_holding_enough_essential_skills(world):
    essential = [SkillFactory(code=f"20000{n}") for n in range(4)]
    for skill in essential:
        OccupationSkillFactory(occupation=world.w, skill=skill)
    OccupationSkillFactory(occupation=world.w, skill=SkillFactory(code="300000"), optional=True)
    three = PersonFactory(commune=world.sarreguemines, mobility_radius_km=10)
    for skill in essential[:3]:
        PersonSkillFactory(person=three, skill=skill)
    two_and_optional = PersonFactory(commune=world.sarreguemines, mobility_radius_km=10)
    for skill in [*essential[:2], SkillFactory(code="300000")]:
        PersonSkillFactory(person=two_and_optional, skill=skill)
    far = PersonFactory(commune=world.strasbourg, mobility_radius_km=10)
    for skill in essential:
        PersonSkillFactory(person=far, skill=skill)
    # P has no essential skill: nobody reaches it by skills, whatever the threshold.

    def qualified(threshold):
        analysis = gap.gap_analysis(
            world.territory, START, END, user=None, skill_threshold=threshold
        )
        return {code: row.cells[-1].qualified for code, row in by_code(analysis).items()}

    assert qualified(None) == {"H2903": 2, "H2502": 1}
    assert qualified(75) == {"H2903": 2, "H2502": 2}
    assert qualified(50) == {"H2903": 2, "H2502": 3}
    assert qualified(100) == {"H2903": 2, "H2502": 1}


def test_skill_threshold_reaches_the_page_and_the_export(client, world):
    skill = SkillFactory(code="200009")
    OccupationSkillFactory(occupation=world.w, skill=skill)
    PersonSkillFactory(
        person=PersonFactory(commune=world.sarreguemines, mobility_radius_km=10), skill=skill
    )
    client.force_login(world.coordinator())

    page = client.get(*gap_url(competences="80")).content.decode()
    export = client.get(
        reverse("planning:gap_export", args=["csv"]), gap_url(competences="80")[1]
    ).content.decode("utf-8-sig")

    matrix = rows(page.split('id="matrix"')[1].split("</table>")[0])
    assert matrix[2][1:] == ["-2", "-2", "-2", "1"]
    assert "competences=80" in page
    assert export.splitlines()[-1].split(";")[-4:] == ["2", "0", "1", "1"]


# Six queries for the reader's reach among projects, seven for the analysis, two more for the
# skill rule (essential skills, people's skills).
@pytest.mark.parametrize(("threshold", "expected"), [(None, 13), (80, 15)])
def test_queries_do_not_grow_with_the_records(world, threshold, expected):
    def count():
        user = world.coordinator()
        with CaptureQueriesContext(connection) as queries:
            gap.gap_analysis(world.territory, START, END, user=user, skill_threshold=threshold)
        return len(queries)

    skill = SkillFactory(code="200100")
    OccupationSkillFactory(occupation=world.w, skill=skill)
    first = count()
    for code in ("H1101", "H1102", "H1103"):
        occupation = OccupationFactory(code=code)
        OccupationSkillFactory(occupation=occupation, skill=skill)
        HiringNeedFactory(
            project=world.b, occupation=occupation, count=2, needed_by=dt.date(2030, 7, 1)
        )
        person = PersonFactory(current_occupation=occupation, commune=world.forbach)
        PersonSkillFactory(person=person, skill=skill)
        training = TrainingFactory()
        training.occupations.add(occupation)
        World._session(training, world.forbach, FORBACH, dt.date(2030, 8, 1))

    assert count() == first == expected


def test_empty_horizon_gives_no_rows(world):
    analysis = gap.gap_analysis(
        world.territory, dt.date(2040, 1, 1), dt.date(2040, 6, 30), user=None
    )

    assert analysis.rows == []
    assert [c.gap for c in analysis.totals] == [0, 0]


def test_default_horizon_is_eight_quarters_from_the_current_one():
    assert default_horizon(dt.date(2026, 12, 3)) == (dt.date(2026, 10, 1), dt.date(2028, 9, 30))


# --- who may read ----------------------------------------------------------------------------


def test_territories_for_gap_by_role(world, make_member):
    other = IndustrialTerritoryFactory(code="autre", name="Autre")
    admin = UserFactory(superuser=True)

    assert list(gap.territories_for_gap(world.coordinator())) == [world.territory]
    assert list(gap.territories_for_gap(world.local_member())) == [world.territory]
    assert set(gap.territories_for_gap(admin)) >= {world.territory, other}
    assert list(gap.territories_for_gap(UserFactory())) == []
    learner = make_member(Role.LEARNER, OrganisationFactory(commune=world.forbach))
    assert list(gap.territories_for_gap(learner)) == []
    far_viewer = make_member(Role.VIEWER, OrganisationFactory(commune=world.strasbourg))
    assert list(gap.territories_for_gap(far_viewer)) == []


def test_page_needs_a_login(client):
    response = client.get(reverse("planning:gap"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_page_refuses_a_user_without_territory(client, world):
    client.force_login(UserFactory())

    assert client.get(*gap_url()).status_code == 403
    assert client.get(reverse("planning:gap_export", args=["csv"]), gap_url()[1]).status_code == 403


def test_page_refuses_a_territory_the_user_may_not_read(client, world, make_member):
    other = IndustrialTerritoryFactory(code="autre", coordinators=[OrganisationFactory()])
    user = make_member(Role.COORDINATOR, other.coordinating_organisations.get())
    client.force_login(user)

    page = client.get(*gap_url()).content.decode()
    export = client.get(reverse("planning:gap_export", args=["csv"]), gap_url()[1])

    assert "This territory does not exist or you may not read its gap analysis." in page
    assert "H2903" not in page
    assert export.status_code == 400


# --- pages ---------------------------------------------------------------------------------


def test_page_lists_shortages_with_links_and_the_table(client, world):
    client.force_login(world.coordinator())

    response = client.get(*gap_url())
    page = response.content.decode()

    shortages = rows(page.split('id="shortages"')[1].split("</table>")[0])
    assert [row[:2] for row in shortages[1:]] == [
        ["H2903 Conduite d'équipement d'usinage", "4"],
        ["H2502 Management de production", "2"],
    ]
    assert reverse("referentials:occupation", args=["H2903"]) in page
    matrix = rows(page.split('id="matrix"')[1].split("</table>")[0])
    assert matrix[1][1:] == ["1", "-1", "4", "4"]
    assert matrix[2][1:] == ["-1", "-1", "-1", "2"]
    assert "Projet secret B" not in page
    assert page.count('class="gap-bar-') == 12  # three bars per quarter


def test_page_hides_confidential_needs_from_a_local_member(client, world):
    client.force_login(world.local_member())

    page = client.get(*gap_url()).content.decode()

    matrix = rows(page.split('id="matrix"')[1].split("</table>")[0])
    assert [row[0] for row in matrix[1:]] == ["H2903 Conduite d'équipement d'usinage"]
    assert matrix[1][1:] == ["1", "-5", "0", "0"]
    assert "H2502" not in page
    assert "Projet secret B" not in page


def test_chart_of_a_chosen_occupation(client, world):
    client.force_login(world.coordinator())

    page = client.get(*gap_url(metier="H2502")).content.decode()

    chart = page.split('id="graphique"')[1]
    assert "H2502 Management de production" in chart.split("</h3>")[0]
    detail = rows(chart.split('id="detail"')[1].split("</table>")[0])
    assert [row[1:] for row in detail[1:]] == [
        ["0", "0", "1", "0", "-1"],
        ["0", "0", "1", "0", "-1"],
        ["0", "0", "1", "0", "-1"],
        ["3", "3", "1", "0", "2"],
    ]
    assert "<svg" in chart
    assert "style=" not in page.split("<body")[1]


def test_chart_without_choice_adds_the_top_shortages(client, world):
    client.force_login(world.coordinator())

    page = client.get(*gap_url()).content.decode()

    detail = rows(page.split('id="detail"')[1].split("</table>")[0])
    assert [row[-1] for row in detail[1:]] == ["0", "-2", "3", "6"]


def test_htmx_request_gets_the_results_only(client, world):
    client.force_login(world.coordinator())

    url, params = gap_url()
    page = client.get(url, params, headers={"HX-Request": "true"}).content.decode()

    assert page.lstrip().startswith('<div id="results">')
    assert 'id="matrix"' in page


def test_page_without_query_shows_the_form_with_the_default_horizon(client, world):
    client.force_login(world.coordinator())

    response = client.get(reverse("planning:gap"))

    start, end = default_horizon()
    page = response.content.decode()
    assert response.context["analysis"] is None
    assert f'value="{start.isoformat()}"' in page
    assert f'value="{end.isoformat()}"' in page
    assert '<option value="bassin-test">Bassin test</option>' in page


def test_blank_options_take_their_defaults(client, world):
    client.force_login(world.coordinator())

    response = client.get(*gap_url(distance="", confiance=""))

    analysis = response.context["analysis"]
    assert analysis.seat_distance_km == 50
    assert analysis.confidences == ()
    assert 'name="distance" value="50"' in response.content.decode()


def test_platform_admin_reads_every_project_of_any_territory(client, world):
    client.force_login(UserFactory(superuser=True))

    page = client.get(*gap_url()).content.decode()

    matrix = rows(page.split('id="matrix"')[1].split("</table>")[0])
    assert [row[1:] for row in matrix[1:]] == [["1", "-1", "4", "4"], ["-1", "-1", "-1", "2"]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fin": "2029-12-31"}, "The end of the horizon comes before its start."),
        ({"debut": "demain"}, "Write the first day of the horizon as a date, e.g. 2027-01-01."),
        ({"fin": "2045-01-01"}, "The horizon spans 61 quarters; at most 40 are analysed."),
        ({"distance": "-3"}, "The distance cannot be negative."),
        ({"distance": "loin"}, "Write the distance in whole kilometres."),
        ({"confiance": "certain"}, "Choose which needs to count from the list."),
        ({"territoire": ""}, "Choose the industrial territory to analyse."),
        (
            {"competences": "0"},
            "The share of essential skills must be a percentage between 1 and 100.",
        ),
        ({"competences": "beaucoup"}, "Write the share of essential skills as a whole percentage."),
    ],
)
def test_bad_input_gets_a_clear_message(client, world, params, message):
    client.force_login(world.coordinator())

    response = client.get(*gap_url(**params))

    assert response.status_code == 200
    assert response.context["analysis"] is None
    assert message in response.content.decode().replace("&#x27;", "'")


# --- exports -------------------------------------------------------------------------------


def _expected_header():
    with translation.override("en"):
        return gap.export_header()


def test_csv_export_has_the_page_figures(client, world):
    client.force_login(world.coordinator())

    _, params = gap_url()
    response = client.get(reverse("planning:gap_export", args=["csv"]), params)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="analyse-ecarts-bassin-test-' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == _expected_header()
    label = "Conduite d'équipement d'usinage"
    assert lines[1:5] == [
        ["H2903", label, "2030-Q1", "2030-01-01", "2030-03-31", "10", "10", "1", "8", "1", "1"],
        ["H2903", label, "2030-Q2", "2030-04-01", "2030-06-30", "4", "14", "2", "13", "-1", "0"],
        ["H2903", label, "2030-Q3", "2030-07-01", "2030-09-30", "5", "19", "2", "13", "4", "4"],
        ["H2903", label, "2030-Q4", "2030-10-01", "2030-12-31", "0", "19", "2", "13", "4", "4"],
    ]
    assert [line[:3] for line in lines[5:]] == [
        ["H2502", "Management de production", f"2030-Q{n}"] for n in range(1, 5)
    ]


def test_xlsx_export_has_the_same_figures_and_hides_what_the_reader_may_not_see(client, world):
    client.force_login(world.local_member())

    _, params = gap_url(confiance="firm_likely")
    response = client.get(reverse("planning:gap_export", args=["xlsx"]), params)

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(values[0]) == _expected_header()
    assert [row[2] for row in values[1:]] == ["2030-Q1", "2030-Q2", "2030-Q3", "2030-Q4"]
    assert [row[5:] for row in values[1:]] == [
        (10, 10, 1, 8, 1, 1),
        (0, 10, 2, 13, -5, 0),
        (5, 15, 2, 13, 0, 0),
        (0, 15, 2, 13, 0, 0),
    ]
    assert values[1][3].date() == dt.date(2030, 1, 1)


def test_export_text_that_looks_like_a_formula_stays_text(world):
    world.p.label = '=HYPERLINK("http://example.org")'
    world.p.save()
    analysis = gap.gap_analysis(world.territory, START, END, user=None)

    text = gap.csv_bytes(analysis).decode("utf-8-sig")
    workbook = openpyxl.load_workbook(io.BytesIO(gap.xlsx_bytes(analysis)))

    assert "'=HYPERLINK" in text
    cell = workbook.worksheets[0]["B2"]
    assert cell.value == world.p.label
    assert cell.data_type == "s"
