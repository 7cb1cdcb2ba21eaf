"""A coordinator plans a territory in a real browser: scenario, run, result, variant, comparison.

The runs are solved by a real worker process (``fabrique worker --batch``) while the run's
page polls its progress, then shows the plan.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from fabrique.planning.models import PlanRun, Scenario
from fabrique.planning.reasons import explain, names_for
from tests import factories as f
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories_planning import planning_world
from tests.jobs.conftest import Workers

RESULT_TIMEOUT_MS = 30_000


@pytest.fixture
def workers():
    pool = Workers()
    yield pool
    pool.stop_all()


def launch_and_solve(page, workers):
    """Press "Launch a run", see its progress, let a worker solve it, see the result."""
    with page.expect_navigation():
        page.locator("form[action$='/calculer/'] button").click()
    progress = page.locator("#run-progress")
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).to_have_count(1)
    run = PlanRun.objects.latest("pk")
    assert page.url.endswith(reverse("planning:run", args=[run.pk]))

    workers.run()

    # The page polls its progress and reloads itself once the run has finished.
    expect(page.locator("#by-occupation")).to_be_visible(timeout=RESULT_TIMEOUT_MS)
    expect(page.locator("#run-progress")).to_have_count(0)
    return run


def test_coordinator_plans_compares_a_what_if_variant(page, workers, page_errors):
    w = planning_world()
    # A fourth trainee: the session's two free seats leave her out, unless seats are added.
    dana = f.PersonFactory(
        first_name="Dana", last_name="Martin", commune=w.forbach, organisation=w.agency
    )
    f.PersonSkillFactory(person=dana, skill=w.safety)
    today = dt.date.today()

    log_in(page, email=w.coordinator.email)
    with page.expect_navigation():
        page.locator(f"nav a[href='{reverse('planning:scenario_list')}']").click()
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('planning:scenario_create')}']").click()
    page.locator("#id_name").fill("Est, l'année qui vient")
    page.locator("#id_territory").select_option(str(w.territory.pk))
    page.locator("#id_horizon_start").fill(today.isoformat())
    page.locator("#id_horizon_end").fill((today + dt.timedelta(days=365)).isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    scenario = Scenario.objects.get(name="Est, l'année qui vient")
    expect(page.locator("h1")).to_have_text(scenario.name)

    base = launch_and_solve(page, workers)
    base.refresh_from_db()
    assert (base.filled, base.demand) == (3, 5)
    occupations = page.locator("table.plan-occupations tbody tr")
    expect(occupations).to_have_count(1)
    expect(occupations.first.locator("td")).to_have_text(
        ["H2903 Conduite d'équipements d'usinage", "5", "3", "2", "60 %"]
    )
    expect(page.locator("svg.plan-bars rect")).to_have_count(2)
    expect(page.locator("svg.plan-map rect.org")).to_have_count(1)
    reasons = base.unfilled.get().reasons
    with translation.override("fr"):  # the page's language, dates included
        occupation_names, session_names = names_for([reasons])
        said = explain(reasons, occupations=occupation_names, sessions=session_names)
    assert said != list(reasons)
    for reason in said:
        expect(page.locator("table.plan-unfilled")).to_contain_text(reason)
    expect(page.locator("table.plan-assignments")).to_contain_text("Alice Martin")
    assert accessibility_problems(page) == []

    # A what-if variant: the session gets ten seats.
    open_page(page, reverse("planning:scenario", args=[scenario.pk]))
    with page.expect_navigation():
        page.locator("form[action$='/variante/'] button").click()
    variant = Scenario.objects.get(based_on=scenario)
    page.locator("details.fw-add summary").click()
    page.locator("#id_kind").select_option("capacity")
    page.locator("#id_session").select_option(str(w.session.pk))
    page.locator("#id_capacity").fill("-3")
    with page.expect_navigation():
        page.locator("form[action$='/changements/'] button[type=submit]").click()
    expect(page.locator("form[action$='/changements/'] .errorlist")).to_be_visible()
    variant.refresh_from_db()
    assert variant.changes == []
    page.locator("#id_capacity").fill("10")
    with page.expect_navigation():
        page.locator("form[action$='/changements/'] button[type=submit]").click()
    expect(page.locator("ol.plan-changes li")).to_have_count(1)

    better = launch_and_solve(page, workers)
    better.refresh_from_db()
    assert (better.filled, better.demand) == (4, 5)
    expect(page.locator("table.plan-assignments")).to_contain_text("Dana Martin")

    # Side by side.
    page.locator("#compare-b").select_option(str(base.pk))
    with page.expect_navigation():
        page.locator("form[action$='/comparaison/'] button[type=submit]").click()
    row = page.locator("table.plan-compare-occupations tbody tr")
    expect(row.locator("td")).to_have_text(
        ["H2903 Conduite d'équipements d'usinage", "4 / 5", "3 / 5", "-1"]
    )
    expect(page.locator("table.plan-compare-totals")).to_contain_text(variant.name)
    assert accessibility_problems(page) == []
    # The refused change answered 422, which the browser logs; nothing else went wrong.
    refused = reverse("planning:scenario_change_add", args=[variant.pk])
    assert [e for e in page_errors if not ("422" in e and refused in e)] == []
