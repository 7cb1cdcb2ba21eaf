"""factory-boy factories shared by the whole suite (every one is built in test_factories)."""

import factory
from factory.django import DjangoModelFactory

from fabrique.accounts.enums import OrganisationKind, Role
from fabrique.accounts.models import Membership, Organisation, User
from fabrique.people.enums import PersonStatus
from fabrique.people.models import Person
from fabrique.territories.models import (
    EPCI,
    BassinEmploi,
    Commune,
    Departement,
    IndustrialTerritory,
    Region,
    ZoneEmploi,
)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "44"
    name = "Grand Est"


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "57"
    name = "Moselle"
    region = factory.SubFactory(RegionFactory)


class EPCIFactory(DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ("siren",)

    siren = factory.Sequence(lambda n: f"2{n:08d}")
    name = factory.Sequence(lambda n: f"Communauté de communes {n}")
    kind = EPCI.Kind.CC
    population = 20000


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    # Above every code the tests write out ("57001", "57672"): get_or_create must never hand a
    # test's own commune to an organisation or a person made for another purpose.
    insee_code = factory.Sequence(lambda n: f"57{700 + n % 300:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EPCIFactory)
    population = 5000
    latitude = 49.19
    longitude = 6.9


class IndustrialTerritoryFactory(DjangoModelFactory):
    class Meta:
        model = IndustrialTerritory
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"territoire-{n}")
    name = factory.Sequence(lambda n: f"Territoire {n}")

    @factory.post_generation
    def epcis(self, create, extracted, **kwargs):
        if create and extracted:
            self.epcis.set(extracted)

    @factory.post_generation
    def coordinators(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinating_organisations.set(extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.TRAINING_CENTRE
    commune = factory.SubFactory(CommuneFactory)

    class Params:
        company = factory.Trait(kind=OrganisationKind.COMPANY)
        consortium = factory.Trait(kind=OrganisationKind.CONSORTIUM)
        employment_service = factory.Trait(kind=OrganisationKind.EMPLOYMENT_SERVICE)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    birth_year = 1990
    status = PersonStatus.JOB_SEEKER
    commune = factory.SubFactory(CommuneFactory)
    organisation = factory.SubFactory(OrganisationFactory, employment_service=True)


# --- territories (appended) ---------------------------------------------------------------------


class ZoneEmploiFactory(DjangoModelFactory):
    class Meta:
        model = ZoneEmploi
        django_get_or_create = ("code",)

    code = "4408"
    name = "Forbach"


class BassinEmploiFactory(DjangoModelFactory):
    class Meta:
        model = BassinEmploi
        django_get_or_create = ("code",)

    code = "4432"
    name = "BASSIN HOUILLER"
    region = factory.SubFactory(RegionFactory)


# --- referentials (appended) --------------------------------------------------------------------

from fabrique.engine.text import fold  # noqa: E402
from fabrique.people.enums import SkillSource  # noqa: E402
from fabrique.people.models import PersonSkill  # noqa: E402
from fabrique.referentials.models import (  # noqa: E402
    Certification,
    CertificationBloc,
    CertificationKind,
    Certifier,
    Formacode,
    LabelKind,
    Mobility,
    NsfDomain,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    SkillLabel,
    WorkContext,
)

ESCO = "http://data.europa.eu/esco"


class OccupationGroupFactory(DjangoModelFactory):
    """A ROME domaine professionnel by default; ``grand_domaine`` and ``isco`` traits."""

    class Meta:
        model = OccupationGroup
        django_get_or_create = ("scheme", "code")

    scheme = Scheme.ROME
    code = factory.Sequence(lambda n: f"H{n % 100:02d}")
    label = factory.Sequence(lambda n: f"Domaine professionnel {n}")

    class Params:
        grand_domaine = factory.Trait(code="H", label="Industrie")
        isco = factory.Trait(
            scheme="isco",
            code=factory.Sequence(lambda n: str(7200 + n)),
            label=factory.Sequence(lambda n: f"Groupe CITP {n}"),
            label_en=factory.Sequence(lambda n: f"ISCO group {n}"),
        )


class OccupationFactory(DjangoModelFactory):
    """A ROME fiche by default; the ``esco`` trait makes an ESCO occupation (URI code)."""

    class Meta:
        model = Occupation
        django_get_or_create = ("scheme", "code")

    scheme = Scheme.ROME
    code = factory.Sequence(lambda n: f"H{2900 + n % 7000:04d}")
    label = factory.Sequence(lambda n: f"Métier {n}")
    version = "v460"

    class Params:
        esco = factory.Trait(
            scheme=Scheme.ESCO,
            code=factory.Sequence(lambda n: f"{ESCO}/occupation/00000000-0000-4000-8000-{n:012d}"),
            label_en=factory.Sequence(lambda n: f"occupation {n}"),
            version="v1.1.1",
        )
        obsolete_row = factory.Trait(obsolete=True)


class OccupationLabelFactory(DjangoModelFactory):
    class Meta:
        model = OccupationLabel

    occupation = factory.SubFactory(OccupationFactory)
    language = "fr"
    kind = LabelKind.ALTERNATIVE
    text = factory.Sequence(lambda n: f"Appellation {n}")
    folded = factory.LazyAttribute(lambda label: fold(label.text))

    class Params:
        preferred = factory.Trait(kind=LabelKind.PREFERRED)
        appellation = factory.Trait(
            kind=LabelKind.APPELLATION, code=factory.Sequence(lambda n: f"{10000 + n}")
        )
        english = factory.Trait(language="en")


class SkillFactory(DjangoModelFactory):
    """A ROME savoir-faire by default; traits ``savoir_etre``, ``savoir`` and ``esco``."""

    class Meta:
        model = Skill
        django_get_or_create = ("scheme", "code")

    scheme = Scheme.ROME
    code = factory.Sequence(lambda n: f"{100000 + n}")
    label = factory.Sequence(lambda n: f"Compétence {n}")
    kind = "savoir-faire"
    version = "v460"

    class Params:
        savoir_etre = factory.Trait(kind="savoir-être")
        savoir = factory.Trait(kind="savoir")
        esco = factory.Trait(
            scheme=Scheme.ESCO,
            code=factory.Sequence(lambda n: f"{ESCO}/skill/00000000-0000-4000-8000-{n:012d}"),
            label_en=factory.Sequence(lambda n: f"skill {n}"),
            kind="skill/competence",
            version="v1.1.1",
        )
        obsolete_row = factory.Trait(obsolete=True)


class SkillLabelFactory(DjangoModelFactory):
    class Meta:
        model = SkillLabel

    skill = factory.SubFactory(SkillFactory)
    language = "fr"
    kind = LabelKind.ALTERNATIVE
    text = factory.Sequence(lambda n: f"Savoir-faire {n}")
    folded = factory.LazyAttribute(lambda label: fold(label.text))

    class Params:
        preferred = factory.Trait(kind=LabelKind.PREFERRED)
        english = factory.Trait(language="en")


class OccupationSkillFactory(DjangoModelFactory):
    class Meta:
        model = OccupationSkill

    occupation = factory.SubFactory(OccupationFactory)
    skill = factory.SubFactory(SkillFactory)
    essential = True

    class Params:
        optional = factory.Trait(essential=False)


class WorkContextFactory(DjangoModelFactory):
    class Meta:
        model = WorkContext
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{400000 + n}")
    label = factory.Sequence(lambda n: f"Contexte de travail {n}")
    category = "Conditions de travail et risques professionnels"


class MobilityFactory(DjangoModelFactory):
    class Meta:
        model = Mobility

    source = factory.SubFactory(OccupationFactory)
    target = factory.SubFactory(OccupationFactory)
    rank = 1


class FormacodeFactory(DjangoModelFactory):
    class Meta:
        model = Formacode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{23000 + n}")
    label = factory.Sequence(lambda n: f"Formacode {n}")


class NsfDomainFactory(DjangoModelFactory):
    class Meta:
        model = NsfDomain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{200 + n % 800}")
    label = factory.Sequence(lambda n: f"Spécialité {n}")


class CertifierFactory(DjangoModelFactory):
    class Meta:
        model = Certifier
        django_get_or_create = ("siret",)

    siret = factory.Sequence(lambda n: f"{n:014d}")
    name = factory.Sequence(lambda n: f"Certificateur {n}")


class CertificationFactory(DjangoModelFactory):
    """An active RNCP fiche; traits ``rs``, ``inactive`` and ``obsolete_row``."""

    class Meta:
        model = Certification
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"RNCP{30000 + n}")
    kind = CertificationKind.RNCP
    title = factory.Sequence(lambda n: f"Titre professionnel {n}")
    level = "NIV4"
    active = True

    class Params:
        rs = factory.Trait(kind=CertificationKind.RS, code=factory.Sequence(lambda n: f"RS{n}"))
        inactive = factory.Trait(active=False)
        obsolete_row = factory.Trait(obsolete=True, active=False)

    @factory.post_generation
    def occupations(self, create, extracted, **kwargs):
        if create and extracted:
            self.occupations.set(extracted)


class CertificationBlocFactory(DjangoModelFactory):
    class Meta:
        model = CertificationBloc
        django_get_or_create = ("code",)

    certification = factory.SubFactory(CertificationFactory)
    code = factory.LazyAttributeSequence(lambda bloc, n: f"{bloc.certification.code}BC{n:02d}")
    label = factory.Sequence(lambda n: f"Bloc de compétences {n}")


class PersonSkillFactory(DjangoModelFactory):
    class Meta:
        model = PersonSkill

    person = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory)
    source = SkillSource.DECLARED


# --- frameworks (appended) ----------------------------------------------------------------------

from django.utils import timezone  # noqa: E402

from fabrique.frameworks.enums import VersionStatus  # noqa: E402
from fabrique.frameworks.models import (  # noqa: E402
    Bloc,
    Competence,
    CompetenceSkill,
    CompetencyFramework,
    FrameworkVersion,
    Level,
)


class CompetencyFrameworkFactory(DjangoModelFactory):
    class Meta:
        model = CompetencyFramework
        django_get_or_create = ("slug",)

    owner = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Cadre de compétences {n}")
    slug = factory.Sequence(lambda n: f"cadre-{n}")

    class Params:
        fab_lab = factory.Trait(
            title="Pilotage et animation d'espaces d'innovation",
            slug="pilotage-animation-espaces-innovation",
        )


class FrameworkVersionFactory(DjangoModelFactory):
    """A draft version 1; traits ``published`` and ``retired``."""

    class Meta:
        model = FrameworkVersion

    framework = factory.SubFactory(CompetencyFrameworkFactory)
    number = 1
    status = VersionStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=VersionStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            change_note="Première version.",
        )
        retired = factory.Trait(
            status=VersionStatus.RETIRED,
            published_at=factory.LazyFunction(timezone.now),
            retired_at=factory.LazyFunction(timezone.now),
            change_note="Première version.",
        )


