"""A synthetic record at any size, for benchmarks and for trying the site at scale: funding,
and the workstreams' plans, indicators and reporting.

Everything it makes says so: the names and titles of organisations, programmes, workstreams,
outputs, initiatives, milestones, commitments and indicators start "Synthetic", their slugs
"synthetic-" and end in a number of four figures or more, award identifiers start
360G-MMIP-SYN-, the members of staff are named synthetic-<role>-<number>, the reporting
rounds "Synthetic round …", and every description, reason and narrative says it is not
real. Those marks are also how the command finds its own records to replace them (progress
updates and status changes by their synthetic authors and approvers), and how it
recognises a database holding the real record, which it will not write into unless forced.
"""

import datetime
import random
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from funding.models import Award, FundingProgramme
from mmip.bench.report import counted
from mmip.bench.synthetic_generator import Counts, Generator
from mmip.bench.synthetic_shape import AWARD_PREFIX, ROUND_PREFIX, SLUG_PATTERN, WORKSTREAMS
from mmip.models import Organisation
from tracking.models import Commitment, ProgressUpdate, ReportingRound, StatusChange, WorkstreamRole
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone, Output, Workstream


def _real(queryset):
    return queryset.exclude(slug__regex=SLUG_PATTERN)


def _column(model, field: str) -> str:
    return f"{{table}}.{connection.ops.quote_name(model._meta.get_field(field).column)}"


def _matching(model, field: str, operator: str = "~") -> str:
    """The condition that the model's field matches (LIKE or ~) the value given."""
    return f"{_column(model, field)} {operator} %s"


def _pointing_at_synthetic(model, field: str) -> str:
    """The condition that the model's foreign key points at a synthetic record: one whose
    slug (or a user's name) carries the mark."""
    target = model._meta.get_field(field).related_model
    mark = "username" if target is User else "slug"
    return (
        f"{_column(model, field)} IN (SELECT {connection.ops.quote_name(target._meta.pk.column)} "
        f"FROM {connection.ops.quote_name(target._meta.db_table)} "
        f"WHERE {connection.ops.quote_name(mark)} ~ %s)"
    )


def _delete_in_sql(model, condition: str, values: list) -> int:
    """Deletes the model's rows that meet the condition (SQL about the model's table, named
    {table}, with a %s for each of values), and their many-to-many links, in plain SQL.
    Django's deletion would load every synthetic record and write a history entry for each:
    minutes for a record nobody ever edited. Each statement is a plain DELETE or a DELETE
    ... USING join on indexed keys, which PostgreSQL runs quickly even on tables filled
    moments ago in the same transaction, before it has any statistics. A row something else
    still points at makes PostgreSQL refuse the whole transaction when it commits (foreign
    keys are checked then), so nothing real is left dangling."""
    quote = connection.ops.quote_name
    meta = model._meta
    table, key = quote(meta.db_table), quote(meta.pk.column)
    chosen = condition.format(table=table)
    with connection.cursor() as cursor:
        for through, column in _join_tables(model):
            link = quote(through._meta.db_table)
            cursor.execute(
                f"DELETE FROM {link} USING {table} "
                f"WHERE {link}.{quote(column)} = {table}.{key} AND {chosen}",
                values,
            )
        cursor.execute(f"DELETE FROM {table} WHERE {chosen}", values)
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


