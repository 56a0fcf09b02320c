"""The benchmark's own databases on the configured server, made once and reused.

``<configured name>_bench`` (or BENCH_DATABASE_URL) holds a large synthetic record,
``…_small`` a small one, and ``…_demo`` the demo record of fixtures/*.json. The configured
database is never written: a benchmark database that would be the configured one is
refused.
"""

import hashlib
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from psycopg import sql

from funding.models import Award
from mmip.bench.synthetic_shape import AWARD_PREFIX
from mmip.models import Organisation
from workstreams.models import Milestone

SEED = 1
# Kept as the demo database's comment: which fixtures it holds, so that it is reloaded only
# when they change.
DEMO_MARK = "mmip benchmark demo record, fixtures "


def _address(database: dict) -> tuple:
    """Where a database lives: host (or socket directory), port and name."""
    host = database.get("HOST") or database.get("OPTIONS", {}).get("host") or ""
    return host, str(database.get("PORT") or ""), database["NAME"]


def bench_database(name: str | None = None) -> dict:
    """The settings of the benchmark's database: BENCH_DATABASE_URL, else the configured
    database's server under the name ``<configured name>_bench``; ``name`` overrides the
    name. Refuses the configured database itself."""
    main = settings.DATABASES["default"]
    if os.environ.get("BENCH_DATABASE_URL"):
        given = dj_database_url.parse(os.environ["BENCH_DATABASE_URL"])
        if not given["ENGINE"].endswith("postgresql"):
            raise CommandError("BENCH_DATABASE_URL must point at PostgreSQL.")
        # Only where the database is: connection reuse and the rest stay as configured, so
        # that requests are timed as the site runs them.
        where = {key: given[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
        bench = {**main, **where, "OPTIONS": given.get("OPTIONS", {})}
    else:
        bench = {**main, "NAME": f"{main['NAME']}_bench"}
    if name:
        bench["NAME"] = name
    if _address(bench) == _address(main):
        raise CommandError(
            f"The benchmark would run in the configured database “{main['NAME']}”. It fills its "
            "database with a synthetic record, so it needs one of its own: leave "
            "BENCH_DATABASE_URL unset (it then uses “<name>_bench”) or point it elsewhere."
        )
    return bench


def beside(database: dict, suffix: str) -> dict:
    """Another benchmark database on the same server, named after ``database``."""
    return {**database, "NAME": f"{database['NAME']}_{suffix}"}


def ensure_exists(database: dict):
    params = type(connections["default"])(database).get_connection_params()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
        if not found.fetchone():
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


@contextmanager
def switched_to(database: dict):
    """This process's default connection points at ``database`` for the block. Nothing can
    be half done in the configured database: the switch happens outside any transaction."""
    if connection.in_atomic_block:
        raise CommandError("The benchmark cannot switch databases inside a transaction.")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(database)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@contextmanager
def migrated(database: dict):
    """Switched to the database, created if need be and migrated; vacuumed and analysed at
    the end of the block, as autovacuum leaves a settled database, so that the planner
    knows the tables' sizes when the pages are measured."""
    ensure_exists(database)
    with switched_to(database):
        call_command("migrate", interactive=False, verbosity=0)
        yield
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def prepare_synthetic(
    database: dict,
    awards: int,
    milestones: int,
    *,
    say: Callable[[str], None],
    verbosity: int,
):
    """Creates, migrates and fills the database, unless it already holds a record of these
    sizes. generate_synthetic is never forced, so it refuses a database that holds real
    records (a second guard, should BENCH_DATABASE_URL name the real database another way).
    A record kept is laid out around the day it was made, not today."""
    with migrated(database):
        synthetic = Award.objects.filter(identifier__startswith=AWARD_PREFIX).count()
        sizes = (synthetic, Award.objects.count(), Milestone.objects.count())
        if sizes == (awards, awards, milestones):
            say(
                f"Reusing {awards:,} synthetic awards and {milestones:,} milestones in "
                f"“{database['NAME']}”."
            )
        else:
            say(
                f"Filling “{database['NAME']}” with {awards:,} synthetic awards and "
                f"{milestones:,} milestones."
            )
            call_command(
                "generate_synthetic",
                awards=awards,
                milestones=milestones,
                seed=SEED,
                verbosity=verbosity,
            )


def demo_fixtures() -> list[Path]:
    return sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def prepare_demo(database: dict, *, say: Callable[[str], None]):
    """Creates, migrates and loads the demo record into the database, unless it holds these
    very fixtures already. It empties only a database it loaded itself, or an empty one."""
    fixtures = demo_fixtures()
    digest = hashlib.sha256()
    for fixture in fixtures:
        digest.update(fixture.name.encode() + b"\0" + fixture.read_bytes())
    mark = DEMO_MARK + digest.hexdigest()[:16]
    with migrated(database):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            found = cursor.fetchone()[0] or ""
        if found == mark:
            say(f"Reusing the demo record in “{database['NAME']}”.")
            return
        if not found.startswith(DEMO_MARK) and Organisation.objects.exists():
            raise CommandError(
                f"“{database['NAME']}” holds records the benchmark did not load, so it will not "
                "empty it for the demo record: drop it, or choose another --database-name."
            )
        say(f"Loading the demo record into “{database['NAME']}”.")
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", *fixtures, verbosity=0)
        comment = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(database["NAME"]), sql.Literal(mark)
        )
        with connection.cursor() as cursor:
            cursor.execute(comment.as_string(cursor.connection))
