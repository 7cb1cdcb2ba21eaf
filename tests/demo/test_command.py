"""``fabrique demo`` through call_command: --no-serve builds and prints, then exits."""

import io
import re
import socket

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Membership
from fabrique.core.models import DataSource
from fabrique.demo.builder import PEOPLE_PER_SCALE
from fabrique.demo.logins import DEMO_PASSWORD
from fabrique.frameworks.models import CompetencyFramework
from fabrique.jobs.models import JobProgress
from fabrique.people.models import Person
from tests.factories import OrganisationFactory

DEPARTEMENTS = "57,25,54"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--departements", DEPARTEMENTS, *args, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> dict[str, str]:
    """role label -> e-mail, from the table the command prints."""
    logins: dict[str, list[str]] = {}
    for line in output.splitlines():
        match = re.match(r"^\s+(\S.*?)\s{2,}(\S+@\S+)\s+(\S+)\s{2,}(.+)$", line)
        if match:
            logins.setdefault(match[1], []).append(match[2])
            assert match[3] == DEMO_PASSWORD
    assert all(len(emails) == 1 for emails in logins.values()), logins
    return {role: emails[0] for role, emails in logins.items()}


@pytest.mark.django_db
def test_demo_no_serve_loads_builds_and_prints_one_login_per_role():
    output = run_demo()

    assert DataSource.objects.filter(name__in=["territories", "rome", "demo"]).count() == 3
    assert Person.objects.count() == PEOPLE_PER_SCALE
    logins = printed_logins(output)
    with translation.override("en"):  # the command prints English role names
        labels = {role: str(role.label) for role in Role}
    assert sorted(logins) == sorted(labels.values())
    for role in Role:
        user = authenticate(email=logins[labels[role]], password=DEMO_PASSWORD)
        assert user is not None, role
        assert Membership.objects.filter(user=user, role=role).exists(), role
    assert "http://127.0.0.1:8000/" in output
    assert "Référentiels: FORMACODE, ESCO, RNCP queued as job" in output
    assert JobProgress.objects.filter(label="Référentiels: FORMACODE, ESCO, RNCP").count() == 1
    assert CompetencyFramework.objects.filter(owner__slug="sud-lorraine-reseau").count() == 1


@pytest.mark.django_db
def test_demo_run_again_keeps_the_world_and_says_how_to_reset_for_another_scale():
    run_demo()
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))

    output = run_demo("--scale", "2")

    assert list(Person.objects.order_by("pk").values_list("pk", flat=True)) == people
    assert "Building the demo world" not in output
    assert JobProgress.objects.filter(label="Référentiels: FORMACODE, ESCO, RNCP").count() == 1
    assert "fabrique demo --reset --seed 2026 --scale 2" in output


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_organisations():
    OrganisationFactory()

    with pytest.raises(CommandError, match="not a demo world"):
        run_demo()
    with pytest.raises(CommandError, match="refuses"):
        run_demo("--reset")


def test_demo_says_when_the_port_is_busy():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        with pytest.raises(CommandError, match=f"Port {port} on 127.0.0.1 is already in use"):
            call_command("demo", "--port", str(port))


@pytest.mark.parametrize(
    "args",
    [("--scale", "0"), ("--scale", "two"), ("--port", "70000"), ("--departements", ",")],
)
def test_demo_rejects_bad_options(args):
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", *args)
