"""Factories of technical platforms (built by tests/test_factories.py like every factory)."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from fabrique.platforms.enums import (
    AuthorisationSource,
    BookingState,
    EquipmentCategory,
    HolderKind,
    OutcomeKind,
    ProjectStage,
    SharingState,
    TariffUnit,
    TeamRole,
    UserCategory,
)
from fabrique.platforms.models import (
    Authorisation,
    Availability,
    Booking,
    BookingTransition,
    Closure,
    Equipment,
    EquipmentDocument,
    InnovationProject,
    ProjectDocument,
    ProjectMember,
    ProjectMilestone,
    ProjectOutcome,
    ProjectStageRecord,
    SharingRequest,
    Tariff,
    TechnicalPlatform,
)
from tests.factories import CommuneFactory, OrganisationFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def next_monday(weeks: int = 1) -> dt.date:
    """A Monday ``weeks`` weeks ahead (at least 1: always in the future)."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` in Paris."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


class TechnicalPlatformFactory(DjangoModelFactory):
    """A platform open Monday to Friday, 8:00–18:00 (trait ``closed``: no opening slot)."""

    class Meta:
        model = TechnicalPlatform
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plateforme de prototypage {n}")
    slug = factory.Sequence(lambda n: f"plateforme-{n}")
    owner = factory.SubFactory(OrganisationFactory, kind="university")
    commune = factory.SubFactory(CommuneFactory)
    description = "Plasturgie, fabrication additive et usinage."
    contact_email = "plateforme@example.org"

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for weekday in range(5):
                Availability.objects.get_or_create(
                    platform=self, weekday=weekday, start=dt.time(8), end=dt.time(18)
                )


class EquipmentFactory(DjangoModelFactory):
    """An available FDM printer without authorisation (trait ``restricted``: induction needed)."""

    class Meta:
        model = Equipment

    platform = factory.SubFactory(TechnicalPlatformFactory)
    name = factory.Sequence(lambda n: f"Imprimante 3D FDM {n}")
    category = EquipmentCategory.PRINTING_FDM
    capabilities = factory.LazyFunction(
        lambda: {"build volume": "250×210×210 mm", "materials": "PLA, PETG, ABS"}
    )
    place = "Hall B"

    class Params:
        restricted = factory.Trait(requires_induction=True, authorisation_months=12, idle_months=6)


class EquipmentDocumentFactory(DjangoModelFactory):
    class Meta:
        model = EquipmentDocument

    equipment = factory.SubFactory(EquipmentFactory)
    title = "Notice d'utilisation"
    url = "https://example.org/notice.pdf"


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff

    equipment = factory.SubFactory(EquipmentFactory)
    user_category = UserCategory.STARTUP
    unit = TariffUnit.HOUR
    amount = 25


class AvailabilityFactory(DjangoModelFactory):
    class Meta:
        model = Availability

    platform = factory.SubFactory(TechnicalPlatformFactory, opening=False)
    weekday = 5
    start = dt.time(9)
    end = dt.time(12)


class ClosureFactory(DjangoModelFactory):
    class Meta:
        model = Closure

    platform = factory.SubFactory(TechnicalPlatformFactory)
    first_day = factory.LazyFunction(lambda: next_monday(3))
    last_day = factory.LazyAttribute(lambda closure: closure.first_day + dt.timedelta(days=4))
    reason = "Maintenance annuelle"


class AuthorisationFactory(DjangoModelFactory):
    class Meta:
        model = Authorisation

    user = factory.SubFactory(UserFactory)
    equipment = factory.SubFactory(EquipmentFactory, restricted=True)
    source = AuthorisationSource.INDUCTION


class BookingFactory(DjangoModelFactory):
    """A requested booking next Monday 10:00–12:00 (made directly, not through the action)."""

    class Meta:
        model = Booking

    equipment = factory.SubFactory(EquipmentFactory)
    user = factory.SubFactory(UserFactory)
    booked_by = factory.SelfAttribute("user")
    project = "Prototype de boîtier"
    user_category = UserCategory.STARTUP
    start = factory.LazyFunction(lambda: at(next_monday(), 10))
    end = factory.LazyAttribute(lambda booking: booking.start + dt.timedelta(hours=2))
    state = BookingState.REQUESTED


class BookingTransitionFactory(DjangoModelFactory):
    class Meta:
        model = BookingTransition

    booking = factory.SubFactory(BookingFactory)
    source = ""
    target = BookingState.REQUESTED


class SharingRequestFactory(DjangoModelFactory):
    class Meta:
        model = SharingRequest

    equipment = factory.SubFactory(EquipmentFactory, shared=True)
    requester = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: at(next_monday(), 14))
    end = factory.LazyAttribute(lambda request: request.start + dt.timedelta(hours=2))
    state = SharingState.PENDING


class InnovationProjectFactory(DjangoModelFactory):
    """A start-up's project at the prototype stage, hosted by a platform, with no team (use
    ``ProjectMemberFactory``, or the ``projects.create_project`` action, for one)."""

    class Meta:
        model = InnovationProject

    name = factory.Sequence(lambda n: f"Capteur connecté {n}")
    slug = factory.Sequence(lambda n: f"capteur-connecte-{n}")
    holder_kind = HolderKind.STARTUP
    holder_organisation = factory.SubFactory(OrganisationFactory, kind="company")
    platform = factory.SubFactory(TechnicalPlatformFactory)
    summary = "Un capteur de vibrations autonome pour les machines des PME."
    stage = ProjectStage.PROTOTYPE


class ProjectStageRecordFactory(DjangoModelFactory):
    class Meta:
        model = ProjectStageRecord

    project = factory.SubFactory(InnovationProjectFactory)
    stage = factory.SelfAttribute("project.stage")
    started_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60))


class ProjectMemberFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(InnovationProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.HOLDER


class ProjectMilestoneFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMilestone

    project = factory.SubFactory(InnovationProjectFactory)
    title = "Premier prototype fonctionnel"
    stage = ProjectStage.PROTOTYPE
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


class ProjectDocumentFactory(DjangoModelFactory):
    class Meta:
        model = ProjectDocument

    project = factory.SubFactory(InnovationProjectFactory)
    title = "Cahier des charges"
    url = "https://example.org/cahier-des-charges.pdf"


class ProjectOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = ProjectOutcome

    project = factory.SubFactory(InnovationProjectFactory)
    kind = OutcomeKind.JOBS_CREATED
    value = 2
    on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
