"""Settings of the worker processes started by the jobs tests: the test settings, plus this
test package as an app (for its tiny importer). The database comes from ``DATABASE_URL``,
which the tests point at their own test database."""

from fabrique.settings_test import *  # noqa: F403
from fabrique.settings_test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.apps.JobsTestsConfig"]
