"""``fabrique demo``: a ready-to-explore platform in one command.

    fabrique demo                          # migrate, load, build, serve on 127.0.0.1:8000
    fabrique demo --port 8080              # another port
    fabrique demo --scale 3                # three times the synthetic population
    fabrique demo --reset                  # start again from an empty database
    fabrique demo --no-serve               # build and exit (tests, CI)
    fabrique demo --departements 57,25,54  # load only the communes of these départements

It migrates the database, loads the territories and the ROME core if they are not there,
builds the demo world if it is not built, prints one login per role, then runs the web
server (gunicorn) and one job worker until Ctrl-C or SIGTERM. A second run reuses
everything and starts in seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation
from fabrique.core.progress import TerminalProgress
from fabrique.demo import serve
from fabrique.demo.builder import DEFAULT_SEED, DemoWorldError, build_world, demo_state
from fabrique.demo.logins import DEMO_PASSWORD, LOGINS
from fabrique.engine.arguments import whole_number
from fabrique.referentials.importers import import_referentials, missing
from fabrique.territories.importers import import_territories, is_loaded

LOGIN_PATH = "/comptes/connexion/"
# What the demo world needs at once (people's skills are ROME items); the others are queued.
SOURCES_FOR_THE_WORLD = {"naf", "rome"}


positive_int = whole_number(1)
port_number = whole_number(1, 65535)


def departement_codes(value: str) -> set[str]:
    codes = {code.strip().upper() for code in value.split(",") if code.strip()}
    if not codes:
        raise argparse.ArgumentTypeError("give département codes separated by commas")
    return codes


class Command(BaseCommand):
    help = (
        "Build the demo world (territories, ROME, organisations, accounts, synthetic people) "
        "and serve it with a web server and a job worker."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--scale",
            type=positive_int,
            default=None,
            help="Multiply the synthetic population (about 3,000 people per unit; default 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help=f"Seed of the random choices; the same seed gives the same world "
            f"(default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every record (SQLite: the database file) and build again.",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Build what is missing, then exit."
        )
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to serve on (default: %(default)s)."
        )
        parser.add_argument(
            "--port",
            type=port_number,
            default=8000,
            help="Port to serve on (default: %(default)s).",
        )
        parser.add_argument(
            "--departements",
            type=departement_codes,
            default=None,
            metavar="CODES",
            help="Load only the communes and EPCI of these départements, e.g. 57,25,54 "
            "(faster; the demo territories lie in 57, 25 and 54). Default: all of France.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port, serving = options["host"], options["port"], not options["no_serve"]
        if serving:
            self._check_port(host, port)
        if options["reset"]:
            self._reset()
        self._prepare(options)
        self._print_logins(host, port, serving)
        if not serving:
            return
        self.stdout.write(f"Starting the web server and a worker on {self._url(host, port)}")
        if host not in {"127.0.0.1", "localhost", "::1"}:
            self.stdout.write(
                "To open it from other machines, list their host name in ALLOWED_HOSTS, "
                "e.g. ALLOWED_HOSTS=demo.example.org,127.0.0.1 fabrique demo --host 0.0.0.0"
            )
        self.stdout.write("Press Ctrl-C to stop.\n")
        try:
            serve.serve(
                host,
                port,
                on_ready=lambda: self.stdout.write(
                    self.style.SUCCESS(f"Ready: {self._url(host, port)}")
                ),
            )
        except serve.ChildDied as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Stopped.")

    # --- steps ------------------------------------------------------------------------------

    def _check_port(self, host: str, port: int) -> None:
        try:
            serve.check_port(host, port)
        except serve.PortBusy:
            raise CommandError(
                f"Port {port} on {host} is already in use (another demo or another program). "
                f"Stop it, or choose another port: fabrique demo --port {port + 1}"
            ) from None
        except OSError as error:
            raise CommandError(f"Cannot serve on {host}:{port}: {error.strerror}") from None

    def _reset(self) -> None:
        if self._has_tables() and demo_state() is None and Organisation.objects.exists():
            raise CommandError(
                "This database holds organisations but no demo world: --reset refuses to "
                "delete it. Point DATABASE_URL at a database of its own for the demo."
            )
        database = settings.DATABASES["default"]
        name = str(database["NAME"])
        if database["ENGINE"] == "django.db.backends.sqlite3" and not _in_memory(name):
            connection.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(name + suffix).unlink(missing_ok=True)
            self.stdout.write(f"Deleted the SQLite database {name}.")
        else:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(f"Flushed every table of the database {name}.")

    def _prepare(self, options: dict[str, Any]) -> None:
        progress = TerminalProgress()
        started = time.perf_counter()
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self._done("Database ready", started)
        if demo_state() is None and Organisation.objects.exists():
            raise CommandError(
                "This database already holds organisations that are not a demo world. "
                "Run the demo on a database of its own (DATABASE_URL)."
            )

        if not is_loaded():
            started = time.perf_counter()
            where = ", ".join(sorted(options["departements"] or [])) or "all of France"
            self.stdout.write(f"Loading the territories ({where})…")
            import_territories(
                wet_run=True, departements=options["departements"], progress=progress
            )
            self._done("Territories loaded", started)

        names = missing()
        if now := [name for name in names if name in SOURCES_FOR_THE_WORLD]:
            started = time.perf_counter()
            self.stdout.write(f"Loading the référentiels ({', '.join(now).upper()})…")
            reports = import_referentials(wet_run=True, names=now, progress=progress)
            versions = ", ".join(f"{report.name.upper()} {report.version}" for report in reports)
            self._done(f"Référentiels loaded: {versions}", started)
        if later := [name for name in names if name not in SOURCES_FOR_THE_WORLD]:
            self._queue_referentials(later, serving=not options["no_serve"])
        self._queue_matcher()

        state = demo_state()
        if state is None:
            self.stdout.write("Building the demo world…")
            try:
                report = build_world(
                    seed=DEFAULT_SEED if options["seed"] is None else options["seed"],
                    scale=options["scale"] or 1,
                    progress=progress,
                )
            except DemoWorldError as error:
                raise CommandError(str(error)) from error
            state = report.state
            self.stdout.write(self.style.SUCCESS(f"Demo world built in {report.seconds:.1f} s"))
        else:
            self._warn_if_other_world(state, options)
        counts = state.counts
        self.stdout.write(
            f"Demo world (seed {state.seed}, scale {state.scale}): "
            f"{counts.get('organisations', 0):,} organisations, "
            f"{counts.get('territories', 0)} territories, {counts.get('users', 0):,} accounts, "
            f"{counts.get('people', 0):,} people, {counts.get('person_skills', 0):,} skills "
            "declared."
        )

    def _queue_referentials(self, names: list[str], *, serving: bool) -> None:
        """The référentiels the world does not need (about 25 s) load in a background job,
        so that the demo opens at once; the demo's worker runs it."""
        from fabrique.jobs.actions import enqueue_job
        from fabrique.jobs.models import JobProgress
        from fabrique.jobs.tasks import import_reference_data

        label = f"Référentiels: {', '.join(names).upper()}"
        queued = JobProgress.objects.filter(
            label=label, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).first()
        job = queued or enqueue_job(
            task=import_reference_data,
            label=label,
            by=None,
            args=["referentials"],
            kwargs={"wet_run": True},
        )
        when = "the worker runs it now" if serving else "run `fabrique worker --batch` to load them"
        self.stdout.write(f"{label} queued as job {job.id}: {when}.")

    def _queue_matcher(self) -> None:
        """The text matcher's indexes (10 to 30 s to build) are prepared by the worker too;
        until they are, searches answer without the matcher's suggestions."""
        from fabrique.jobs.actions import enqueue_job
        from fabrique.jobs.models import JobProgress
        from fabrique.referentials import matching
        from fabrique.referentials.tasks import prepare_matcher

        if matching.ready("occupations", "rome") and matching.ready("skills", "rome"):
            return
        label = "Text matcher: indexes"
        queued = JobProgress.objects.filter(
            label=label, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).first()
        job = queued or enqueue_job(task=prepare_matcher, label=label, by=None)
        self.stdout.write(f"{label} queued as job {job.id}.")

    def _warn_if_other_world(self, state: Any, options: dict[str, Any]) -> None:
        wanted_scale, wanted_seed = options["scale"], options["seed"]
        differs = (wanted_scale is not None and wanted_scale != state.scale) or (
            wanted_seed is not None and wanted_seed != state.seed
        )
        if differs:
            scale = wanted_scale or state.scale
            seed = state.seed if wanted_seed is None else wanted_seed
            self.stdout.write(
                self.style.WARNING(
                    f"This database holds a demo world built with seed {state.seed} at scale "
                    f"{state.scale}; it is kept as it is. To rebuild it with seed {seed} at "
                    f"scale {scale}, run: fabrique demo --reset --seed {seed} --scale {scale}"
                )
            )

    # --- output -----------------------------------------------------------------------------

    def _done(self, what: str, started: float) -> None:
        self.stdout.write(self.style.SUCCESS(f"{what} in {time.perf_counter() - started:.1f} s"))

    @staticmethod
    def _url(host: str, port: int) -> str:
        shown = "127.0.0.1" if host in {"0.0.0.0", ""} else f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def _print_logins(self, host: str, port: int, serving: bool) -> None:
        rows = [("Role", "E-mail", "Password", "What to look at")]
        with translation.override("en"):  # the command speaks English, like every command
            rows += [
                (str(Role(login.role).label), login.email, DEMO_PASSWORD, login.look_at)
                for login in LOGINS
            ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins, one per role"))
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            line = f"  {line}  {row[3]}"
            self.stdout.write(self.style.MIGRATE_LABEL(line) if index == 0 else line)
        self.stdout.write("")
        url = self._url(host, port)
        verb = "Open" if serving else "Once served (fabrique demo), open"
        self.stdout.write(f"{verb} {url} and log in at {url.rstrip('/')}{LOGIN_PATH}")
        self.stdout.write("")

    def _has_tables(self) -> bool:
        return Organisation._meta.db_table in connection.introspection.table_names()


def _in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name or not name
