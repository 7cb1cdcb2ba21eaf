"""The ``fabrique`` command: Django's management entry point with Fabrique's settings.

``fabrique plan ...`` and ``fabrique match ...`` are answered before Django is imported (they
need no database and start in a fraction of a second): see ``fabrique.engine.planner.cli`` and
``fabrique.engine.matching.cli``. With settings of its own (``DJANGO_SETTINGS_MODULE``), a
deployment's ``match`` goes through Django, which reads its paths from them.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "plan":
        from fabrique.engine.planner.cli import main as plan

        sys.exit(plan(argv[2:]))
    if len(argv) > 1 and argv[1] == "match" and _own_settings():
        from fabrique import paths
        from fabrique.engine.matching.cli import main as match

        sys.exit(match(argv[2:], paths.DATA_DIR, paths.VAR_DIR / "matching"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs on plain http://127.0.0.1 with a console mail backend.
        os.environ.setdefault("FABRIQUE_MODE", "demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _own_settings() -> bool:
    """Whether the settings are Fabrique's own, whose paths ``fabrique.paths`` gives."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    return module in {"fabrique.settings", "fabrique.settings_test"}


if __name__ == "__main__":
    main()
