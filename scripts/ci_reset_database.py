"""Drop the PostgreSQL databases of DATABASE_URLs (with their ``test_`` twins) and create
them again, empty, so that a CI run never starts from what an earlier run left behind.

    python scripts/ci_reset_database.py postgres://postgres@127.0.0.1:5432/fabrique_ci [...]
"""

import sys

import dj_database_url
import psycopg
from psycopg import sql


def reset(url: str) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"Not a PostgreSQL URL: {url}")
    name = config["NAME"]
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        connection = psycopg.connect(
            dbname="postgres", autocommit=True, connect_timeout=10, **server
        )
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable for {name}: {error}") from error
    with connection:
        # The test databases: test_NAME, and test_NAME_gw0... of parallel test processes.
        twins = [
            row[0]
            for row in connection.execute(
                "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
                [f"test_{name}", f"test_{name}\\_gw%"],
            )
        ]
        for database in (*twins, name):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dropped = ", ".join(twins) or "none"
    print(f"PostgreSQL database {name} is new and empty (test databases dropped: {dropped}).")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for database_url in sys.argv[1:]:
        reset(database_url)
