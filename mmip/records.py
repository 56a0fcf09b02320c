"""Pieces every record shares: its history, the published flag and its queryset."""

from django.apps import apps
from django.db import models
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


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)


class PublishableModel(models.Model):
    is_published = models.BooleanField(
        "published",
        default=False,
        db_index=True,  # every public page filters on it
        help_text="Only published records appear on the public site and in downloads.",
    )

    class Meta:
        abstract = True


class SlugNaturalKeyManager(models.Manager):
    """Fixtures name records by slug, so loading them twice updates rather than duplicates."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)
