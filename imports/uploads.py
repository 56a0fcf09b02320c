"""An upload's life as staff drive it from the admin: received (and queued to be previewed),
previewed again with matches by name confirmed, queued to be applied, run again after its
worker stopped, or discarded. Each is a keyword-only function the admin's views call; the
previews and applies themselves run as background jobs (imports/tasks.py, imports/jobs.py),
so a file of any size is handled without keeping a web request waiting."""

import dataclasses
import hashlib
import tempfile
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from imports import tasks
from imports.choices import Choices
from imports.models import Upload
from imports.reading import FileRefused, format_of

State = Upload.State


class AlreadyOpen(Exception):
    """The same file is already uploaded and not yet applied or discarded: it is not
    uploaded twice at once."""

    def __init__(self, upload: Upload | None):
        self.upload = upload
        who = upload.uploaded_by.get_username() if upload and upload.uploaded_by else "someone"
        when = f" at {timezone.localtime(upload.uploaded_at):%H:%M on %-d %B}" if upload else ""
        super().__init__(
            f"This file was uploaded by {who}{when} and is not yet applied or discarded. Open "
            "that upload rather than uploading the file again."
        )


class NotNow(Exception):
    """What was asked cannot be done in the upload's present state; the message says why."""


def receive(*, uploaded, choices: Choices, user) -> Upload:
    """Keeps an uploaded file (a Django UploadedFile) and queues its preview. Raises
    FileRefused when it is plainly no 360Giving file (judged by its first bytes: the rest is
    read by the preview), and AlreadyOpen when it is uploaded already; either way nothing is
    kept."""
    with tempfile.TemporaryDirectory(prefix="mmip-upload-") as directory:
        path = Path(directory) / Path(uploaded.name).name
        digest = hashlib.sha256()
        with path.open("wb") as copy:
            for chunk in uploaded.chunks():
                copy.write(chunk)
                digest.update(chunk)
        if path.stat().st_size == 0:
            raise FileRefused("The file is empty.")
        format_of(path, uploaded.name)
        sha256 = digest.hexdigest()
        waiting = Upload.objects.filter(sha256=sha256, state__in=Upload.OPEN).first()
        if waiting is not None:
            raise AlreadyOpen(waiting)
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    file_name=uploaded.name[:255],
                    size=path.stat().st_size,
                    sha256=sha256,
                    uploaded_by=user,
                    choices=choices.as_json(),
                )
                upload.keep_file(path)
                _enqueue(tasks.preview_upload, upload)
        except IntegrityError:
            # Uploaded by someone else in the moment since the check above.
            raise AlreadyOpen(
                Upload.objects.filter(sha256=sha256, state__in=Upload.OPEN).first()
            ) from None
    return upload


def _enqueue(task, upload: Upload) -> None:
    """Queued once the upload's state is committed, so the worker finds it waiting."""
    transaction.on_commit(lambda: task.enqueue(upload.pk))


def confirm(*, upload: Upload, identifiers: set[str]) -> None:
    """Queues a new preview with these matches by name confirmed as well as any before."""
    _must_be(upload, State.PREVIEWED)
    choices = Choices.from_json(upload.choices)
    choices = dataclasses.replace(choices, confirmed=choices.confirmed | frozenset(identifiers))
    with transaction.atomic():
        upload.choices = choices.as_json()
        upload.state = State.RECEIVED
        upload.failure = ""
        upload.save(update_fields=["choices", "state", "failure"])
        _enqueue(tasks.preview_upload, upload)


def request_apply(*, upload: Upload, user, skip_problems: bool, digest: str) -> None:
    """Queues the apply of the upload as its preview showed it (the digest says which)."""
    _must_be(upload, State.PREVIEWED)
    with transaction.atomic():
        upload.job = {"user": user.pk, "skip_problems": skip_problems, "digest": digest}
        upload.state = State.QUEUED
        upload.failure = ""
        upload.save(update_fields=["job", "state", "failure"])
        _enqueue(tasks.apply_upload, upload)


def run_again(*, upload: Upload) -> None:
    """Queues again a job whose worker stopped part-way (nothing of it was applied)."""
    if not upload.has_stopped:
        raise NotNow("This job is still running: wait for it to finish.")
    previewing = upload.state == State.PREVIEWING
    with transaction.atomic():
        upload.state = State.RECEIVED if previewing else State.QUEUED
        upload.save(update_fields=["state"])
        _enqueue(tasks.preview_upload if previewing else tasks.apply_upload, upload)


def discard(*, upload: Upload, user) -> None:
    if upload.state in Upload.WORKING and not upload.has_stopped:
        raise NotNow("A worker is on this upload right now: wait for it to finish.")
    with transaction.atomic():
        upload.state = State.DISCARDED
        upload.finished_at, upload.finished_by = timezone.now(), user
        upload.save()
        upload.forget_file()


def _must_be(upload: Upload, state: str) -> None:
    if upload.state != state:
        raise NotNow(
            f"This upload is {upload.get_state_display().lower()}, so that cannot be done now."
        )
