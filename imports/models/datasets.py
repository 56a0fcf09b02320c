"""Datasets: the sources awards and organisations are imported from (a funder's own
360Giving data), and each file of a dataset that was imported, with its counts."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from funding.models import Award
from mmip.models import Organisation
from mmip.records import PublicQuerySet, RecordHistory

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class DatasetQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Every dataset: each describes a file its publisher has already made public, and
        the public pages name one only beside its public awards and organisations, or on
        /about/data/ with the count of its public awards. Must agree with Dataset.is_public."""
        return Q(**{f"{path}pk__isnull": False})

    def newest_first(self):
        return self.order_by(F("issued").desc(nulls_last=True), "title", "pk")


class Dataset(models.Model):
    """One publisher's grants data, which it may publish again (each file: DatasetImport).
    A newer file of the same dataset updates what changed upstream."""

    title = models.CharField(max_length=300)
    publisher_name = models.CharField("publisher", max_length=200)
    publisher_identifier = models.CharField(
        "publisher's identifier",
        max_length=100,
        blank=True,
        help_text="The publisher's org-id or 360Giving prefix, where the file gives one.",
    )
    source_url = models.URLField(
        "source address",
        max_length=500,
        blank=True,
        help_text="Where the publisher publishes the file. A newer file from the same address is the same dataset.",
    )
    licence = models.URLField(
        max_length=300, blank=True, help_text="The address of the licence the file is under."
    )
    issued = models.DateField(
        null=True, blank=True, help_text="When the newest file imported was issued."
    )
    last_imported_at = models.DateTimeField(null=True, blank=True)
    awards = models.ManyToManyField(
        Award, through="imports.AwardSource", related_name="datasets", blank=True
    )
    organisations = models.ManyToManyField(
        Organisation, through="imports.OrganisationSource", related_name="datasets", blank=True
    )

    objects = DatasetQuerySet.as_manager()
    history = RecordHistory()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="dataset_has_a_title"),
            models.CheckConstraint(condition=~Q(publisher_name=""), name="dataset_has_a_publisher"),
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="dataset_source_url_unique_when_present",
            ),
            models.UniqueConstraint(
                fields=["publisher_name", "title"], name="dataset_title_unique_per_publisher"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher_name})"

    @property
    def is_public(self) -> bool:
        """The rule of DatasetQuerySet.public_condition(), for one dataset."""
        return True

    def get_absolute_url(self):
        return reverse("about-data") + f"#dataset-{self.pk}"

    @property
    def imported_on(self) -> datetime.date | None:
        """The day in the UK its newest file was imported."""
        return timezone.localdate(self.last_imported_at) if self.last_imported_at else None

    def clean(self):
        errors = {}
        if not self.title.strip():
            errors["title"] = "Give the dataset a title."
        if not self.publisher_name.strip():
            errors["publisher_name"] = "Name the dataset's publisher."
        if (
            self.source_url
            and Dataset.objects.filter(source_url=self.source_url).exclude(pk=self.pk).exists()
        ):
            errors["source_url"] = "Another dataset is published at this address."
        same_title = Dataset.objects.filter(publisher_name=self.publisher_name, title=self.title)
        if self.title and same_title.exclude(pk=self.pk).exists():
            errors["title"] = "This publisher already has a dataset with this title."
        if errors:
            raise ValidationError(errors)


class DatasetImport(models.Model):
    """One file of a dataset, as imported: when, by whom, what it held and what it did.
    Written once, by the import itself, and never changed."""

    class Format(models.TextChoices):
        JSON = "json", "360Giving JSON"
        CSV = "csv", "CSV in 360Giving's layout"
        XLSX = "xlsx", "Excel in 360Giving's layout"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    sha256 = models.CharField("SHA-256", max_length=64, help_text="The file's checksum.")
    issued = models.DateField(null=True, blank=True, help_text="As the file says.")
    selection = models.JSONField(
        default=dict, blank=True, help_text="The part of the file chosen, if not all of it."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dataset_imports",
    )
    grants_in_file = models.PositiveIntegerField()
    new = models.PositiveIntegerField("new awards")
    changed = models.PositiveIntegerField("changed awards")
    unchanged = models.PositiveIntegerField("unchanged awards")
    skipped = models.PositiveIntegerField("not chosen", help_text="Grants outside the selection.")
    with_problems = models.PositiveIntegerField(
        "skipped with problems", help_text="Grants left out because of a problem."
    )
    no_longer_in_file = models.PositiveIntegerField(
        help_text="Awards of this dataset the file no longer holds (kept, never deleted)."
    )
    organisations_new = models.PositiveIntegerField("new organisations")
    organisations_matched = models.PositiveIntegerField("organisations matched")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_PATTERN), name="dataset_import_sha256_format"
            ),
            models.CheckConstraint(
                condition=Q(
                    grants_in_file=F("new")
                    + F("changed")
                    + F("unchanged")
                    + F("skipped")
                    + F("with_problems")
                ),
                name="dataset_import_counts_add_up",
            ),
        ]
        indexes = [
            # Whether a file was imported before: the preview says so.
            models.Index(fields=["sha256"], name="dataset_import_sha256_idx"),
        ]

    def __str__(self):
        return (
            f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"
            if self.imported_at
            else self.file_name
        )

    def clean(self):
        errors = {}
        if self.sha256 and not re.fullmatch(SHA256_PATTERN, self.sha256):
            errors["sha256"] = "A SHA-256 checksum is 64 hexadecimal digits in lower case."
        counted = [self.new, self.changed, self.unchanged, self.skipped, self.with_problems]
        known = None not in counted and self.grants_in_file is not None
        if known and sum(counted) != self.grants_in_file:
            errors["grants_in_file"] = (
                "Every grant in the file is new, changed, unchanged, not chosen or skipped "
                "with a problem: those counts must add up to the grants in the file."
            )
        if errors:
            raise ValidationError(errors)
