"""The ``fabrique`` command: Django's management entry point with Fabrique's settings.

``fabrique plan ...`` is answered before Django is imported (the planner needs no database
and starts in a fraction of a second): see ``fabrique.engine.planner.cli``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "plan":
        from fabrique.engine.planner.cli import main as plan

        sys.exit(plan(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs on plain http://127.0.0.1 with a console mail backend.
        os.environ.setdefault("FABRIQUE_MODE", "demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
