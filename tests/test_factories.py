import importlib
import pkgutil

import pytest

import tests

pytestmark = pytest.mark.django_db

# Every factory of tests/factories.py and of the tests/factories_<part>.py modules.
MODULES = [
    importlib.import_module(f"tests.{info.name}")
    for info in pkgutil.iter_modules(tests.__path__)
    if info.name == "factories" or info.name.startswith("factories_")
]
ALL = [
    getattr(module, name)
    for module in MODULES
    for name in dir(module)
    if name.endswith("Factory")
    and name != "DjangoModelFactory"
    and getattr(getattr(module, name), "__module__", None) == module.__name__
]


@pytest.mark.parametrize("factory", ALL, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_factory_builds_a_valid_record(factory):
    record = factory()

    record.full_clean(validate_unique=False)
    assert record.pk is not None
