"""A worker killed halfway through an apply (SIGKILL, as a crashed machine or the kernel's
out-of-memory killer would) leaves nothing of it applied: the apply is one transaction,
which PostgreSQL rolls back when the worker's connection goes. The upload's page then says
the job stopped, and it runs again to the end."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from funding.models import Award
from imports import uploads
from imports.choices import Choices
from imports.models import Upload
from tests import giving_files as gf
from tests.test_import_jobs_rq import database_url
from tests.test_settings_and_setup import CHECKOUT

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
GRANTS = 8000


def worker() -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url(), "ENV_FILE": os.devnull}
    env.pop("TASKS_BACKEND", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--burst", "--no-startup-delay"],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"Waited {seconds} s for {what}.")


def imports_locked() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_halfway_through_an_apply_leaves_nothing_applied(tmp_path):
    staff = User.objects.create_user("staff-killed")
    upload = uploads.receive(
        uploaded=SimpleUploadedFile("grants.json", gf.dumps(gf.realistic_package(GRANTS))),
        choices=Choices(),
        user=staff,
    )
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    upload.refresh_from_db()
    assert upload.state == Upload.State.PREVIEWED, upload.failure
    uploads.request_apply(
        upload=upload, user=staff, skip_problems=False, digest=upload.preview["digest"]
    )

    running = worker()
    try:
        # Its progress is told outside the apply's transaction, so it shows part-way.
        done = wait_for(
            lambda: Upload.objects.filter(
                pk=upload.pk, progress_done__gt=0, progress_done__lt=GRANTS
            ).exists(),
            seconds=120,
            what="the apply to be part-way",
        )
        running.send_signal(signal.SIGKILL)
    finally:
        running.wait(timeout=30)
    assert done

    upload.refresh_from_db()
    assert upload.state == Upload.State.APPLYING
    assert 0 < upload.progress_done < GRANTS
    assert not Award.objects.exists()
    # The server ends the killed worker's session, and with it the import's lock.
    wait_for(lambda: not imports_locked(), seconds=30, what="the import's lock to go")
    assert not Award.objects.exists()

    # Silent past the limit, the job is said to have stopped, and staff run it again.
    Upload.objects.filter(pk=upload.pk).update(
        progress_at=timezone.now() - timedelta(minutes=settings.IMPORT_JOB_SILENT_MINUTES + 1)
    )
    upload.refresh_from_db()
    assert upload.has_stopped
    uploads.run_again(upload=upload)
    again = worker()
    assert again.wait(timeout=300) == 0, again.stderr.read().decode()

    upload.refresh_from_db()
    assert upload.state == Upload.State.APPLIED, upload.failure
    assert Award.objects.count() == GRANTS
