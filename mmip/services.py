"""Writes that span several models: a record with its history, publishing a set of records
with their history and the admin's log. Keyword-only, typed, each in one transaction."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model, get_history_model_for_model

BASELINE_REASON = "As it stood before its first recorded change"


def record_history(objs: list, *, user, created: bool = False, reason: str | None = None) -> None:
    """One history entry for each record as it now stands, its many-to-many links included.

    For writes that go around the save signals: update(), and admin saves, which skip them
    so that one entry covers both the record and the links set after it. simple-history's
    bulk helper copies a record's own columns but not its links; an entry without them would
    read, in the list of changes, as every link removed. The queries are a fixed number,
    however many records.
    """
    if not objs:
        return
    for obj in objs:
        obj._history_user = user
    entries = get_history_manager_for_model(type(objs[0])).bulk_history_create(
        objs, update=not created, default_change_reason=reason
    )
    entry_for = {obj.pk: entry for obj, entry in zip(objs, entries, strict=True)}
    for field in entries[0]._history_m2m_fields:
        links = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        own_side = field.m2m_field_name()
        rows = through.objects.filter(**{f"{own_side}__in": list(entry_for)})
        links.objects.bulk_create(
            links(
                history=entry_for[getattr(row, f"{own_side}_id")],
                **{column.attname: getattr(row, column.attname) for column in through._meta.fields},
            )
            for row in rows
        )


def record_baselines(records: QuerySet) -> None:
    """Before a record's first recorded change, an entry of how it stood, if it has none.

    Fixture loads save raw, which history rightly skips, so a demo record's first edit would
    otherwise have nothing to be compared with and show no change at all.
    """
    history = get_history_model_for_model(records.model)
    pk = records.model._meta.pk.attname
    untracked = records.filter(~Exists(history.objects.filter(**{pk: OuterRef("pk")})))
    record_history(list(untracked), user=None, reason=BASELINE_REASON)


def set_published(records: QuerySet, *, published: bool, user) -> int:
    """Publish or unpublish a set of records, with a history entry and an admin log entry for
    each; returns how many changed. Only rows whose flag really changes are written and
    logged, so the history says what happened rather than what was selected."""
    model = records.model
    with transaction.atomic():
        # Locked, so the history copies the rows exactly as they are written.
        to_change = list(
            model._default_manager.select_for_update()
            .filter(pk__in=records.exclude(is_published=published).values("pk"))
            .order_by("pk")
        )
        pks = [obj.pk for obj in to_change]
        record_baselines(model._default_manager.filter(pk__in=pks))
        changed = model._default_manager.filter(pk__in=pks).update(is_published=published)
        for obj in to_change:
            obj.is_published = published
        # update() sends no save signals, so the history entries are written here.
        record_history(to_change, user=user)
        if to_change:
            # The admin's own log, which the editor's recent actions list reads.
            LogEntry.objects.log_actions(
                user_id=user.pk,
                queryset=to_change,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["published"]}}],
            )
    return changed
