import argparse
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.choices import Choices, Selection
from imports.models import Dataset
from imports.preview import preview
from imports.reading import FileRefused, open_grant_file
from imports.services import ImportRefused, apply_import
from imports.summary import summary_lines
from workstreams.models import Workstream


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a date (give it as YYYY-MM-DD)."
        ) from None


class Command(BaseCommand):
    help = (
        "Import a funder's 360Giving file (a JSON data package, or CSV or Excel in 360Giving's "
        "spreadsheet layout) into the record, in one transaction. With no selection every "
        "grant is taken; --programme, --funder, --from, --to and --text choose a part, and the "
        "rest is counted as not chosen. A file with problems changes nothing unless "
        "--skip-problems is given. --dry-run shows the preview and writes nothing. Importing "
        "the same file again changes nothing; a newer file of the same dataset updates what its "
        "publisher changed and reports (never deletes) awards no longer in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The 360Giving file (.json, .csv or .xlsx).")
        choose = parser.add_argument_group("choosing grants")
        choose.add_argument(
            "--programme",
            action="append",
            default=[],
            help="A grant programme title; give it again for more.",
        )
        choose.add_argument(
            "--funder",
            action="append",
            default=[],
            help="A funder's org-id, such as GB-GOR-PB9001; give it again for more.",
        )
        choose.add_argument(
            "--from", dest="awarded_from", type=_date, help="Awarded on or after (YYYY-MM-DD)."
        )
        choose.add_argument(
            "--to", dest="awarded_to", type=_date, help="Awarded on or before (YYYY-MM-DD)."
        )
        choose.add_argument(
            "--text", default="", help="Text the title, description or identifier holds."
        )
        record = parser.add_argument_group("what the import writes")
        record.add_argument(
            "--workstream",
            action="append",
            default=[],
            help="The short name (slug) of a workstream the imported awards belong to; again for more.",
        )
        record.add_argument(
            "--confirm",
            action="append",
            default=[],
            metavar="IDENTIFIER",
            help="An organisation identifier of the file whose match by name alone you confirm.",
        )
        record.add_argument("--draft", action="store_true", help="Leave new records unpublished.")
        record.add_argument(
            "--skip-problems",
            action="store_true",
            help="Import the valid grants and skip those with problems.",
        )
        record.add_argument(
            "--user", help="The staff member's user name the history records as having run it."
        )
        dataset = parser.add_argument_group(
            "the dataset (what a spreadsheet does not say of itself)"
        )
        dataset.add_argument(
            "--dataset", type=int, help="The key of the dataset this is a newer file of."
        )
        dataset.add_argument("--title", default="", help="The dataset's title.")
        dataset.add_argument("--publisher", default="", help="Who publishes it.")
        dataset.add_argument("--source-url", default="", help="Where it is published.")
        dataset.add_argument("--licence", default="", help="The address of its licence.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the preview; write nothing."
        )

    def handle(self, *args, file, dry_run, skip_problems, verbosity, **options):
        self.verbosity = verbosity
        choices = self._choices(options)
        user = self._user(options["user"])
        if not file.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            grant_file = open_grant_file(file, file.name)
        except FileRefused as refused:
            raise CommandError(f"{file.name}: {refused}") from None
        if dry_run:
            found = preview(grant_file, choices, progress=self.progress)
            self._summary(found, heading="Dry run: nothing was written. The preview:")
            return
        try:
            result = apply_import(
                grant_file=grant_file,
                choices=choices,
                user=user,
                skip_problems=skip_problems,
                progress=self.progress,
            )
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        if result.changed_nothing:
            self._summary(
                result.preview,
                heading="This file was imported last time, and nothing in it has changed since: nothing was written.",
            )
        else:
            record = result.dataset_import
            self._summary(result.preview, heading=f"Imported {file.name} into “{record.dataset}”.")

    def _choices(self, options) -> Choices:
        slugs = options["workstream"]
        workstreams = dict(Workstream.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [slug for slug in slugs if slug not in workstreams]
        if unknown:
            raise CommandError(f"There is no workstream “{unknown[0]}”.")
        if options["dataset"] and not Dataset.objects.filter(pk=options["dataset"]).exists():
            raise CommandError(f"There is no dataset {options['dataset']}.")
        return Choices(
            selection=Selection(
                programmes=tuple(options["programme"]),
                funders=tuple(options["funder"]),
                awarded_from=options["awarded_from"],
                awarded_to=options["awarded_to"],
                text=options["text"],
            ),
            workstreams=tuple(workstreams[slug] for slug in slugs),
            confirmed=frozenset(options["confirm"]),
            publish=not options["draft"],
            dataset_id=options["dataset"],
            title=options["title"],
            publisher=options["publisher"],
            source_url=options["source_url"],
            licence=options["licence"],
        )

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user “{username}”.") from None

    def _summary(self, found: dict, *, heading: str) -> None:
        if self.verbosity < 1:
            return
        self.stdout.write(self.style.SUCCESS(heading))
        for line in summary_lines(found, detail=self.verbosity >= 2):
            self.stdout.write(line)

    def progress(self, done: int, total: int) -> None:
        if self.verbosity < 1:
            return
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done:,} of {total:,} grants ({done * 100 // max(total, 1)}%)"
        if getattr(self.stderr, "isatty", lambda: False)():
            self.stderr.write("\r" + line, ending="\n" if done == total else "")
        elif done == total or self.verbosity >= 2:
            self.stderr.write(line)
