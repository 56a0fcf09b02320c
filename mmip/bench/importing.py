"""Importing a funder's 360Giving file at scale: the "imports" section.

The file is our own 360Giving export of the large synthetic record, as
``/funding/360giving.json`` gives it (requested through the client the downloads are
measured with, read to the last byte into a temporary file). It is imported into a database
of the benchmark's own, ``<bench name>_import``, emptied first, in three steps, each in a
fresh Python process (``manage.py bench --import-step``) so that each one's peak resident
set size is its own: the preview (a dry run) of the file against the empty database; the
import; and the import of the same file again, which changes nothing.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from psycopg import sql

from funding.models import Award
from imports.choices import Choices
from imports.preview import preview
from imports.reading import FileRefused, open_grant_file
from imports.services import ImportRefused, apply_import
from mmip.bench.databases import beside, ensure_exists, prepare_synthetic, switched_to
from mmip.bench.measure import get, measuring, peak_memory_mb

STEPS = ("preview", "import", "again")
EXPORT_URL_NAME = "award-download-360giving"
# Kept as the import database's comment, so that the benchmark empties only a database it
# made itself (or an empty one).
IMPORT_MARK = "mmip benchmark import target"


@dataclass
class ImportsAtScale:
    """Everything measured of the imports, for the report."""

    source: str  # the synthetic database exported
    target: str  # the database imported into
    awards: int
    export_path: str
    export_megabytes: float
    load: float  # the machine's load average (1 minute) as the steps began
    steps: dict  # step: step_figures() of its process


def target_database(big: dict) -> dict:
    return beside(big, "import")


def measure_imports(
    big: dict, *, awards: int, milestones: int, say: Callable[[str], None], verbosity: int
) -> ImportsAtScale:
    """Fills (or reuses) the synthetic database, exports it, and times the three steps."""
    prepare_synthetic(big, awards, milestones, say=say, verbosity=verbosity)
    target = target_database(big)
    with tempfile.TemporaryDirectory(prefix="mmip-bench-import-") as directory:
        path = Path(directory) / "360giving.json"
        say(f"Exporting the awards of “{big['NAME']}” as 360Giving.")
        export(big, path)
        megabytes = path.stat().st_size / 1_000_000
        emptied(target, say=say)
        load = os.getloadavg()[0]
        steps = {}
        for step in STEPS:
            steps[step] = run_step(big, step, path)
            figures = steps[step]
            say(
                f"{step}: {figures['seconds']:.1f} s, peak {figures['peak_mb']:.0f} MB, "
                f"{figures['counts']['new']:,} new, {figures['awards_after']:,} awards after"
            )
            if step == "import":
                settled(target)
    return ImportsAtScale(
        source=big["NAME"],
        target=target["NAME"],
        awards=awards,
        export_path=reverse(EXPORT_URL_NAME),
        export_megabytes=megabytes,
        load=load,
        steps=steps,
    )


def export(big: dict, path: Path) -> None:
    with switched_to(big), measuring():
        response = get(Client(), reverse(EXPORT_URL_NAME))
        with path.open("wb") as file:
            for chunk in response.streaming_content:
                file.write(chunk)
        response.close()


def emptied(target: dict, *, say: Callable[[str], None]) -> None:
    """Creates and migrates the import database, then empties it: every table, as flush
    does. A database holding records that it did not put there is refused."""
    ensure_exists(target)
    with switched_to(target):
        call_command("migrate", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            found = cursor.fetchone()[0] or ""
        if found != IMPORT_MARK and Award.objects.exists():
            raise CommandError(
                f"“{target['NAME']}” holds awards the benchmark did not import, so it will not "
                "empty it: drop it, or choose another --database-name."
            )
        say(f"Emptying “{target['NAME']}” to import into.")
        call_command("flush", interactive=False, verbosity=0)
        comment = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(target["NAME"]), sql.Literal(IMPORT_MARK)
        )
        # Not analysed after: flush truncates, which leaves each table as a freshly migrated
        # database has it, never analysed, and so the planner does not take it to be empty
        # for good (as it would after an ANALYZE now) while the import fills it.
        with connection.cursor() as cursor:
            cursor.execute(comment.as_string(cursor.connection))


def settled(target: dict) -> None:
    """Analysed, as autovacuum leaves a database some time after a large import, so that
    the planner knows the tables' new sizes when the same file comes again."""
    with switched_to(target), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def run_step(big: dict, step: str, path: Path) -> dict:
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--import-step", step, "--import-file", str(path), "--database-name", big["NAME"]]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False)  # fmt: skip
    if done.returncode != 0:
        raise CommandError(f"The import's {step} step failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def step_figures(step: str, path: Path) -> dict:
    """One step, in this process, against the database this process is switched to: its
    time from opening the file (its checksum and first pass included) to the end, the
    commit included; the process's peak memory before and after; what it found."""
    if step not in STEPS:
        raise CommandError(f"There is no import step “{step}”.")
    before = peak_memory_mb()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    try:
        grant_file = open_grant_file(path, path.name)
        if step == "preview":
            found, wrote = preview(grant_file, Choices()), False
        else:
            result = apply_import(grant_file=grant_file, choices=Choices(), user=None)
            found, wrote = result.preview, not result.changed_nothing
    except (FileRefused, ImportRefused) as refused:
        raise CommandError(f"The import's {step} step was refused: {refused}") from None
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu_before,
        "peak_mb": peak_memory_mb(),
        "before_mb": before,
        "counts": found["counts"],
        "organisations_new": found["organisation_counts"]["new"],
        "programmes_new": len(found["programmes"]["new"]),
        "wrote": wrote,
        "awards_after": Award.objects.count(),
    }


def _cpu_seconds() -> float:
    """This process's CPU time: on a busy machine, what the step's own work cost it."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime
