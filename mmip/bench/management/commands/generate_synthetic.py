import argparse
import datetime
import time

from django.core.management.base import BaseCommand

from mmip.bench.synthetic import default_milestones, generate
from mmip.bench.synthetic_shape import FIRST_YEAR, LAST_YEAR


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"give a date as YYYY-MM-DD, not “{text}”") from None


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic-looking, clearly labelled synthetic record for "
        "benchmarks and demonstrations at scale: workstreams, funders, recipients, programmes "
        f"and published awards from {FIRST_YEAR} to {LAST_YEAR}; each workstream's milestones, "
        "initiatives and commitments with their plans and delivery, indicators with reporting "
        "periods, reporters and reviewers, reporting rounds, and progress updates in every "
        "state with the status changes their approval made, laid out around today. The same "
        "--seed on the same day always gives the same record. Any earlier synthetic record is "
        "replaced. It refuses to write into a database that holds the real record unless "
        "--force is given, and with --force it adds synthetic records beside the real ones "
        "without touching them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--awards", type=int, default=10_000, help="How many awards (default 10,000)."
        )
        parser.add_argument(
            "--milestones",
            type=int,
            help="How many milestones (default a tenth of the awards, at least "
            f"{default_milestones(0)}); initiatives, commitments, indicators and updates "
            "follow from it.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed for the random choices (default 1)."
        )
        parser.add_argument(
            "--today",
            type=_day,
            help="Lay the plans and reporting out around this day, YYYY-MM-DD, not after "
            "today (default today): with the same --seed, the same record on any day.",
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

    def handle(self, *args, awards, milestones, seed, today, force, dry_run, verbosity, **options):
        self.verbosity = verbosity
        started = time.monotonic()
        counts, removed = generate(
            awards=awards,
            milestones=milestones,
            seed=seed,
            today=today,
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
