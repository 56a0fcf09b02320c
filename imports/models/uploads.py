"""Files staff upload in the admin, kept between the preview and the apply.

The file itself is kept in the database, a megabyte a row, not on one server's disk, so any
app server can apply what another previewed, and it survives a restart. It is deleted once
the upload is applied or discarded; the checksum stays, in the upload and the dataset's
record of the file.
"""

import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from imports.models.datasets import SHA256_PATTERN, DatasetImport

CHUNK_BYTES = 1024 * 1024


class UploadState(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, waiting to be applied"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


# An upload staff are still working on: the same file cannot be uploaded again meanwhile.
OPEN_STATES = [UploadState.PREVIEWED]


class Upload(models.Model):
    State = UploadState
    OPEN = OPEN_STATES

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
        max_length=20, choices=UploadState.choices, default=UploadState.PREVIEWED
    )
    choices = models.JSONField(default=dict, help_text="What staff chose (imports/choices.py).")
    preview = models.JSONField(null=True, blank=True)
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
        ]

    def __str__(self):
        return self.file_name

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

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
