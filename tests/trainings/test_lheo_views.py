"""LHÉO pages: upload, preview, confirm; and the download of the visible offer."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from lxml import etree

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation
from fabrique.trainings.lheo.reader import read_lheo, schema
from fabrique.trainings.models import Session, Training
from tests.factories import OrganisationFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
IMPORT = reverse("trainings:lheo_import")


@pytest.fixture(autouse=True)
def in_english(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def centre(db):
    return OrganisationFactory(name="AFPI Lorraine", slug="afpi", siret="77567417900031")


def upload(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="application/xml")


def test_member_previews_then_confirms_an_import_for_their_organisation(
    client, make_member, centre
):
    client.force_login(make_member(Role.TRAINER, centre))

    preview = client.post(IMPORT, {"file": upload("offre-2.3.xml"), "organisation": "afpi"})

    assert preview.status_code == 200
    assert Training.objects.count() == 0  # nothing written before confirming
    page = preview.content.decode()
    for expected in (
        "F-MSA-2027",
        "A-MSA-FORBACH",
        "S-MSA-2028-1",
        "AFPI Lorraine",
        "77567417900031",
    ):
        assert expected in page
    assert preview.context["report"].counts["sessions"].created == 4
    confirm = client.post(IMPORT, {"payload": preview.context["payload"]})

    assert confirm.url == IMPORT
    assert set(Training.objects.values_list("organisation__slug", flat=True)) == {"afpi"}
    assert Session.objects.count() == 4
    assert list((settings.VAR_DIR / "uploads" / "lheo").iterdir()) == []


def test_refused_file_lists_element_line_and_reason_and_writes_nothing(client, make_member, centre):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, centre))

    response = client.post(IMPORT, {"file": upload("xxe.xml"), "organisation": "afpi"})

    assert response.status_code == 422
    (problem,) = response.context["problems"]
    assert problem.where == "line 2"
    assert "a DOCTYPE is not accepted" in problem.reason
    assert "a DOCTYPE is not accepted" in response.content.decode()
    assert "payload" not in response.context


def test_file_with_a_bad_record_is_refused_at_preview(client, make_member, centre):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, centre))

    response = client.post(
        IMPORT, {"file": upload("negative-capacity.xml"), "organisation": "afpi"}
    )

    assert response.status_code == 422
    assert [str(p) for p in response.context["report"].errors] == [
        "formation[1]/action[1]/session[1], line 55: "
        "the number of places (-5) is not a count of seats"
    ]
    assert 'name="payload"' not in response.content.decode()


def test_member_cannot_import_for_another_organisation(client, make_member, centre):
    client.force_login(make_member(Role.TRAINER, centre))
    OrganisationFactory(slug="other")

    response = client.post(IMPORT, {"file": upload("offre-2.3.xml"), "organisation": "other"})

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert "payload" not in response.context


def test_platform_admin_imports_for_the_organisations_the_file_names(client):
    client.force_login(UserFactory(superuser=True))

    preview = client.post(IMPORT, {"file": upload("onisep-bts-2.2.xml"), "organisation": ""})
    client.post(IMPORT, {"payload": preview.context["payload"]})

    assert Organisation.objects.get().siret == "19290076900014"
    assert Training.objects.get().title == "BTS négociation et relation client"


def test_confirmation_by_another_user_is_forbidden(client, make_member, centre):
    client.force_login(make_member(Role.TRAINER, centre))
    preview = client.post(IMPORT, {"file": upload("offre-2.3.xml"), "organisation": "afpi"})
    client.force_login(make_member(Role.TRAINER, centre))

    response = client.post(IMPORT, {"payload": preview.context["payload"]})

    assert response.status_code == 403
    assert Training.objects.count() == 0


@pytest.mark.parametrize("role", [Role.LEARNER, Role.VIEWER])
def test_import_page_is_forbidden_to_people_who_do_not_publish_an_offer(
    client, make_member, centre, role
):
    client.force_login(make_member(role, centre))

    assert client.get(IMPORT).status_code == 403


def test_import_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert f"next={IMPORT}" in response.url


def test_download_holds_the_visible_offer_valid_against_the_schema(client):
    published = SessionFactory(training__title="Offre publiée")
    SessionFactory(training__title="Offre cachée", training__published=False)

    response = client.get(reverse("trainings:lheo_download"))

    assert response["Content-Disposition"] == 'attachment; filename="offre-lheo.xml"'
    assert schema().validate(etree.fromstring(response.content))
    titles = [r.title for r in read_lheo(response.content, name="x.xml").records]
    assert titles == [published.training.title]


def test_download_of_one_organisation(client, centre):
    SessionFactory(training__organisation=centre, training__title="Chez AFPI")
    SessionFactory(training__title="Ailleurs")

    response = client.get(reverse("trainings:lheo_download"), {"organisation": "afpi"})

    titles = [r.title for r in read_lheo(response.content, name="x.xml").records]
    assert titles == ["Chez AFPI"]


def test_export_page_lists_organisations_with_an_offer(client, centre):
    SessionFactory(training__organisation=centre)

    response = client.get(reverse("trainings:lheo_export"))

    assert list(response.context["organisations"]) == [centre]
    assert "?organisation=afpi" in response.content.decode()