def default_milestones(awards: int) -> int:
    """A tenth as many milestones as awards (10,000 beside 100,000), at least ten for each
    synthetic workstream."""
    return max(10 * len(WORKSTREAMS), awards // 10)


def generate(
    *,
    awards: int,
    milestones: int | None = None,
    seed: int,
    force: bool,
    dry_run: bool,
    say: Callable[[str], None],
    progress: Callable[[int, int], None],
    today: datetime.date | None = None,
) -> tuple[Counts, str]:
    """Replaces any earlier synthetic record with a new one of ``awards`` awards and
    ``milestones`` milestones (default_milestones() if None) with the plans and reporting
    that go with them, laid out around ``today`` (by default the site's today), in one
    transaction (rolled back on a dry run); returns what it made and what it removed."""
    if awards < 1 or awards > 5_000_000:
        raise CommandError("--awards must be between 1 and 5,000,000.")
    if milestones is None:
        milestones = default_milestones(awards)
    if milestones < 1 or milestones > 1_000_000:
        raise CommandError("--milestones must be between 1 and 1,000,000.")
    if today and today > timezone.localdate():
        raise CommandError(
            "--today cannot be after today: the record would report as done what has not "
            "happened yet."
        )
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            refuse_real_record(force, say=say)
            removed = delete_synthetic()
            generator = Generator(
                random.Random(seed), seed, awards, progress, milestones=milestones, today=today
            )
            counts = generator.run()
            if dry_run:
                transaction.set_rollback(True)
    except (IntegrityError, ProtectedError) as error:
        raise CommandError(
            "A record that is not synthetic points at a synthetic one, so the earlier "
            f"synthetic record cannot be replaced: {error}"
        ) from error
    return counts, removed


def refuse_real_record(force: bool, *, say: Callable[[str], None]):
    real = {
        "award": Award.objects.exclude(identifier__startswith=AWARD_PREFIX).count(),
        "organisation": _real(Organisation.objects).count(),
        "programme": _real(FundingProgramme.objects).count(),
        "workstream": _real(Workstream.objects).count(),
        "milestone": _real(Milestone.objects).count(),
        "commitment": _real(Commitment.objects).count(),
        "indicator": _real(Indicator.objects).count(),
    }
    found = [counted(count, thing) for thing, count in real.items() if count]
    if found and force:
        say(f"Adding synthetic records beside {', '.join(found)} that are not.")
    if found and not force:
        raise CommandError(
            f"This database holds records that are not synthetic ({', '.join(found)}), so it "
            "looks like the real record. generate_synthetic writes only into a database of "
            "its own: point DATABASE_URL at another database, or pass --force to add "
            "synthetic records beside these ones."
        )


def delete_synthetic() -> str:
    """Removes the earlier synthetic record, if any; says what went, or ''. Members of staff
    go through Django's deletion, as they are few and other tables point at them in ways of
    their own (the admin's log is deleted with them, history entries keep no name)."""
    pattern = [SLUG_PATTERN]
    removed = {
        "progress update": _delete_in_sql(
            ProgressUpdate, _pointing_at_synthetic(ProgressUpdate, "author"), pattern
        ),
        "status change": _delete_in_sql(
            StatusChange, _pointing_at_synthetic(StatusChange, "changed_by"), pattern
        ),
        "reporting round": _delete_in_sql(
            ReportingRound, _matching(ReportingRound, "name", "LIKE"), [ROUND_PREFIX + "%"]
        ),
        "role": _delete_in_sql(
            WorkstreamRole,
            f"{_pointing_at_synthetic(WorkstreamRole, 'user')} OR "
            f"{_pointing_at_synthetic(WorkstreamRole, 'workstream')}",
            pattern * 2,
        ),
        "commitment": _delete_in_sql(Commitment, _matching(Commitment, "slug"), pattern),
        "reporting period": _delete_in_sql(
            IndicatorPeriod, _pointing_at_synthetic(IndicatorPeriod, "indicator"), pattern
        ),
        "indicator": _delete_in_sql(Indicator, _matching(Indicator, "slug"), pattern),
        "milestone": _delete_in_sql(Milestone, _matching(Milestone, "slug"), pattern),
        "initiative": _delete_in_sql(Initiative, _matching(Initiative, "slug"), pattern),
        "output": _delete_in_sql(Output, _matching(Output, "slug"), pattern),
        "award": _delete_in_sql(
            Award, _matching(Award, "identifier", "LIKE"), [AWARD_PREFIX + "%"]
        ),
        "programme": _delete_in_sql(FundingProgramme, _matching(FundingProgramme, "slug"), pattern),
        "organisation": _delete_in_sql(Organisation, _matching(Organisation, "slug"), pattern),
        "workstream": _delete_in_sql(Workstream, _matching(Workstream, "slug"), pattern),
    }
    removed["member of staff"] = (
        User.objects.filter(username__regex=SLUG_PATTERN).delete()[1].get(User._meta.label, 0)
    )
    if not any(removed.values()):
        return ""
    plurals = {"member of staff": "members of staff"}
    return ", ".join(
        counted(count, thing, plurals.get(thing, "")) for thing, count in removed.items() if count
    )
