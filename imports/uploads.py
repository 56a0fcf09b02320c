"""An upload's life in the admin: received and previewed, previewed again with name
matches confirmed, applied, or discarded. Each is a keyword-only function the admin's
views call; the preview and the apply themselves are imports/preview.py and
imports/services.py."""

import dataclasses
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from imports.choices import Choices
from imports.models import Upload
from imports.preview import preview
from imports.reading import open_grant_file
from imports.services import ImportResult, RecordChanged, apply_import


class AlreadyOpen(Exception):
    """The same file is already uploaded and waiting: it is not uploaded twice at once."""

    def __init__(self, upload: Upload | None):
        self.upload = upload
        who = upload.uploaded_by.get_username() if upload and upload.uploaded_by else "someone"
        when = f" at {timezone.localtime(upload.uploaded_at):%H:%M on %-d %B}" if upload else ""
        super().__init__(
            f"This file was uploaded by {who}{when} and is waiting to be applied or discarded. "
            "Open that upload rather than uploading the file again."
        )


def receive(*, uploaded, choices: Choices, user) -> Upload:
    """Keeps an uploaded file (a Django UploadedFile) with its preview. Raises FileRefused
    when the file cannot be read and AlreadyOpen when it is uploaded already; either way
    nothing is kept."""
    with tempfile.TemporaryDirectory(prefix="mmip-upload-") as directory:
        path = Path(directory) / Path(uploaded.name).name
        with path.open("wb") as copy:
            for chunk in uploaded.chunks():
                copy.write(chunk)
        grant_file = open_grant_file(path, uploaded.name)
        waiting = Upload.objects.filter(sha256=grant_file.sha256, state__in=Upload.OPEN).first()
        if waiting is not None:
            raise AlreadyOpen(waiting)
        found = preview(grant_file, choices)
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    file_name=uploaded.name[:255],
                    size=grant_file.size,
                    sha256=grant_file.sha256,
                    uploaded_by=user,
                    choices=choices.as_json(),
                    preview=found,
                )
                upload.keep_file(path)
        except IntegrityError:
            # Uploaded by someone else in the moment since the check above.
            raise AlreadyOpen(
                Upload.objects.filter(sha256=grant_file.sha256, state__in=Upload.OPEN).first()
            ) from None
    return upload


@contextmanager
def kept_file(upload: Upload):
    path = upload.file_copy()
    try:
        yield open_grant_file(path, upload.file_name)
    finally:
        path.unlink(missing_ok=True)


def confirm(*, upload: Upload, identifiers: set[str]) -> Upload:
    """A new preview with these matches by name confirmed as well as any before."""
    choices = Choices.from_json(upload.choices)
    choices = dataclasses.replace(choices, confirmed=choices.confirmed | frozenset(identifiers))
    with kept_file(upload) as grant_file:
        upload.preview = preview(grant_file, choices)
    upload.choices = choices.as_json()
    upload.save(update_fields=["choices", "preview"])
    return upload


def apply(*, upload: Upload, user, skip_problems: bool, digest: str) -> ImportResult:
    """Applies the upload as its preview showed it. Raises ImportRefused (or RecordChanged,
    having stored the new preview) when it cannot."""
    choices = Choices.from_json(upload.choices)
    with kept_file(upload) as grant_file:
        try:
            result = apply_import(
                grant_file=grant_file,
                choices=choices,
                user=user,
                skip_problems=skip_problems,
                expected_digest=digest,
            )
        except RecordChanged as changed:
            upload.preview = changed.preview
            upload.save(update_fields=["preview"])
            raise
    with transaction.atomic():
        upload.state = Upload.State.APPLIED
        upload.preview = result.preview
        upload.dataset_import = result.dataset_import
        upload.finished_at, upload.finished_by = timezone.now(), user
        upload.save()
        upload.forget_file()
    return result


def discard(*, upload: Upload, user) -> None:
    with transaction.atomic():
        upload.state = Upload.State.DISCARDED
        upload.finished_at, upload.finished_by = timezone.now(), user
        upload.save()
        upload.forget_file()
