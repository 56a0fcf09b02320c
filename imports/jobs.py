"""What a worker does with an upload: preview it, or apply it. Each first claims the upload
(so no two workers take the same job), reports its progress as it goes (imports/progress.py)
and ends by saying how it went in the upload. A job that fails leaves the record as it was
(the apply is one transaction) and says why."""

import logging
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from imports.choices import Choices
from imports.models import Upload
from imports.preview import preview as preview_of
from imports.progress import Progress
from imports.reading import FileRefused, open_grant_file
from imports.services import ImportRefused, RecordChanged, apply_import

logger = logging.getLogger(__name__)
State = Upload.State


@contextmanager
def kept_file(upload: Upload):
    """The upload's file, written out of the database to a temporary file for the job."""
    path = upload.file_copy()
    try:
        yield open_grant_file(path, upload.file_name)
    finally:
        path.unlink(missing_ok=True)


def _claim(upload_id: int, waiting: str, working: str) -> Upload | None:
    """The upload, now marked as being worked on, if it was waiting for this job (it may
    have been discarded meanwhile, or taken by another worker)."""
    claimed = Upload.objects.filter(pk=upload_id, state=waiting).update(
        state=working, progress_done=0, progress_total=0, progress_at=timezone.now(), failure=""
    )
    return Upload.objects.get(pk=upload_id) if claimed else None


def preview(upload_id: int) -> None:
    upload = _claim(upload_id, State.RECEIVED, State.PREVIEWING)
    if upload is None:
        return
    progress = Progress(upload.pk)
    try:
        with kept_file(upload) as grant_file:
            found = preview_of(grant_file, Choices.from_json(upload.choices), progress=progress)
    except FileRefused as refused:
        _failed(upload, f"Nothing was kept: {refused}")
    except Exception as error:
        logger.exception("The preview of upload %s stopped", upload.pk)
        _failed(upload, f"The preview stopped with an error ({type(error).__name__}: {error}).")
    else:
        Upload.objects.filter(pk=upload.pk, state=State.PREVIEWING).update(
            state=State.PREVIEWED, preview=found, progress_at=timezone.now()
        )
    finally:
        progress.close()


def _failed(upload: Upload, why: str) -> None:
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk).update(
            state=State.FAILED, failure=why, finished_at=timezone.now()
        )
        upload.forget_file()


def apply(upload_id: int) -> None:
    upload = _claim(upload_id, State.QUEUED, State.APPLYING)
    if upload is None:
        return
    job = upload.job
    user = get_user_model().objects.filter(pk=job.get("user")).first()
    progress = Progress(upload.pk)
    try:
        # The import and the upload's record of it commit together, or neither does.
        with transaction.atomic(), kept_file(upload) as grant_file:
            result = apply_import(
                grant_file=grant_file,
                choices=Choices.from_json(upload.choices),
                user=user,
                skip_problems=job.get("skip_problems", False),
                expected_digest=job.get("digest") or None,
                progress=progress,
            )
            upload.state = State.APPLIED
            upload.preview = result.preview
            upload.dataset_import = result.dataset_import
            upload.finished_at, upload.finished_by = timezone.now(), user
            upload.progress_done = upload.progress_total = result.preview["counts"][
                "grants_in_file"
            ]
            upload.failure = ""
            upload.save()
            upload.forget_file()
    except RecordChanged as changed:
        _back_to_preview(upload, str(changed), preview=changed.preview)
    except ImportRefused as refused:
        _back_to_preview(upload, str(refused))
    except Exception as error:
        logger.exception("The import of upload %s stopped", upload.pk)
        _back_to_preview(
            upload,
            f"The import stopped with an error, and nothing was applied ({type(error).__name__}: "
            f"{error}).",
        )
    finally:
        progress.close()


def _back_to_preview(upload: Upload, why: str, *, preview: dict | None = None) -> None:
    changes = {"state": State.PREVIEWED, "failure": why, "progress_at": timezone.now()}
    if preview is not None:
        changes["preview"] = preview
    Upload.objects.filter(pk=upload.pk, state=State.APPLYING).update(**changes)
