"""A synthetic funding record at any size, for benchmarks and for trying the explorer at scale.

Everything it makes says so: organisation, programme and workstream names start "Synthetic",
their slugs "synthetic-" and end in a four-figure number, award identifiers start
360G-MMIP-SYN-, and every description says the record is not real. Those marks are also how
the command finds its own records to replace them, and how it recognises a database holding
the real record, which it will not write into unless forced.
"""

import datetime
import itertools
import math
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from funding.models import Award, FundingProgramme
from mmip.dates import DatePrecision
from mmip.models import Organisation
from mmip.regions import NationRegion
from workstreams.models import Workstream

AWARD_PREFIX = "360G-MMIP-SYN-"
SLUG_PATTERN = r"^synthetic-[a-z0-9-]+-[0-9]{4}$"
FIRST_YEAR, LAST_YEAR = 2005, 2025
BATCH_SIZE = 2000  # about 40,000 parameters per INSERT, well inside PostgreSQL's 65,535

WORKSTREAMS = [
    "Advanced therapies",
    "Digital and data",
    "Skills and talent",
    "Regulatory innovation",
    "Supply chain resilience",
    "Sustainable manufacturing",
]
FUNDER_KINDS = [
    ("Medicines Research Council", Organisation.Kind.PUBLIC_BODY),
    ("Innovation Agency", Organisation.Kind.FUNDER),
    ("Department for Industry", Organisation.Kind.GOVERNMENT_DEPARTMENT),
    ("Health Foundation", Organisation.Kind.CHARITY),
    ("Manufacturing Investment Fund", Organisation.Kind.FUNDER),
]
RECIPIENT_KINDS = [
    ("{} Biologics Ltd", Organisation.Kind.COMPANY, 5),
    ("{} Pharma Ltd", Organisation.Kind.COMPANY, 5),
    ("{} Process Systems Ltd", Organisation.Kind.COMPANY, 3),
    ("University of {}", Organisation.Kind.UNIVERSITY, 3),
    ("{} Manufacturing Innovation Centre", Organisation.Kind.CATAPULT, 1),
    ("{} Skills Academy", Organisation.Kind.TRAINING_PROVIDER, 1),
    ("{} Life Sciences Trust", Organisation.Kind.CHARITY, 1),
]
PLACES = [
    "Northgate", "Easton", "Westmoor", "Southbridge", "Ashford Vale", "Kelmarsh", "Dunmore",
    "Brackenfield", "Hollins", "Carrow", "Penrith Moss", "Glenarrow", "Tywyn Bay", "Lough Erin",
]  # fmt: skip
TOPICS = [
    "continuous manufacturing of oral solid doses",
    "viral vector process intensification",
    "cell therapy scale-up",
    "digital twins for tablet compression",
    "mRNA formulation and fill",
    "biologics purification",
    "real-time release testing",
    "sterile fill-finish automation",
    "solvent recovery and greener chemistry",
    "medicines supply chain resilience",
    "bioprocessing skills",
    "advanced therapy apprenticeships",
]
ACTIVITIES = [
    "feasibility study",
    "collaborative research and development",
    "industrial demonstrator",
    "capital investment",
    "training programme",
    "knowledge transfer partnership",
    "scale-up project",
]
# About two awards in three dated to the day, a quarter to the month, one in ten to the year.
PRECISIONS = [DatePrecision.DAY] * 13 + [DatePrecision.MONTH] * 5 + [DatePrecision.YEAR] * 2


def _real(queryset):
    return queryset.exclude(slug__regex=SLUG_PATTERN)


