"""Fixtures of the framework tests: a consortium with its coordinator, and frameworks built
through the actions as a coordinator would."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.frameworks import actions
from fabrique.frameworks.documents import BlocDoc, CompetenceDoc, FrameworkDoc, LevelDoc, SkillRef
from tests.factories import OrganisationFactory, SkillFactory

LEVELS = (
    LevelDoc(1, "Applique avec de l'aide", "Suit une procédure connue."),
    LevelDoc(2, "Applique en autonomie"),
    LevelDoc(3, "Transmet", "Forme et accompagne d'autres personnes."),
)


@pytest.fixture(autouse=True)
def in_english():
    """The tests read English messages, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def learning_factory(db):
    """The organisation owning the frameworks: a university's learning factory."""
    return OrganisationFactory(name="Learning Factory de l'Université", slug="learning-factory")


@pytest.fixture
def consortium(learning_factory):
    """A consortium federating the learning factory, an IUT, a lycée and an incubator."""
    consortium = OrganisationFactory(
        consortium=True, name="Consortium Fab Lab Lorraine", slug="consortium-fab-lab"
    )
    consortium.partners.set(
        [
            learning_factory,
            OrganisationFactory(name="IUT Nancy-Brabois", slug="iut-nancy"),
            OrganisationFactory(name="Lycée Henri Loritz", slug="lycee-loritz"),
            OrganisationFactory(name="Incubateur Lorrain", slug="incubateur"),
        ]
    )
    return consortium


@pytest.fixture
def coordinator(make_member, learning_factory):
    """A coordinator of the learning factory: an editor of its frameworks."""
    return make_member(Role.COORDINATOR, learning_factory, email="camille.coordination@example.org")


@pytest.fixture
def consortium_coordinator(make_member, consortium):
    return make_member(Role.COORDINATOR, consortium, email="dominique.consortium@example.org")


@pytest.fixture
def reader(make_member):
    """Someone logged in with no say on the frameworks (a trainer elsewhere)."""
    return make_member(Role.TRAINER, email="alex.formation@example.org")


@pytest.fixture
def skills(db):
    """Two ROME and one ESCO skill of the référentiels."""
    return {
        "rome-fab": SkillFactory(code="124907", label="Outils de fabrication numérique"),
        "rome-atelier": SkillFactory(code="121329", label="Animer un atelier à thème"),
        "esco-atelier": SkillFactory(
            esco=True,
            code="http://data.europa.eu/esco/skill/9c4920c7-7c8c-4a22-9fd2-c177b8afa21a",
            label="entretenir un atelier",
        ),
    }


def sample_document(skills=None) -> FrameworkDoc:
    """Two blocs, three competences with three levels each, two linked skills."""
    links = ()
    if skills is not None:
        links = (
            SkillRef("esco", skills["esco-atelier"].code),
            SkillRef("rome", skills["rome-fab"].code),
        )
    return FrameworkDoc(
        title="Pilotage et animation d'espaces d'innovation",
        description="Pour les personnes qui font vivre les fab labs.",
        slug="pilotage-animation",
        blocs=(
            BlocDoc(
                code="B1",
                title="Animer un espace de fabrication numérique",
                description="Accueil; usagers; machines.",
                competences=(
                    CompetenceDoc(
                        code="B1.C1",
                        title="Accompagner les usagers sur les machines",
                        description="Impression 3D, découpe laser, fraiseuse.\nEn sécurité.",
                        skills=links,
                        levels=LEVELS,
                    ),
                    CompetenceDoc(code="B1.C2", title="Animer un atelier", levels=LEVELS),
                ),
            ),
            BlocDoc(
                code="B2",
                title="Piloter le projet de l'espace",
                competences=(
                    CompetenceDoc(
                        code="B2.C1", title="Construire un modèle économique", levels=LEVELS
                    ),
                ),
            ),
        ),
    )


@pytest.fixture
def build_framework(learning_factory):
    """build_framework(by, document=None, publish=True, owner=None) -> the version written."""

    def build(by, document=None, *, publish=True, owner=None):
        version = actions.import_framework(
            document=document or sample_document(), owner=owner or learning_factory, by=by
        )
        if publish:
            version = actions.publish_version(
                version=version, change_note="Première version.", by=by
            )
        return version

    return build


def url(name, version, *args):
    """The address of a version's page ``frameworks:<name>``."""
    return reverse(f"frameworks:{name}", args=[version.framework.slug, version.number, *args])


@pytest.fixture
def published(coordinator, build_framework, skills):
    """The sample framework, published as version 1, with two linked skills."""
    return build_framework(coordinator, sample_document(skills))


@pytest.fixture
def draft(coordinator, published):
    """Version 2 of the sample framework: a draft copied from version 1."""
    return actions.start_new_version(framework=published.framework, by=coordinator)


def framework_with(count, coordinator, learning_factory, skills):
    """A draft of ``count`` blocs, each with a competence of three levels and a skill."""
    document = FrameworkDoc(
        title="Cadre",
        blocs=tuple(
            BlocDoc(
                code=f"B{n}",
                title=f"Bloc {n}",
                competences=(
                    CompetenceDoc(
                        code=f"B{n}.C1",
                        title="Compétence",
                        skills=(SkillRef("rome", skills["rome-fab"].code),),
                        levels=LEVELS,
                    ),
                ),
            )
            for n in range(count)
        ),
    )
    return actions.import_framework(document=document, owner=learning_factory, by=coordinator)
