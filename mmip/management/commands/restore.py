from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from mmip import pagecache, pgtools


class Command(BaseCommand):
    help = (
        "Replace the configured database's contents with a dump made by `manage.py backup`. "
        "All or nothing: pg_restore runs in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="A file written by manage.py backup.")

    def handle(self, *args, dump, **options):
        if not dump.is_file():
            raise CommandError(f"There is no backup at {dump}.")
        # An open transaction of ours would hold locks that DROP TABLE waits for.
        connections.close_all()
        result = pgtools.run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connections['default'].settings_dict['NAME']}",
            str(dump),
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed; nothing was changed: {result.stderr.strip()}")
        # The dump brings back an old record generation, under which cached pages of a
        # different record may be stored: move past it and drop the cache.
        pagecache.invalidate_all()
        cache.clear()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Restored the database from {dump}"))