class BlocFactory(DjangoModelFactory):
    class Meta:
        model = Bloc

    version = factory.SubFactory(FrameworkVersionFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    title = factory.Sequence(lambda n: f"Bloc {n}")
    position = factory.Sequence(lambda n: n + 1)


class CompetenceFactory(DjangoModelFactory):
    class Meta:
        model = Competence

    bloc = factory.SubFactory(BlocFactory)
    version = factory.SelfAttribute("bloc.version")
    code = factory.Sequence(lambda n: f"C{n}")
    title = factory.Sequence(lambda n: f"Compétence {n}")
    position = factory.Sequence(lambda n: n + 1)


class LevelFactory(DjangoModelFactory):
    class Meta:
        model = Level

    competence = factory.SubFactory(CompetenceFactory)
    rank = 1
    label = "Applique avec de l'aide"

    class Params:
        expert = factory.Trait(rank=3, label="Transmet et fait évoluer la pratique")


class CompetenceSkillFactory(DjangoModelFactory):
    class Meta:
        model = CompetenceSkill

    competence = factory.SubFactory(CompetenceFactory)
    skill = factory.SubFactory(SkillFactory)

    class Params:
        suggested_by_matcher = factory.Trait(suggested=True, score=0.42)


# --- training offer -------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from fabrique.core.models import Notification  # noqa: E402
from fabrique.trainings.enums import Audience, EnrolmentState, Funding, Modality  # noqa: E402
from fabrique.trainings.models import (  # noqa: E402
    Enrolment,
    EnrolmentTransition,
    Session,
    Training,
    TrainingAudience,
    TrainingFunding,
)


class TrainingFactory(DjangoModelFactory):
    """A published in-person training; traits ``remote``, ``unpublished``."""

    class Meta:
        model = Training

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"F{n:05d}")
    title = factory.Sequence(lambda n: f"Maintenance des systèmes automatisés {n}")
    objectives = "Diagnostiquer une panne et remettre en service un équipement automatisé."
    modality = Modality.IN_PERSON
    hours = 420
    price = 4200

    class Params:
        remote = factory.Trait(modality=Modality.REMOTE)
        unpublished = factory.Trait(published=False)


class TrainingAudienceFactory(DjangoModelFactory):
    class Meta:
        model = TrainingAudience
        django_get_or_create = ("training", "audience")

    training = factory.SubFactory(TrainingFactory)
    audience = Audience.JOB_SEEKERS


class TrainingFundingFactory(DjangoModelFactory):
    class Meta:
        model = TrainingFunding
        django_get_or_create = ("training", "funding")

    training = factory.SubFactory(TrainingFactory)
    funding = Funding.REGION


class SessionFactory(DjangoModelFactory):
    """An open 10-seat session in two months, in Forbach's area; traits ``full``, ``cancelled``."""

    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    code = factory.Sequence(lambda n: f"S{n:05d}")
    start = factory.LazyFunction(lambda: _dt.date.today() + _dt.timedelta(days=60))
    end = factory.LazyAttribute(lambda session: session.start + _dt.timedelta(days=90))
    place_name = "Lycée Jean-Moulin"
    address = "1 rue du Lycée"
    postcode = "57600"
    city = "Forbach"
    commune = factory.SubFactory(CommuneFactory)
    latitude = 49.188
    longitude = 6.896
    capacity = 10

    class Params:
        full = factory.Trait(capacity=1, seats_taken=1, status="full")
        cancelled = factory.Trait(status="cancelled")


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    state = EnrolmentState.REQUESTED


