"""A synthetic funding record at any size, for benchmarks and for trying the explorer at scale.

Everything it makes says so: organisation, programme and workstream names start "Synthetic",
their slugs "synthetic-" and end in a four-figure number, award identifiers start
360G-MMIP-SYN-, and every description says the record is not real. Those marks are also how
the command finds its own records to replace them, and how it recognises a database holding
the real record, which it will not write into unless forced.
"""

import random
from collections.abc import Callable

from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from funding.models import Award, FundingProgramme
from mmip.bench.report import counted
from mmip.bench.synthetic_generator import Counts, Generator
from mmip.bench.synthetic_shape import AWARD_PREFIX, SLUG_PATTERN
from mmip.models import Organisation
from workstreams.models import Workstream


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


def generate(
    *,
    awards: int,
    seed: int,
    force: bool,
    dry_run: bool,
    say: Callable[[str], None],
    progress: Callable[[int, int], None],
) -> tuple[Counts, str]:
    """Replaces any earlier synthetic record with a new one of ``awards`` awards, in one
    transaction (rolled back on a dry run); returns what it made and what it removed."""
    if awards < 1 or awards > 5_000_000:
        raise CommandError("--awards must be between 1 and 5,000,000.")
    try:
        with transaction.atomic():
            refuse_real_record(force, say=say)
            removed = delete_synthetic()
            counts = Generator(random.Random(seed), seed, awards, progress).run()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
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
    """Removes the earlier synthetic record, if any; says what went, or ''."""
    removed = {
        "award": _delete_in_sql(Award, "identifier", "LIKE", AWARD_PREFIX + "%"),
        "programme": _delete_in_sql(FundingProgramme, "slug", "~", SLUG_PATTERN),
        "organisation": _delete_in_sql(Organisation, "slug", "~", SLUG_PATTERN),
        "workstream": _delete_in_sql(Workstream, "slug", "~", SLUG_PATTERN),
    }
    if not any(removed.values()):
        return ""
    return ", ".join(counted(count, thing) for thing, count in removed.items())
