"""Pieces every public record shares: the published flag and its queryset."""

from django.db import models


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