def _delete_in_sql(model, field: str, operator: str, value: str) -> int:
    """Deletes the model's rows whose field matches (LIKE or ~ the value), and their
    many-to-many links, in plain SQL. Django's deletion would load every synthetic award and
    write a history entry for each: minutes for a record nobody ever edited. Each statement
    is a plain DELETE or a DELETE ... USING join on indexed keys, which PostgreSQL runs
    quickly even on tables filled moments ago in the same transaction, before it has any
    statistics. A row something else still points at makes PostgreSQL refuse the whole
    transaction when it commits (foreign keys are checked then), so nothing real is left
    dangling."""
    quote = connection.ops.quote_name
    meta = model._meta
    table, key = quote(meta.db_table), quote(meta.pk.column)
    chosen = f"{table}.{quote(meta.get_field(field).column)} {operator} %s"
    with connection.cursor() as cursor:
        for through, column in _join_tables(model):
            link = quote(through._meta.db_table)
            cursor.execute(
                f"DELETE FROM {link} USING {table} "
                f"WHERE {link}.{quote(column)} = {table}.{key} AND {chosen}",
                [value],
            )
        cursor.execute(f"DELETE FROM {table} WHERE {chosen}", [value])
        return cursor.rowcount


def _join_tables(model):
    """(join table, column pointing at the model) for each plain many-to-many table. Rows of
    a through model with facts of its own (a partnership, a cohort's employer) are someone's
    data, so those are left alone, to make the deletion refuse."""
    for relation in model._meta.get_fields():
        if not relation.many_to_many:
            continue
        if relation.concrete:  # a ManyToManyField on this model
            through, field = relation.remote_field.through, relation.m2m_field_name()
        else:  # another model's ManyToManyField pointing here
            through, field = relation.through, relation.field.m2m_reverse_field_name()
        if through._meta.auto_created:
            yield through, through._meta.get_field(field).column


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _label(count: int, thing: str) -> str:
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


@dataclass
class Counts:
    workstreams: int = 0
    funders: int = 0
    recipients: int = 0
    programmes: int = 0
    awards: int = 0

    def __str__(self):
        return (
            f"{_label(self.workstreams, 'workstream')}, {_label(self.funders, 'funder')}, "
            f"{_label(self.recipients, 'recipient')}, {_label(self.programmes, 'programme')} "
            f"and {_label(self.awards, 'award')}"
        )


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
        if awards < 1 or awards > 5_000_000:
            raise CommandError("--awards must be between 1 and 5,000,000.")
        self.verbosity = verbosity
        started = time.monotonic()
        try:
            with transaction.atomic():
                self._refuse_real_record(force)
                removed = self._delete_synthetic()
                counts = Generator(random.Random(seed), seed, awards, self._progress).run()
                if dry_run:
                    transaction.set_rollback(True)
        except IntegrityError as error:
            raise CommandError(
                "A record that is not synthetic points at a synthetic one, so the earlier "
                f"synthetic record cannot be replaced: {error}"
            ) from error
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

    def _refuse_real_record(self, force: bool):
        real = {
            "award": Award.objects.exclude(identifier__startswith=AWARD_PREFIX).count(),
            "organisation": _real(Organisation.objects).count(),
            "programme": _real(FundingProgramme.objects).count(),
            "workstream": _real(Workstream.objects).count(),
        }
        found = [_label(count, thing) for thing, count in real.items() if count]
        if found and force and self.verbosity >= 1:
            self.stdout.write(f"Adding synthetic records beside {', '.join(found)} that are not.")
        if found and not force:
            raise CommandError(
                f"This database holds records that are not synthetic ({', '.join(found)}), so it "
                "looks like the real record. generate_synthetic writes only into a database of "
                "its own: point DATABASE_URL at another database, or pass --force to add "
                "synthetic records beside these ones."
            )

    def _delete_synthetic(self) -> str:
        """Removes the earlier synthetic record, if any; says what went, or ''."""
        removed = {
            "award": _delete_in_sql(Award, "identifier", "LIKE", AWARD_PREFIX + "%"),
            "programme": _delete_in_sql(FundingProgramme, "slug", "~", SLUG_PATTERN),
            "organisation": _delete_in_sql(Organisation, "slug", "~", SLUG_PATTERN),
            "workstream": _delete_in_sql(Workstream, "slug", "~", SLUG_PATTERN),
        }
        if not any(removed.values()):
            return ""
        return ", ".join(_label(count, thing) for thing, count in removed.items())

    def _progress(self, done: int, total: int):
        if self.verbosity < 1:
            return
        line = f"Synthetic awards: {done:,} of {total:,} ({done * 100 // total}%)"
        if getattr(self.stderr, "isatty", lambda: False)():
            self.stderr.write("\r" + line, ending="\n" if done == total else "")
        elif done == total or self.verbosity >= 2:
            # In a log, one line per batch only when asked for, else just the last.
            self.stderr.write(line)


