import pytest

from fabrique.accounts import rules
from fabrique.accounts.enums import Role
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_platform_admin_sees_any_person(make_member):
    admin = make_member(Role.PLATFORM_ADMIN)
    person = PersonFactory()

    assert rules.can_view_person(admin, person)
    assert rules.scoped_organisation_ids(admin) is None


def test_superuser_is_platform_admin(db):
    assert rules.is_platform_admin(UserFactory(superuser=True))


def test_trainer_sees_own_organisation_people_only(make_member):
    school = OrganisationFactory()
    other = OrganisationFactory()
    trainer = make_member(Role.TRAINER, organisation=school)

    assert rules.can_view_person(trainer, PersonFactory(organisation=school))
    assert not rules.can_view_person(trainer, PersonFactory(organisation=other))


def test_learner_sees_only_own_person_record(make_member):
    school = OrganisationFactory()
    learner = make_member(Role.LEARNER, organisation=school)
    own = PersonFactory(organisation=school, user=learner)
    classmate = PersonFactory(organisation=school)

    assert rules.can_view_person(learner, own)
    assert not rules.can_view_person(learner, classmate)


def test_coordinator_sees_people_of_organisations_in_coordinated_territory(make_member):
    epci = EPCIFactory()
    inside = OrganisationFactory(commune=CommuneFactory(epci=epci))
    outside = OrganisationFactory(commune=CommuneFactory(epci=EPCIFactory()))
    consortium = OrganisationFactory(consortium=True, commune=CommuneFactory(epci=epci))
    IndustrialTerritoryFactory(epcis=[epci], coordinators=[consortium])
    coordinator = make_member(Role.COORDINATOR, organisation=consortium)

    assert rules.can_view_person(coordinator, PersonFactory(organisation=inside))
    assert not rules.can_view_person(coordinator, PersonFactory(organisation=outside))


def test_coordinator_sees_consortium_partners(make_member):
    consortium = OrganisationFactory(consortium=True)
    partner = OrganisationFactory()
    consortium.partners.add(partner)
    coordinator = make_member(Role.COORDINATOR, organisation=consortium)

    assert partner.pk in rules.coordinated_organisation_ids(coordinator)
    assert rules.can_view_members(coordinator, partner)


def test_anonymous_sees_directory_but_not_members(db):
    from django.contrib.auth.models import AnonymousUser

    org = OrganisationFactory()

    assert rules.can_view_organisation(AnonymousUser(), org)
    assert not rules.can_view_members(AnonymousUser(), org)
    assert not rules.can_manage_organisation(AnonymousUser(), org)


def test_only_organisation_admin_manages_members(make_member):
    org = OrganisationFactory()

    assert rules.can_manage_organisation(
        make_member(Role.ORGANISATION_ADMIN, organisation=org), org
    )
    assert not rules.can_manage_organisation(make_member(Role.TRAINER, organisation=org), org)
    assert not rules.can_manage_organisation(make_member(Role.ORGANISATION_ADMIN), org)


def test_territory_editing_limited_to_its_coordinators(make_member):
    consortium = OrganisationFactory(consortium=True)
    territory = IndustrialTerritoryFactory(coordinators=[consortium])

    assert rules.can_edit_territory(
        make_member(Role.COORDINATOR, organisation=consortium), territory
    )
    assert not rules.can_edit_territory(make_member(Role.COORDINATOR), territory)
    assert not rules.can_edit_territory(
        make_member(Role.TRAINER, organisation=consortium), territory
    )


def test_inactive_user_has_no_rights(make_member):
    admin = make_member(Role.PLATFORM_ADMIN, is_active=False)

    assert not rules.is_platform_admin(admin)
    assert not rules.can_view_person(admin, PersonFactory())
