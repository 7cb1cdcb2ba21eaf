from django.apps import AppConfig


class JobsTestsConfig(AppConfig):
    """Installed only in the worker processes the tests start (see ``worker_settings``), so
    that the importer registry discovers ``tests.jobs.importers`` as it would a real app's."""

    name = "tests.jobs"
    label = "jobs_tests"
