"""Pages of industrial projects: the list, a project with its needs and BMO figures, forms."""

import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.needs.enums import ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from tests.factories import (
    BassinEmploiFactory,
    BmoFigureFactory,
    CommuneFactory,
    HiringNeedFactory,
    IndustrialProjectFactory,
    IndustrialTerritoryFactory,
    OccupationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db


def project_url(project):
    return reverse("needs:project", args=[project.pk])


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_projects(client, django_assert_num_queries, count):
    for _ in range(count):
        HiringNeedFactory(project=IndustrialProjectFactory(public=True))
    client.force_login(UserFactory())
    client.get(reverse("needs:list"))  # the session and the user are loaded once

    # session, user, roles, memberships, count, page, territories of the filter, the
    # header's unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("needs:list"))

    assert len(response.context["page"]) == count


def test_list_filters_by_territory_and_stage(client):
    territory = IndustrialTerritoryFactory(code="nord-lorraine")
    IndustrialProjectFactory(name="Gigafactory", public=True, territory=territory)
    IndustrialProjectFactory(
        name="Fonderie", public=True, territory=territory, stage=ProjectStage.OPERATING
    )
    IndustrialProjectFactory(name="Ailleurs", public=True)
    client.force_login(UserFactory())

    page = client.get(
        reverse("needs:list"), {"territory": "nord-lorraine", "stage": "announced"}
    ).content.decode()

    names = [row[0] for row in rows(page)[1:]]
    assert names == ["Gigafactory"]


def test_list_hides_confidential_projects_from_strangers(client):
    IndustrialProjectFactory(name="Secret")
    IndustrialProjectFactory(name="Annoncé", public=True)
    client.force_login(UserFactory())

    page = client.get(reverse("needs:list")).content.decode()

    assert [row[0] for row in rows(page)[1:]] == ["Annoncé"]


def test_project_page_shows_needs_and_bmo_figures_of_the_bassin(client):
    bassin = BassinEmploiFactory(code="4432", name="BASSIN HOUILLER")
    project = IndustrialProjectFactory(
        name="Ligne d'usinage", public=True, commune=CommuneFactory(bassin=bassin)
    )
    occupation = OccupationFactory(code="H2903", label="Conduite d'équipement d'usinage")
    HiringNeedFactory(project=project, occupation=occupation, count=40)
    BmoFigureFactory(bassin=bassin, occupation_label="Régleurs", projects=120, difficult=84)
    BmoFigureFactory(bassin=bassin, occupation_label="Soudeurs", projects=200, difficult=None)
    BmoFigureFactory(bassin=bassin, occupation_label="Secret", projects=None, difficult=None)
    client.force_login(UserFactory())

    page = client.get(project_url(project)).content.decode()

    assert rows(page)[1][:2] == ["H2903 Conduite d'équipement d'usinage", "40"]
    assert reverse("referentials:occupation", args=["H2903"]) in page
    assert ["Soudeurs", "200", "hidden"] in rows(page)
    assert ["Régleurs", "120", "70 %"] in rows(page)
    assert "BASSIN HOUILLER, 2024: 320 hiring projects in all" in text(page)
    assert "Secret" not in text(page)


def test_confidential_project_is_not_found_for_a_stranger(client):
    project = IndustrialProjectFactory()
    client.force_login(UserFactory())

    response = client.get(project_url(project))

    assert response.status_code == 404


def test_project_page_sends_anonymous_visitors_to_log_in(client):
    project = IndustrialProjectFactory(public=True)

    response = client.get(project_url(project))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_create_project_page_without_a_site_shows_the_message_on_the_commune(client, make_member):
    company = OrganisationFactory(company=True, slug="acierie")
    client.force_login(make_member(Role.COMPANY_CONTACT, company))

    response = client.post(
        reverse("needs:project_create"),
        {"company": "acierie", "name": "Sans site", "stage": "announced"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "commune": ["Where is the site? Choose its commune, or give its latitude and longitude."]
    }
    assert not IndustrialProject.objects.exists()


def test_create_project_page_creates_and_opens_the_project(client, make_member):
    company = OrganisationFactory(company=True, slug="acierie")
    CommuneFactory(insee_code="57227", name="Forbach")
    client.force_login(make_member(Role.COMPANY_CONTACT, company))

    response = client.post(
        reverse("needs:project_create"),
        {
            "company": "acierie",
            "name": "Laminoir",
            "stage": "confirmed",
            "commune": "57227",
            "confidential": "on",
        },
    )

    project = IndustrialProject.objects.get()
    assert response.url == project_url(project)
    assert (project.company, project.commune.name, project.confidential) == (
        company,
        "Forbach",
        True,
    )


def test_add_need_page_without_occupation_shows_the_message_on_the_occupation(client, make_member):
    project = IndustrialProjectFactory()
    client.force_login(make_member(Role.COMPANY_CONTACT, project.company))

    response = client.post(
        reverse("needs:need_add", args=[project.pk]),
        {"count": "4", "needed_by": "2027-09-01", "contract": "permanent", "confidence": "firm"},
    )

    assert response.context["form"].errors == {
        "occupation": ["Choose the occupation of these jobs (a ROME code such as H2903)."]
    }
    assert not HiringNeed.objects.exists()


def test_add_edit_and_delete_need_pages(client, make_member):
    project = IndustrialProjectFactory()
    OccupationFactory(code="H2903")
    client.force_login(make_member(Role.COMPANY_CONTACT, project.company))
    form = {
        "occupation": "h2903",
        "count": "4",
        "needed_by": "2027-09-01",
        "contract": "permanent",
        "confidence": "firm",
    }

    added = client.post(reverse("needs:need_add", args=[project.pk]), form)
    need = HiringNeed.objects.get()
    edited = client.post(
        reverse("needs:need_edit", args=[project.pk, need.pk]), {**form, "count": "6"}
    )
    need.refresh_from_db()
    count = need.count
    deleted = client.post(reverse("needs:need_delete", args=[project.pk, need.pk]))

    assert [added.url, edited.url, deleted.url] == [project_url(project)] * 3
    assert count == 6
    assert not HiringNeed.objects.exists()


def test_a_reader_of_a_public_project_may_not_edit_it(client):
    project = IndustrialProjectFactory(public=True)
    client.force_login(UserFactory())

    response = client.get(reverse("needs:project_edit", args=[project.pk]))

    assert response.status_code == 403
