"""Pieces every record shares: its history, the published flag and its queryset, and its
values as stored, read to tell whether it changed while somebody was editing it."""

import hashlib
import json

from django.apps import apps
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class RecordHistory(HistoricalRecords):
    """Who changed a record, when and what, kept by django-simple-history.

    A fixture load saves each record raw, then sets its links on the same object. The
    package already skips the raw save; marking the object makes it skip the links too, so
    loading the demo data is not taken for somebody's change.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw", False):
            instance.skip_history_when_saving = True
        super().post_save(instance, created, using=using, **kwargs)


def record_models() -> list[type[models.Model]]:
    """Every model of the record: those that keep a history of their changes (RecordHistory),
    and the link tables of their many-to-many fields. Staff accounts, sessions and the
    history tables themselves are not the record."""
    found = []
    for model in apps.get_models():
        # django-simple-history marks each model it tracks; its history models are not marked.
        if not hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        found.append(model)
        found.extend(field.remote_field.through for field in model._meta.local_many_to_many)
    return found


# What the public may see of a model is written twice, side by side in its model file: as
# its QuerySet's public_condition(), which public() filters on, for many records in one
# query; and as its is_public, for one record already in hand. The two must agree
# (tests/test_public_record.py checks that they do for every model). A record shown on its
# parent's page, or that is nothing without its parents (a partnership without its
# workstream), is public only when they are: its condition adds the parents' conditions
# along the relation, so they are joins in the same query, and its is_public asks theirs.
# A record that merely mentions another (an award's programme, a centre's network) is
# public on its own, and pages name the other only where it is public itself.
#
# Everything public-facing (pages, selectors, FilterSets, search, sitemaps, feeds and
# downloads) reads through public(), public_condition() and is_public, never through the
# flags themselves.


class PublicQuerySet(models.QuerySet):
    def public(self):
        """What the public may see of these records."""
        return self.filter(self.public_condition())

    def public_condition(self, path: str = "") -> Q:
        """The rule of public() as a condition: on this model's rows, or with path (such as
        "workstream__") on the rows a relation leads to, so that another model's rule can
        join this one's into its own query."""
        raise NotImplementedError


class PublishedQuerySet(PublicQuerySet):
    def published(self):
        """The records whose own flag says published, whatever their parents: the
        building block of public(), which is what pages read."""
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)

    def public_condition(self, path: str = "") -> Q:
        """Published: the rule of a record whose parents do not matter. A model whose
        parents matter overrides this and is_public together."""
        return Q(**{f"{path}is_published": True})


class PublishableModel(models.Model):
    is_published = models.BooleanField(
        "published",
        default=False,
        db_index=True,  # every public page filters on it
        help_text="Only published records appear on the public site and in downloads.",
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        """Whether the public may see this record; the same rule as its QuerySet's public()."""
        return self.is_published


class SlugNaturalKeyManager(models.Manager):
    """Fixtures name records by slug, so loading them twice updates rather than duplicates."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def own_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a save writes: every concrete field but the primary key and generated
    columns (those follow from the others)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.GeneratedField)
    ]


def link_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    """The many-to-many fields a form or a file sets directly. Links kept as rows of their own
    (a workstream's partnerships, a cohort's employers) are records in their own right."""
    return [
        field
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def _plain(value):
    """A stored value as JSON keeps it exactly: an amount or a date as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def stored_values(records: models.QuerySet, *, lock: bool = False, leave_out=()) -> dict:
    """How each record stands in the database, by primary key as text: its own columns by
    field name (a foreign key as the id it holds) and its many-to-many links as sorted ids,
    all plain JSON values, so that two readings compare equal exactly when nothing changed.

    With ``lock`` the rows are locked until the transaction ends (FOR NO KEY UPDATE, the
    lock an UPDATE itself takes, so rows pointing at these can still be saved), and the
    write that follows is the only one. One query, and one per many-to-many field, however
    many records.
    """
    model = records.model
    fields = [field for field in own_fields(model) if field.name not in leave_out]
    rows = records.order_by("pk")
    if lock:
        rows = rows.select_for_update(no_key=True)
    found = {
        str(obj.pk): {field.name: _plain(field.value_from_object(obj)) for field in fields}
        for obj in rows
    }
    for field in link_fields(model):
        own_side, other_side = field.m2m_field_name(), field.m2m_reverse_field_name()
        for values in found.values():
            values[field.name] = []
        links = (
            field.remote_field.through._default_manager.filter(**{f"{own_side}__in": list(found)})
            .order_by(other_side)
            .values_list(own_side, other_side)
        )
        for pk, linked in links:
            found[str(pk)][field.name].append(linked)
    return found


def digest(values: dict) -> str:
    """A short fingerprint of a record's stored values, to tell later whether it changed.
    Twelve hex digits keep an import's confirm form small for thousands of rows; a change
    that leaves the same digest is a chance of one in 2**48."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
