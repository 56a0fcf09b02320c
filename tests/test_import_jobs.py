"""Previews and applies as background jobs on django-tasks with its database backend: queued
in the database (so they wait out a restart of the web server or the worker), claimed once,
reporting their progress on a connection of their own while the import's transaction is
still open, and leaving the record as it was when they fail."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from funding.models import Award
from imports import jobs, uploads
from imports.choices import Choices
from imports.models import Upload
from imports.progress import Progress
from tests import giving_files as gf
from tests.test_record_rules import assert_clean_message, assert_violates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_in_the_tests_transaction(monkeypatch):
    # As in tests/test_import_admin.py: queued at once, and the test's connection kept.
    monkeypatch.setattr(uploads, "_enqueue", lambda task, upload: task.enqueue(upload.pk))
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def work():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def received(grants) -> Upload:
    return uploads.receive(
        uploaded=SimpleUploadedFile("grants.json", gf.dumps(gf.package(grants))),
        choices=Choices(),
        user=User.objects.create_user(f"staff-{User.objects.count()}"),
    )


def test_a_job_waits_in_the_database_for_whichever_worker_starts_next():
    upload = received([gf.grant(0)])
    (queued,) = DBTaskResult.objects.all()
    assert (queued.task_path, queued.status, queued.args_kwargs["args"]) == (
        "imports.tasks.preview_upload",
        TaskResultStatus.READY,
        [upload.pk],
    )

    work()  # a worker started after the job was queued, as after a restart
    queued.refresh_from_db()
    upload.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert upload.state == Upload.State.PREVIEWED


def test_a_job_queued_twice_runs_once():
    upload = received([gf.grant(0)])
    from imports.tasks import preview_upload

    preview_upload.enqueue(upload.pk)
    work()
    upload.refresh_from_db()
    assert upload.state == Upload.State.PREVIEWED
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def test_the_job_of_an_upload_discarded_meanwhile_does_nothing():
    upload = received([gf.grant(0)])
    uploads.discard(upload=upload, user=upload.uploaded_by)
    work()
    upload.refresh_from_db()
    assert upload.state == Upload.State.DISCARDED
    assert upload.preview is None


def test_an_apply_job_imports_and_records_what_it_did():
    upload = received([gf.grant(n) for n in range(3)])
    work()
    upload.refresh_from_db()
    uploads.request_apply(
        upload=upload, user=upload.uploaded_by, skip_problems=False, digest=upload.preview["digest"]
    )
    jobs.apply(upload.pk)
    upload.refresh_from_db()
    assert upload.state == Upload.State.APPLIED
    assert upload.dataset_import.new == 3
    assert Award.objects.count() == 3


def test_nothing_but_a_waiting_upload_is_applied():
    upload = received([gf.grant(0)])
    with pytest.raises(uploads.NotNow, match="waiting to be previewed"):
        uploads.request_apply(
            upload=upload, user=upload.uploaded_by, skip_problems=False, digest=""
        )
    jobs.apply(upload.pk)  # not queued to be applied: left alone
    upload.refresh_from_db()
    assert upload.state == Upload.State.RECEIVED
    assert not Award.objects.exists()


def test_progress_is_told_outside_the_jobs_transaction(transactional_db):
    upload = Upload.objects.create(file_name="g.json", size=1, sha256="c" * 64)
    progress = Progress(upload.pk)
    try:
        with connection.cursor() as cursor, transaction_open(cursor):
            progress(250, 1000)
            # Another connection (the admin's page) sees it while this one's transaction is open.
            other = Progress(upload.pk).connection
            with other.cursor() as reading:
                reading.execute(
                    "SELECT progress_done, progress_total FROM imports_upload WHERE id = %s",
                    [upload.pk],
                )
                assert reading.fetchone() == (250, 1000)
            other.close()
    finally:
        progress.close()


class transaction_open:
    def __init__(self, cursor):
        self.cursor = cursor

    def __enter__(self):
        self.cursor.execute("BEGIN")

    def __exit__(self, *exc):
        self.cursor.execute("ROLLBACK")


def test_a_job_cannot_have_done_more_than_the_file_holds():
    assert_violates(
        "upload_progress_within_total",
        lambda: Upload.objects.create(
            file_name="g.json", size=1, sha256="d" * 64, progress_done=5, progress_total=4
        ),
    )
    assert_clean_message(
        Upload(file_name="g.json", size=1, sha256="d" * 64, progress_done=5, progress_total=4),
        "progress_done",
        "cannot have done more grants",
    )
