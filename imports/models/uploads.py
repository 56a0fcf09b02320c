"""Files staff upload in the admin, kept between the preview and the apply.

The file itself is kept in the database, a megabyte a row, not on one server's disk, so any
app server can apply what another previewed, and it survives a restart. It is deleted once
the upload is applied or discarded; the checksum stays, in the upload and the dataset's
record of the file.
"""

import datetime
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from imports.models.datasets import SHA256_PATTERN, DatasetImport

CHUNK_BYTES = 1024 * 1024


class UploadState(models.TextChoices):
    RECEIVED = "received", "Waiting to be previewed"
    PREVIEWING = "previewing", "Being previewed"
    PREVIEWED = "previewed", "Previewed, waiting to be applied"
    QUEUED = "queued", "Waiting to be applied"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Could not be previewed"


# An upload staff are still working on: the same file cannot be uploaded again meanwhile.
OPEN_STATES = [
    UploadState.RECEIVED,
    UploadState.PREVIEWING,
    UploadState.PREVIEWED,
    UploadState.QUEUED,
    UploadState.APPLYING,
]
# A background job is waiting for a worker, or a worker is on it.
WAITING_STATES = [UploadState.RECEIVED, UploadState.QUEUED]
WORKING_STATES = [UploadState.PREVIEWING, UploadState.APPLYING]


class Upload(models.Model):
    State = UploadState
    OPEN = OPEN_STATES
    WAITING = WAITING_STATES
    WORKING = WORKING_STATES

    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="imports_uploaded",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=20, choices=UploadState.choices, default=UploadState.RECEIVED
    )
    choices = models.JSONField(default=dict, help_text="What staff chose (imports/choices.py).")
    preview = models.JSONField(null=True, blank=True)
    # The background job: what it was asked (an apply's choices), how far it has gone, when
    # it last said so (a job that has not for minutes has stopped), and why it failed.
    job = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    dataset_import = models.ForeignKey(
        DatasetImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
        help_text="What applying it wrote; none when there was nothing to write.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports_finished",
    )

    class Meta:
        verbose_name = "360Giving file"
        verbose_name_plural = "360Giving files"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_PATTERN), name="upload_sha256_format"
            ),
            models.CheckConstraint(
                condition=Q(state__in=UploadState.values), name="upload_state_known"
            ),
            # The same file twice at once: the second upload is refused.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(state__in=OPEN_STATES),
                name="upload_one_open_per_file",
            ),
            models.CheckConstraint(
                condition=Q(state__in=OPEN_STATES) | Q(finished_at__isnull=False),
                name="upload_finished_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="upload_progress_within_total",
            ),
        ]

    def __str__(self):
        return self.file_name

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def percent(self) -> int:
        return self.progress_done * 100 // self.progress_total if self.progress_total else 0

    @property
    def has_stopped(self) -> bool:
        """A job a worker took on but has not reported on for JOB_SILENT_MINUTES: its worker
        stopped or was restarted part-way. Nothing of it was applied (the apply is one
        transaction), and it can be run again."""
        if self.state not in self.WORKING or self.progress_at is None:
            return False
        silent = datetime.timedelta(minutes=settings.IMPORT_JOB_SILENT_MINUTES)
        return timezone.now() - self.progress_at > silent

    def clean(self):
        errors = {}
        if self.sha256 and not re.fullmatch(SHA256_PATTERN, self.sha256):
            errors["sha256"] = "A SHA-256 checksum is 64 hexadecimal digits in lower case."
        if self.state in self.OPEN and (
            Upload.objects.filter(sha256=self.sha256, state__in=self.OPEN)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["sha256"] = (
                "This file is already uploaded and waiting to be applied or discarded."
            )
        if self.state not in self.OPEN and self.finished_at is None:
            errors["finished_at"] = "An applied or discarded upload says when."
        if self.progress_done > self.progress_total:
            errors["progress_done"] = "A job cannot have done more grants than the file holds."
        if errors:
            raise ValidationError(errors)

    def keep_file(self, path: Path) -> None:
        """Stores the file's bytes with the upload."""
        with path.open("rb") as stream:
            number = 0
            while data := stream.read(CHUNK_BYTES):
                UploadChunk.objects.create(upload=self, number=number, data=data)
                number += 1

    def file_copy(self) -> Path:
        """The kept file written to a temporary file (the caller deletes it), chunk by chunk."""
        suffix = Path(self.file_name).suffix
        with tempfile.NamedTemporaryFile(
            prefix="mmip-upload-", suffix=suffix, delete=False
        ) as copy:
            for number in self.chunks.order_by("number").values_list("number", flat=True):
                copy.write(self.chunks.values_list("data", flat=True).get(number=number))
        return Path(copy.name)

    def forget_file(self) -> None:
        self.chunks.all().delete()


class UploadChunk(models.Model):
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="upload_chunk_once"),
        ]

    def __str__(self):
        return f"{self.upload} part {self.number}"
