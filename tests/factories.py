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

    insee_code = factory.Sequence(lambda n: f"57{n % 1000:03d}")
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