class EnrolmentTransitionFactory(DjangoModelFactory):
    class Meta:
        model = EnrolmentTransition

    enrolment = factory.SubFactory(EnrolmentFactory)
    source = ""
    target = EnrolmentState.REQUESTED


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    message = "Votre inscription est acceptée."
    url = "/"


# --- needs of industrial projects -------------------------------------------------------------

from fabrique.needs.enums import AgeBand  # noqa: E402
from fabrique.needs.models import (  # noqa: E402
    BmoFigure,
    HiringNeed,
    IndustrialProject,
    WorkforceLine,
    WorkforceSnapshot,
)


class IndustrialProjectFactory(DjangoModelFactory):
    """A confidential project of a company near Forbach; trait ``public``."""

    class Meta:
        model = IndustrialProject

    company = factory.SubFactory(OrganisationFactory, company=True)
    name = factory.Sequence(lambda n: f"Nouvelle ligne d'injection {n}")
    commune = factory.SubFactory(CommuneFactory)
    latitude = 49.188
    longitude = 6.896
    investment_eur = 12_000_000

    class Params:
        public = factory.Trait(confidential=False)


class HiringNeedFactory(DjangoModelFactory):
    class Meta:
        model = HiringNeed

    project = factory.SubFactory(IndustrialProjectFactory)
    occupation = factory.SubFactory(OccupationFactory)
    count = 5
    needed_by = factory.LazyFunction(lambda: _dt.date.today() + _dt.timedelta(days=270))


class WorkforceSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = WorkforceSnapshot

    employer = factory.SubFactory(OrganisationFactory, company=True)
    taken_on = factory.Sequence(lambda n: _dt.date(2026, 1, 1) + _dt.timedelta(days=n))


class WorkforceLineFactory(DjangoModelFactory):
    class Meta:
        model = WorkforceLine

    snapshot = factory.SubFactory(WorkforceSnapshotFactory)
    occupation = factory.SubFactory(OccupationFactory)
    age_band = AgeBand.FROM_55
    headcount = 12


class BmoFigureFactory(DjangoModelFactory):
    class Meta:
        model = BmoFigure

    year = 2024
    bassin = factory.SubFactory(BassinEmploiFactory)
    occupation_code = factory.Sequence(lambda n: f"D1X{n:02d}")
    occupation_label = "Régleurs"
    family_code = "D"
    family_label = "Mécanique, travail des métaux"
    projects = 120
    difficult = 80
    seasonal = 0
