import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ALL = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory") and name != "DjangoModelFactory"
]


@pytest.mark.parametrize("factory", ALL, ids=lambda f: f.__name__)
def test_every_factory_builds_a_valid_record(factory):
    record = factory()

    record.full_clean(validate_unique=False)
    assert record.pk is not None
