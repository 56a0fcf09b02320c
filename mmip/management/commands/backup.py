from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mmip import pgtools


class Command(BaseCommand):
    help = (
        "Dump the whole configured database (the embedded server, or DATABASE_URL) with "
        "pg_dump in its custom format, for `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the dump (default: backups/mmip-<date and time>.dump).",
        )

    def handle(self, *args, output, **options):
        if output is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "backups" / f"mmip-{stamp}.dump"
        output.parent.mkdir(parents=True, exist_ok=True)
        result = pgtools.run("pg_dump", "--format=custom", "--no-owner", f"--file={output}")
        if result.returncode != 0:
            output.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Backed up the database to {output}"))
