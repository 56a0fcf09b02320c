"""The API's own table: how many requests each client address made lately (api/throttling.py).
Not part of the record, so it keeps no history and moves no record generation."""

from django.db import models
from django.db.models import Q


class RequestCount(models.Model):
    """The requests one address made in the current window of one rate ("120/minute")."""

    # A hash of the address: behind proxies it is read from a header, so it could be anything.
    address = models.CharField(max_length=64)
    rate = models.CharField(max_length=30)
    window_start = models.BigIntegerField(help_text="When the window began, in Unix seconds.")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "rate"], name="api_request_count_unique"),
            models.CheckConstraint(condition=Q(count__gt=0), name="api_request_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} requests since {self.window_start} ({self.rate})"


class GenerationSeen(models.Model):
    """When the API first served the current record generation of a release: the
    Last-Modified of its answers (api/conditional.py). One row a release and mode, moved on
    when the generation does."""

    release = models.CharField(max_length=64, unique=True)
    generation = models.BigIntegerField()
    seen = models.DateTimeField()

    class Meta:
        verbose_name_plural = "generations seen"

    def __str__(self):
        return f"generation {self.generation} first served {self.seen:%Y-%m-%d %H:%M:%S}"