class Generator:
    """Builds the record in a fixed order from one random stream, so a seed is a record."""

    def __init__(self, rng: random.Random, seed: int, awards: int, progress):
        self.rng = rng
        self.seed = seed
        self.total = awards
        self.progress = progress
        self.counts = Counts()

    def run(self) -> Counts:
        workstreams = self._workstreams()
        funders = self._organisations(
            max(8, min(40, self.total // 2500)), self._funder_name, "funders"
        )
        recipients = self._organisations(
            max(12, min(4000, self.total // 25)), self._recipient_name, "recipients"
        )
        programmes = self._programmes(max(4, min(80, self.total // 1500)), funders, workstreams)
        self._awards(funders, recipients, programmes, workstreams)
        return self.counts

    def _workstreams(self) -> list[Workstream]:
        created = Workstream.objects.bulk_create(
            Workstream(
                name=f"Synthetic workstream: {name} {number:04d}",
                slug=slugify(f"synthetic {name} {number:04d}"),
                aim="A synthetic workstream for testing and benchmarks; not part of the real record.",
                display_order=100 + number,
                is_published=True,
            )
            for number, name in enumerate(WORKSTREAMS, start=1)
        )
        self.counts.workstreams = len(created)
        return created

    def _funder_name(self, number: int) -> tuple[str, str]:
        name, kind = FUNDER_KINDS[number % len(FUNDER_KINDS)]
        return f"Synthetic {name} {number:04d}", kind

    def _recipient_name(self, number: int) -> tuple[str, str]:
        pattern, kind, _ = self.rng.choices(
            RECIPIENT_KINDS, weights=[weight for *_, weight in RECIPIENT_KINDS]
        )[0]
        return f"Synthetic {pattern.format(self.rng.choice(PLACES))} {number:04d}", kind

    def _organisations(self, count: int, name_for, role: str) -> list[Organisation]:
        regions = [value for value in NationRegion.values if value != NationRegion.OUTSIDE_UK]
        organisations = []
        for number in range(1, count + 1):
            name, kind = name_for(number)
            organisations.append(
                Organisation(
                    name=name,
                    short_name=f"SYN-{role[0].upper()}{number:04d}",
                    slug=slugify(name),
                    kind=kind,
                    nation_region=self.rng.choice(regions),
                    description="A synthetic organisation for testing and benchmarks; it does not exist.",
                    is_published=True,
                )
            )
        created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        setattr(self.counts, role, len(created))
        return created

    def _programmes(self, count, funders, workstreams) -> list[FundingProgramme]:
        programmes = FundingProgramme.objects.bulk_create(
            FundingProgramme(
                name=f"Synthetic {self.rng.choice(TOPICS).capitalize()} Programme {number:04d}",
                slug=f"synthetic-programme-{number:04d}",
                funder=self.rng.choice(funders),
                description="A synthetic funding programme for testing and benchmarks; not a real fund.",
                established=datetime.date(self.rng.randint(FIRST_YEAR - 3, LAST_YEAR - 2), 1, 1),
                established_precision=DatePrecision.YEAR,
                is_published=True,
            )
            for number in range(1, count + 1)
        )
        FundingProgramme.workstreams.through.objects.bulk_create(
            FundingProgramme.workstreams.through(
                fundingprogramme=programme, workstream=self.rng.choice(workstreams)
            )
            for programme in programmes
        )
        self.counts.programmes = len(programmes)
        return programmes

    def _dates(self) -> list[tuple[datetime.date, str]]:
        # More awards in later years, as the programme grew; sorted so identifiers run in
        # date order and a follow-on always comes after the award it continues.
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        weights = [1 + 0.15 * (year - FIRST_YEAR) for year in years]
        dates = []
        for year in self.rng.choices(years, weights=weights, k=self.total):
            precision = self.rng.choice(PRECISIONS)
            month = 1 if precision == DatePrecision.YEAR else self.rng.randint(1, 12)
            day = self.rng.randint(1, 28) if precision == DatePrecision.DAY else 1
            dates.append((datetime.date(year, month, day), precision))
        dates.sort()
        return dates

    def _amount(self) -> Decimal:
        # Log-normal, as grant sizes are: many around £150,000, a long tail into millions.
        pounds = min(60_000_000, max(5_000, self.rng.lognormvariate(math.log(150_000), 1.3)))
        step = 1000 if pounds >= 100_000 else 10
        return Decimal(round(pounds / step) * step).quantize(Decimal("0.01"))

    def _awards(self, funders, recipients, programmes, workstreams):
        rng = self.rng
        funders_by_id = {funder.pk: funder for funder in funders}
        # A few recipients win many awards and most win a few, as in real funding data.
        # Cumulative weights once, so each draw is a bisection rather than a sum over all.
        cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(recipients)))
        )
        latest = {}  # recipient id -> (award id, funder id) of its latest saved award
        batch, tags = [], []
        dates = self._dates()
        for index, (award_date, precision) in enumerate(dates, start=1):
            recipient = rng.choices(recipients, cum_weights=cumulative)[0]
            programme = rng.choice(programmes) if rng.random() < 0.7 else None
            funder = programme.funder if programme else rng.choice(funders)
            follow_on_of_id = None
            if recipient.pk in latest and rng.random() < 0.04:
                follow_on_of_id, funder_id = latest[recipient.pk]
                funder, programme = funders_by_id[funder_id], None
            routed_through = None
            if rng.random() < 0.08:
                routed_through = rng.choice([other for other in funders if other != funder])
            topic, activity = rng.choice(TOPICS), rng.choice(ACTIVITIES)
            title = f"{topic.capitalize()}: {activity}"
            if follow_on_of_id:
                title += ", follow-on funding"
            planned_start = planned_end = None
            if precision != DatePrecision.YEAR and rng.random() < 0.6:
                planned_start = award_date + datetime.timedelta(days=rng.randint(0, 120))
                planned_end = planned_start + datetime.timedelta(days=rng.randint(180, 1460))
            batch.append(
                Award(
                    identifier=f"{AWARD_PREFIX}{index:07d}",
                    title=title,
                    description=(
                        "Synthetic record, not a real award: made by generate_synthetic "
                        f"(seed {self.seed}) for testing and benchmarks. It stands for "
                        f"{_a(activity)} in {topic} at {recipient.name}, funded by {funder.name}."
                    ),
                    funder=funder,
                    recipient=recipient,
                    routed_through=routed_through,
                    amount=self._amount(),
                    award_date=award_date,
                    award_date_precision=precision,
                    planned_start=planned_start,
                    planned_end=planned_end,
                    programme=programme,
                    follow_on_of_id=follow_on_of_id,
                    status=self._status(award_date),
                    is_published=True,
                )
            )
            tags.append(rng.sample(workstreams, k=rng.choice((0, 1, 1, 2))))
            if len(batch) == BATCH_SIZE or index == len(dates):
                self._save(batch, tags, latest)
                self.counts.awards += len(batch)
                self.progress(self.counts.awards, self.total)
                batch, tags = [], []

    def _status(self, award_date: datetime.date) -> str:
        if self.rng.random() < 0.02:
            return Award.Status.WITHDRAWN
        if award_date.year <= LAST_YEAR - 5:
            return Award.Status.CLOSED
        return self.rng.choice((Award.Status.AWARDED, Award.Status.ACTIVE))

    @staticmethod
    def _save(batch: list[Award], tags: list[list[Workstream]], latest: dict):
        Award.objects.bulk_create(batch)
        Award.workstreams.through.objects.bulk_create(
            Award.workstreams.through(award_id=award.pk, workstream_id=workstream.pk)
            for award, workstreams in zip(batch, tags, strict=True)
            for workstream in workstreams
        )
        # Only awards already saved may be followed on, so their ids are known.
        for award in batch:
            latest[award.recipient_id] = (award.pk, award.funder_id)
