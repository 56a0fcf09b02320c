import time

from django.core.management.base import BaseCommand

from mmip.bench.synthetic import generate
from mmip.bench.synthetic_shape import FIRST_YEAR, LAST_YEAR


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic-looking, clearly labelled synthetic funding record "
        "(workstreams, funders, recipients, programmes and published awards from "
        f"{FIRST_YEAR} to {LAST_YEAR}) for benchmarks and demonstrations at scale. The same "
        "--seed always gives the same record. Any earlier synthetic record is replaced. It "
        "refuses to write into a database that holds the real record unless --force is given, "
        "and with --force it adds synthetic records beside the real ones without touching them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--awards", type=int, default=10_000, help="How many awards (default 10,000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed for the random choices (default 1)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even though the database holds records that are not synthetic.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do all the work and report it, then roll back so nothing is written.",
        )

    def handle(self, *args, awards, seed, force, dry_run, verbosity, **options):
        self.verbosity = verbosity
        started = time.monotonic()
        counts, removed = generate(
            awards=awards,
            seed=seed,
            force=force,
            dry_run=dry_run,
            say=self.say,
            progress=self.progress,
        )
        if verbosity >= 1:
            seconds = time.monotonic() - started
            if dry_run:
                self.stdout.write(f"Dry run: would have created {counts}. Nothing was written.")
            else:
                if removed and verbosity >= 2:
                    self.stdout.write(f"Removed the earlier synthetic record ({removed}).")
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created a synthetic record of {counts} (seed {seed}) in {seconds:.1f} s."
                    )
                )

    def say(self, message: str):
        if self.verbosity >= 1:
            self.stdout.write(message)

    def progress(self, done: int, total: int):
        if self.verbosity < 1:
            return
        line = f"Synthetic awards: {done:,} of {total:,} ({done * 100 // total}%)"
        if getattr(self.stderr, "isatty", lambda: False)():
            self.stderr.write("\r" + line, ending="\n" if done == total else "")
        elif done == total or self.verbosity >= 2:
            # In a log, one line per batch only when asked for, else just the last.
            self.stderr.write(line)
