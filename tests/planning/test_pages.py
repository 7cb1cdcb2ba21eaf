"""Pages of planning scenarios: list, form, scenario, run result, downloads, comparison."""

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.planning import actions
from fabrique.planning.enums import RunStatus
from fabrique.planning.models import PlanRun, Scenario
from fabrique.planning.reasons import explain, names_for
from tests import factories as f
from tests.factories_planning import PlanRunFactory, planning_world

pytestmark = pytest.mark.django_db

immediate = override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)


@pytest.fixture(autouse=True)
def in_english():
    """The tests read English messages, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    w = planning_world()
    client.force_login(w.coordinator)
    return w


def page(response):
    return response.content.decode()


def test_list_shows_the_scenarios_of_ones_territories_only(client, world):
    f.IndustrialTerritoryFactory(name="Ailleurs")
    from tests.factories_planning import ScenarioFactory

    ScenarioFactory(name="Scénario d'ailleurs")

    html = page(client.get(reverse("planning:scenario_list")))

    assert "Est 12 mois" in html
    assert "Scénario d'ailleurs" not in html
    assert reverse("planning:scenario_create") in html
    assert reverse("planning:scenario_list") in page(client.get(reverse("core:home")))


def test_pages_are_refused_to_people_outside_the_territory(client, world):
    viewer = f.UserFactory()
    f.MembershipFactory(user=viewer, organisation=world.coordinators, role=Role.VIEWER)
    run = PlanRunFactory(scenario=world.scenario, done=True)
    client.force_login(viewer)

    assert client.get(reverse("planning:scenario", args=[world.scenario.pk])).status_code == 404
    assert client.get(reverse("planning:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("planning:run_document", args=[run.pk])).status_code == 404
    assert client.get(reverse("planning:scenario_create")).status_code == 403
    response = client.post(reverse("planning:scenario_launch", args=[world.scenario.pk]))
    assert response.status_code == 404
    assert not PlanRun.objects.exclude(pk=run.pk).exists()


def test_create_a_scenario(client, world):
    response = client.post(
        reverse("planning:scenario_create"),
        {
            "name": "Est 2027",
            "territory": world.territory.pk,
            "horizon_start": "2027-01-01",
            "horizon_end": "2027-12-31",
            "km_cost_eur": "0.25",
            "session_to_need_max_km": "50",
        },
    )

    scenario = Scenario.objects.get(name="Est 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:scenario", args=[scenario.pk])
    assert (scenario.created_by, str(scenario.km_cost_eur)) == (world.coordinator, "0.25")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"horizon_end": "2026-12-31"}, "The horizon must end on or after its start."),
        ({"horizon_end": "2040-01-01"}, "The horizon may last five years at most."),
        ({"horizon_start": "1er janvier"}, "Enter a valid date."),
        ({"km_cost_eur": "-1"}, "The cost per km cannot be negative."),
    ],
)
def test_the_scenario_form_refuses_bad_input_with_a_message(client, world, change, message):
    data = {
        "name": "Mauvais",
        "territory": world.territory.pk,
        "horizon_start": "2027-01-01",
        "horizon_end": "2027-12-31",
        "km_cost_eur": "0.30",
        "session_to_need_max_km": "60",
    } | change

    response = client.post(reverse("planning:scenario_create"), data)

    assert response.status_code == 200
    assert message in page(response)
    assert not Scenario.objects.filter(name="Mauvais").exists()


def test_the_form_offers_only_territories_one_plans(client, world):
    other = f.IndustrialTerritoryFactory(name="Territoire voisin")

    html = page(client.get(reverse("planning:scenario_create")))
    response = client.post(
        reverse("planning:scenario_create"),
        {
            "name": "Intrus",
            "territory": other.pk,
            "horizon_start": "2027-01-01",
            "horizon_end": "2027-12-31",
            "km_cost_eur": "0.30",
            "session_to_need_max_km": "60",
        },
    )

    assert "Territoire voisin" not in html
    assert response.status_code == 200
    assert not Scenario.objects.filter(name="Intrus").exists()


def test_edit_a_scenario(client, world):
    url = reverse("planning:scenario_edit", args=[world.scenario.pk])
    form = page(client.get(url))

    response = client.post(
        url,
        {
            "name": "Est, renommé",
            "territory": world.territory.pk,
            "horizon_start": world.scenario.horizon_start.isoformat(),
            "horizon_end": world.scenario.horizon_end.isoformat(),
            "km_cost_eur": "0.40",
            "session_to_need_max_km": "80",
        },
    )

    assert 'value="Est 12 mois"' in form
    assert response.status_code == 302
    world.scenario.refresh_from_db()
    assert (world.scenario.name, str(world.scenario.km_cost_eur)) == ("Est, renommé", "0.40")
    assert world.scenario.session_to_need_max_km == 80


def test_add_and_remove_what_if_changes(client, world):
    url = reverse("planning:scenario_change_add", args=[world.scenario.pk])

    response = client.post(url, {"kind": "capacity", "session": world.session.pk, "capacity": 6})
    assert response.status_code == 302
    response = client.post(url, {"kind": "radius", "extra_km": "15"})
    assert response.status_code == 302

    world.scenario.refresh_from_db()
    assert world.scenario.changes == [
        {"kind": "capacity", "session": world.session.pk, "capacity": 6},
        {"kind": "radius", "extra_km": 15},
    ]
    html = page(client.get(reverse("planning:scenario", args=[world.scenario.pk])))
    assert ": 6 seats in all" in html
    assert "+15 km" in html

    client.post(reverse("planning:scenario_change_remove", args=[world.scenario.pk, 0]))
    world.scenario.refresh_from_db()
    assert world.scenario.changes == [{"kind": "radius", "extra_km": 15}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "capacity", "capacity": 6}, "Required for this kind of change."),
        ({"kind": "radius"}, "Give the kilometres to add, or the factor to apply, or both."),
        ({"kind": "radius", "factor": "50"}, "the factor must be a number from 0 to 10"),
        (
            {
                "kind": "add_session",
                "capacity": 5,
                "commune": "99999",
                "start": "2027-02-01",
                "end": "2027-01-01",
            },
            "Required for this kind of change.",
        ),
        ({"kind": "deadline", "deadline": "2027-01-01"}, "Required for this kind of change."),
    ],
)
def test_bad_changes_are_refused_with_a_message(client, world, data, message):
    response = client.post(reverse("planning:scenario_change_add", args=[world.scenario.pk]), data)

    assert response.status_code == 422
    assert message in page(response)
    world.scenario.refresh_from_db()
    assert world.scenario.changes == []


def test_an_added_session_in_an_unknown_commune_is_refused(client, world):
    response = client.post(
        reverse("planning:scenario_change_add", args=[world.scenario.pk]),
        {
            "kind": "add_session",
            "training": world.training.pk,
            "commune": "99999",
            "start": "2027-02-01",
            "end": "2027-05-01",
            "capacity": 5,
        },
    )

    assert response.status_code == 422
    assert "no located commune with the INSEE code “99999”" in page(response)


def test_a_variant_copies_the_scenario(client, world):
    response = client.post(reverse("planning:scenario_variant", args=[world.scenario.pk]))

    variant = Scenario.objects.get(based_on=world.scenario)
    assert response["Location"] == reverse("planning:scenario", args=[variant.pk])
    assert variant.territory == world.territory
    assert "Est 12 mois" in page(client.get(response["Location"]))


def test_a_queued_run_shows_its_progress_polled_by_htmx(client, world):
    response = client.post(reverse("planning:scenario_launch", args=[world.scenario.pk]))
    run = PlanRun.objects.get()
    assert response["Location"] == reverse("planning:run", args=[run.pk])

    html = page(client.get(response["Location"]))
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})

    assert 'id="run-progress"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "<progress" in html
    assert run.job.get_absolute_url() in html  # the coordinator launched it
    assert "1 person without a commune was left out." in html.replace("\xa0", " ")
    assert page(fragment).lstrip().startswith('<div id="run-progress"')
    PlanRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"


@immediate
def test_the_result_page_shows_filled_vs_demand_map_assignments_and_reasons(client, world):
    run = actions.launch_run(world.coordinator, world.scenario)

    html = page(client.get(reverse("planning:run", args=[run.pk])))

    assert "run-progress" not in html
    assert "3 of 5" in html
    assert 'class="plan-bars"' in html
    assert "H2903 Conduite d&#x27;équipements d&#x27;usinage" in html
    assert 'class="map plan-map"' in html
    assert html.count('<rect class="org"') == 1  # one need on the map
    assert html.count('<path d="M ') == 1  # one session
    assert html.count("<circle ") == 2  # people live in two places
    assert "Alice Martin" in html  # the coordinator may see the people of the territory
    assert "Chloé Martin" in html
    unfilled = run.unfilled.get()
    occupation_names, session_names = names_for([unfilled.reasons])
    said = explain(unfilled.reasons, occupations=occupation_names, sessions=session_names)
    assert said
    for reason in said:
        assert reason in html.replace("&#x27;", "'")
    assert reverse("planning:run_document", args=[run.pk]) in html
    assert reverse("planning:run_result", args=[run.pk]) in html
    assert reverse("planning:run_publish", args=[run.pk]) in html


@immediate
def test_person_names_only_for_readers_allowed_to_see_them(client, world):
    run = actions.launch_run(world.coordinator, world.scenario)
    second_coordinator = f.UserFactory()
    coordination = f.OrganisationFactory()
    f.MembershipFactory(user=second_coordinator, organisation=coordination, role=Role.COORDINATOR)
    world.territory.coordinating_organisations.add(coordination)
    # The people's agency is moved out of the territory: its coordinators no longer see them.
    world.agency.commune = world.nancy
    world.agency.save()
    client.force_login(second_coordinator)

    html = page(client.get(reverse("planning:run", args=[run.pk])))

    assert "Alice Martin" not in html
    assert f"p-{world.alice.pk}" in html


@immediate
def test_downloads_are_the_documents(client, world):
    run = actions.launch_run(world.coordinator, world.scenario)

    document = client.get(reverse("planning:run_document", args=[run.pk]))
    result = client.get(reverse("planning:run_result", args=[run.pk]))

    assert document["Content-Disposition"] == f'attachment; filename="plan-{run.pk}-scenario.json"'
    assert json.loads(document.content)["format"] == "fabrique-plan/1"
    assert json.loads(result.content)["filled"] == 3


def test_a_failed_run_shows_its_error(client, world):
    run = PlanRunFactory(
        scenario=world.scenario, status=RunStatus.FAILED, error="ScenarioError: boom"
    )

    html = page(client.get(reverse("planning:run", args=[run.pk])))

    assert "ScenarioError: boom" in html
    assert "run-progress" not in html


@immediate
def test_compare_two_runs_side_by_side(client, world):
    base = actions.launch_run(world.coordinator, world.scenario)
    variant = actions.create_variant(world.coordinator, world.scenario)
    actions.add_change(
        world.coordinator,
        variant,
        {"kind": "capacity", "session": world.session.pk, "capacity": 10},
    )
    f.PersonSkillFactory(
        person=f.PersonFactory(commune=world.forbach, organisation=world.agency),
        skill=world.safety,
    )
    better = actions.launch_run(world.coordinator, variant)

    response = client.get(reverse("planning:compare"), {"a": base.pk, "b": better.pk})

    html = page(response)
    assert response.status_code == 200
    assert "3 / 5" in html
    assert "4 / 5" in html
    assert "+1" in html


def test_compare_refuses_the_same_run_twice_and_others_runs(client, world):
    run = PlanRunFactory(scenario=world.scenario, done=True)
    foreign = PlanRunFactory(done=True)

    same = client.get(reverse("planning:compare"), {"a": run.pk, "b": run.pk})
    other = client.get(reverse("planning:compare"), {"a": run.pk, "b": foreign.pk})

    assert same.status_code == 422
    assert "Choose two different plans." in page(same)
    assert other.status_code == 422
