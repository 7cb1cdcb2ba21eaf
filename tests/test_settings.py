"""Settings read from the environment behave: production is safe by default, a database is
chosen by DATABASE_URL, and a wrong setting stops the program with a clear message.

Settings are computed when the module is imported, so each case runs ``fabrique`` (or a
short Python script) in a child process with its own environment.
"""

import json
import os
import secrets
import sqlite3
import string
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Variables read by fabrique/settings.py (and by pytest-django) that must not leak from the
# test process into the child's environment.
_SETTING_VARIABLES = {
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_HOST",
    "MEDIA_ROOT",
    "SECRET_KEY",
    "STATIC_ROOT",
    "USE_X_FORWARDED_PROTO",
    "WHITENOISE_USE_FINDERS",
}
_SETTING_PREFIXES = ("FABRIQUE_", "SECURE_")

PRODUCTION_HOST = "fabrique.example.org"


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+-=@^_"
    return "".join(secrets.choice(alphabet) for _ in range(60))


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """The environment of a production server: only what an operator must set."""
    return {
        "FABRIQUE_MODE": "production",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": PRODUCTION_HOST,
        "FABRIQUE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` in a child process whose settings come from ``env`` only."""
    child_env = {
        key: value
        for key, value in os.environ.items()
        if key not in _SETTING_VARIABLES and not key.startswith(_SETTING_PREFIXES)
    }
    child_env.update(env)
    return subprocess.run(
        [sys.executable, *args],
        env=child_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def fabrique(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["-m", "fabrique", *args], env)


_INSPECT_PRODUCTION = f"""
import json
import django
from django.conf import settings
from django.test import Client

django.setup()
client = Client(headers={{"host": "{PRODUCTION_HOST}"}})
plain_http = client.get("/")  # /healthz is exempt from the HTTPS redirect
https = client.get("/healthz", secure=True)
print(json.dumps({{
    "settings": {{
        name: getattr(settings, name)
        for name in [
            "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "X_FRAME_OPTIONS",
        ]
    }},
    "mail_backend": settings.MAILERS["default"]["BACKEND"],
    "plain_http": [plain_http.status_code, plain_http.headers.get("Location")],
    "https_headers": {{
        name: https.headers.get(name)
        for name in [
            "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
            "X-Content-Type-Options", "Referrer-Policy",
        ]
    }},
}}))
"""


def test_production_mode_is_secure_by_default(production_env):
    env = {**production_env, "DJANGO_SETTINGS_MODULE": "fabrique.settings"}
    del env["FABRIQUE_MODE"]  # production is the default

    result = run(["-c", _INSPECT_PRODUCTION], env)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
    }
    assert seen["mail_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert seen["plain_http"] == [301, f"https://{PRODUCTION_HOST}/"]
    headers = seen["https_headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_check_deploy_finds_no_issue_in_production(production_env):
    result = fabrique("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "check_id"),
    [
        ("DEBUG", "1", "security.W018"),
        ("SECRET_KEY", "too-short", "security.W009"),
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
    ],
)
def test_check_deploy_fails_on_an_insecure_setting(production_env, variable, value, check_id):
    env = {**production_env, variable: value}

    result = fabrique("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 1
    assert check_id in result.stderr


def test_secret_key_is_generated_once_and_kept_private(production_env, tmp_path):
    del production_env["SECRET_KEY"]
    print_key = [
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)",
    ]
    env = {**production_env, "DJANGO_SETTINGS_MODULE": "fabrique.settings"}

    first = run(print_key, env)
    second = run(print_key, env)

    key_file = Path(production_env["FABRIQUE_VAR_DIR"]) / "secret_key"
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_database_url_selects_the_database_of_commands(tmp_path):
    database = tmp_path / "chosen.sqlite3"
    env = {
        "FABRIQUE_MODE": "demo",
        "FABRIQUE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
    }

    result = fabrique("migrate", "--no-input", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    with closing(sqlite3.connect(database)) as connection:  # sqlite3's own "with" leaves it open
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"django_migrations", "accounts_user", "territories_industrialterritory"} <= tables
    assert not (tmp_path / "var" / "fabrique.sqlite3").exists()


def test_unknown_mode_stops_with_a_clear_message(tmp_path):
    env = {"FABRIQUE_MODE": "bogus", "FABRIQUE_VAR_DIR": str(tmp_path)}

    result = fabrique("check", env=env)

    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: "
        "FABRIQUE_MODE must be production, demo or test, not 'bogus'."
    ) in result.stderr


def test_demo_mode_serves_plain_http_on_the_local_machine(tmp_path):
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.ALLOWED_HOSTS]))"
    )
    env = {
        "FABRIQUE_MODE": "demo",
        "FABRIQUE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "fabrique.settings",
    }

    result = run(["-c", script], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, False, False, 0, ["127.0.0.1", "localhost"]]
