"""The admin's pages for a funder's 360Giving file: the upload under Awards, the preview,
confirming matches by name, applying ("apply N valid grants, skip M with problems" when
there are problems), discarding, and the same file refused while it is uploaded already."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from funding.models import Award
from imports import uploads, writing
from imports.models import Dataset, Upload, UploadChunk
from tests import giving_files as gf
from tests.factories import OrganisationFactory, WorkstreamFactory
from tests.test_record_rules import assert_clean_message, assert_violates

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:imports_upload_add")
UPLOADS = reverse("admin:imports_upload_changelist")


def json_file(grants, name="grants.json", **metadata) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, gf.dumps(gf.package(grants, **metadata)), "application/json")


def upload(client, file, **fields):
    response = client.post(UPLOAD, {"file": file, "publish": "on", **fields})
    return response


def preview_url(upload) -> str:
    return reverse("admin:imports_upload_change", args=[upload.pk])


@pytest.fixture(autouse=True)
def _jobs_in_the_tests_transaction(monkeypatch):
    """Jobs are queued when the request's transaction commits, which a test's never does: so
    here they are queued at once. And the worker, which drops stale connections between jobs,
    must keep the one that holds the test's transaction."""
    monkeypatch.setattr(uploads, "_enqueue", lambda task, upload: task.enqueue(upload.pk))
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def work():
    """What the worker beside the web server does: every job queued, then stop."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def uploaded(client, grants, **fields) -> Upload:
    response = upload(client, json_file(grants), **fields)
    assert response.status_code == 302, response.context["form"].errors
    work()
    return Upload.objects.latest("pk")


def applied(client, item, **fields):
    response = client.post(
        preview_url(item), {"action": "apply", "digest": item.preview["digest"], **fields}
    )
    work()
    item.refresh_from_db()
    return response


def test_the_awards_list_leads_editors_to_the_upload(editor_client, viewer):
    awards = reverse("admin:funding_award_changelist")
    assert f'href="{UPLOAD}"'.encode() in editor_client.get(awards).content
    assert editor_client.get(UPLOAD).status_code == 200
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert f'href="{UPLOAD}"'.encode() not in viewer_client.get(awards).content
    assert viewer_client.get(UPLOAD).status_code == 403


def test_an_upload_shows_its_preview_and_writes_nothing_yet(editor_client):
    skills = WorkstreamFactory(name="Skills")
    response = upload(
        editor_client,
        json_file([gf.grant(n) for n in range(12)]),
        programmes="Small Grants\nManufacturing Futures",
        workstreams=[skills.pk],
    )
    item = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(item)
    assert item.state == Upload.State.RECEIVED
    assert item.chunks.exists()
    waiting = editor_client.get(preview_url(item)).content.decode()
    assert "The file is uploaded and its preview is on its way." in waiting
    assert "Waiting for a worker to start it." in waiting

    work()
    assert not Award.objects.exists()
    page = editor_client.get(preview_url(item)).content.decode()
    assert "Programme “Small Grants” or “Manufacturing Futures”" in page
    assert "Skills" in page
    assert 'value="Apply: 9 new and 0 changed grants"' in page
    assert "Grant 0 for Teesside Skills Charity" in page
    assert "New organisations (9)" in page


def test_applying_imports_the_grants_and_forgets_the_file(editor_client, editor):
    item = uploaded(editor_client, [gf.grant(n) for n in range(5)])
    response = editor_client.post(
        preview_url(item), {"action": "apply", "digest": item.preview["digest"]}, follow=True
    )
    assert (
        "The import is on its way: this page shows how far it has got." in response.content.decode()
    )
    assert "Waiting to be applied" in response.content.decode()
    item.refresh_from_db()
    assert item.state == Upload.State.QUEUED
    assert not Award.objects.exists()

    work()
    item.refresh_from_db()
    assert (item.state, item.finished_by) == (Upload.State.APPLIED, editor)
    assert item.dataset_import.new == 5
    assert (item.progress_done, item.progress_total) == (5, 5)
    assert not item.chunks.exists()
    assert Award.objects.count() == 5
    assert Award.objects.first().history.latest().history_user == editor
    # Once applied, the page shows what it did and offers nothing more.
    page = editor_client.get(preview_url(item)).content.decode()
    assert 'name="action"' not in page
    assert "what the import did" in page


def test_with_problems_the_button_says_how_many_are_applied_and_skipped(editor_client):
    item = uploaded(editor_client, [gf.grant(0), gf.grant(1, currency="USD"), gf.grant(2)])
    page = editor_client.get(preview_url(item)).content.decode()
    assert 'value="Apply 2 valid grants, skip 1 with problems"' in page
    assert "The grant is in USD" in page

    applied(editor_client, item, skip_problems="yes")
    assert Award.objects.count() == 2


def test_a_job_that_fails_leaves_the_record_as_it_was_and_says_why(editor_client):
    item = uploaded(editor_client, [gf.grant(0), gf.grant(1, currency="USD")])
    applied(editor_client, item)  # without choosing to skip the grant with a problem
    assert not Award.objects.exists()
    assert item.state == Upload.State.PREVIEWED
    page = editor_client.get(preview_url(item)).content.decode()
    assert "The file has grants with problems, so nothing was imported." in page
    assert 'value="Apply 1 valid grant, skip 1 with problems"' in page  # and may try again


def test_an_error_in_the_worker_leaves_the_record_as_it_was(editor_client, monkeypatch):
    item = uploaded(editor_client, [gf.grant(n) for n in range(3)])

    def broken(self, plans):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(writing.Writer, "_new_awards", broken)
    applied(editor_client, item)
    assert not Award.objects.exists()
    assert not Dataset.objects.exists()
    assert item.state == Upload.State.PREVIEWED
    assert item.failure == (
        "The import stopped with an error, and nothing was applied (RuntimeError: the disk is full)."
    )


def test_staff_confirm_a_match_by_name_and_the_preview_takes_it(editor_client):
    teesside = OrganisationFactory(name="Teesside Skills Charity")
    item = uploaded(editor_client, [gf.grant(0)])
    page = editor_client.get(preview_url(item)).content.decode()
    assert "Organisations matched by name alone" in page
    assert 'value="Apply 0 valid grants, skip 1 with problems"' in page

    editor_client.post(preview_url(item), {"action": "confirm", "confirm": ["GB-CHC-1170001"]})
    work()
    item.refresh_from_db()
    assert item.choices["confirmed"] == ["GB-CHC-1170001"]
    assert item.preview["counts"]["new"] == 1
    applied(editor_client, item)
    assert Award.objects.get().recipient == teesside


def test_a_preview_older_than_the_record_is_not_applied(editor_client):
    item = uploaded(editor_client, [gf.grant(0)])
    OrganisationFactory(name="Medicines Innovation Agency", org_id="GB-GOR-PB9001")
    old_digest = item.preview["digest"]

    applied(editor_client, item)
    assert not Award.objects.exists()
    assert item.failure.startswith(
        "The record changed since the preview was made, so nothing was imported."
    )
    assert item.preview["digest"] != old_digest
    assert (
        item.preview["organisations"]["by_identifier"][0]["organisation"]
        == "Medicines Innovation Agency"
    )


def test_discarding_keeps_nothing_of_the_file(editor_client):
    item = uploaded(editor_client, [gf.grant(0)])
    response = editor_client.post(preview_url(item), {"action": "discard"})
    assert response["Location"] == UPLOADS
    item.refresh_from_db()
    assert item.state == Upload.State.DISCARDED
    assert not UploadChunk.objects.exists()
    assert not Award.objects.exists()


def test_a_job_whose_worker_stopped_can_be_run_again(editor_client, settings):
    item = uploaded(editor_client, [gf.grant(0)])
    editor_client.post(preview_url(item), {"action": "apply", "digest": item.preview["digest"]})
    # A worker took it, then was killed: the apply's transaction was rolled back.
    Upload.objects.filter(pk=item.pk).update(
        state=Upload.State.APPLYING,
        progress_at=timezone.now()
        - datetime.timedelta(minutes=settings.IMPORT_JOB_SILENT_MINUTES + 1),
    )
    page = editor_client.get(preview_url(item)).content.decode()
    assert "The job stopped" in page
    assert 'value="Run it again"' in page

    editor_client.post(preview_url(item), {"action": "run-again"})
    work()
    item.refresh_from_db()
    assert item.state == Upload.State.APPLIED
    assert Award.objects.count() == 1


def test_a_running_job_is_neither_run_again_nor_discarded(editor_client):
    item = uploaded(editor_client, [gf.grant(0)])
    Upload.objects.filter(pk=item.pk).update(
        state=Upload.State.APPLYING, progress_at=timezone.now()
    )
    for action, words in (("run-again", "still running"), ("discard", "right now")):
        response = editor_client.post(preview_url(item), {"action": action}, follow=True)
        assert words in response.content.decode()
    item.refresh_from_db()
    assert item.state == Upload.State.APPLYING


def test_the_page_tells_its_script_how_far_the_job_has_got(editor_client):
    item = uploaded(editor_client, [gf.grant(0)])
    Upload.objects.filter(pk=item.pk).update(
        state=Upload.State.APPLYING,
        progress_done=40,
        progress_total=160,
        progress_at=timezone.now(),
    )
    answer = editor_client.get(preview_url(item) + "?progress").json()
    assert answer == {
        "state": "applying",
        "done": 40,
        "total": 160,
        "percent": 25,
        "stopped": False,
    }
    page = editor_client.get(preview_url(item)).content.decode()
    assert "25% done: 40 of 160 grants." in page
    assert 'src="/static/js/import-progress.js"' in page


def test_the_same_file_is_not_uploaded_twice_at_once(editor_client):
    grants = [gf.grant(0)]
    uploaded(editor_client, grants)
    response = upload(editor_client, json_file(grants))
    assert response.status_code == 200
    assert "This file was uploaded by editor at" in str(response.context["form"].errors["file"])
    assert Upload.objects.count() == 1


def test_the_database_refuses_a_second_open_upload_of_a_file(editor):
    sha = "a" * 64
    Upload.objects.create(file_name="a.json", size=1, sha256=sha, uploaded_by=editor)
    assert_violates(
        "upload_one_open_per_file",
        lambda: Upload.objects.create(file_name="b.json", size=1, sha256=sha, uploaded_by=editor),
    )
    assert_clean_message(
        Upload(file_name="b.json", size=1, sha256=sha), "sha256", "already uploaded and waiting"
    )
    assert_violates(
        "upload_sha256_format", lambda: Upload.objects.create(file_name="c", size=1, sha256="x")
    )
    assert_violates(
        "upload_finished_when_closed",
        lambda: Upload.objects.create(file_name="d", size=1, sha256="b" * 64, state="applied"),
    )
    assert_clean_message(
        Upload(file_name="d", size=1, sha256="b" * 64, state="applied"), "finished_at", "says when"
    )


def test_a_file_plainly_not_360giving_is_refused_at_once_and_nothing_kept(editor_client):
    response = upload(editor_client, SimpleUploadedFile("grants.json", b"Identifier,Title\n"))
    assert "Nothing was kept: The file is not JSON" in str(response.context["form"].errors["file"])
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"grants": [{"id": "360G', "ends part-way through its JSON"),
        (b'{"grants": []}', "The package holds no grants"),
        (b'{"title": "Grants"}', "it has no list of grants"),
    ],
    ids=["truncated", "empty", "not-360giving"],
)
def test_a_file_the_preview_cannot_read_fails_with_a_reason_and_nothing_kept(
    editor_client, content, words
):
    response = upload(editor_client, SimpleUploadedFile("grants.json", content))
    assert response.status_code == 302
    work()
    item = Upload.objects.get()
    assert item.state == Upload.State.FAILED
    assert words in item.failure
    assert not item.chunks.exists()
    assert words in editor_client.get(preview_url(item)).content.decode()


def test_bad_choices_are_refused_in_words(editor_client, settings):
    response = upload(
        editor_client,
        json_file([gf.grant(0)]),
        awarded_from="2021-06-01",
        awarded_to="2021-01-01",
        source_url="not an address",
    )
    errors = response.context["form"].errors
    assert errors["awarded_to"] == ["The end of the award dates cannot be before their start."]
    assert errors["source_url"] == ["Enter a valid URL."]

    settings.IMPORT_MAX_MEGABYTES = 0
    response = upload(editor_client, json_file([gf.grant(0)]))
    assert "this site imports files of up to 0 MB" in str(response.context["form"].errors["file"])
    assert not Upload.objects.exists()


def test_viewers_read_a_preview_but_cannot_act_on_it(editor_client, viewer):
    item = uploaded(editor_client, [gf.grant(0)])
    viewer_client = Client()
    viewer_client.force_login(viewer)
    page = viewer_client.get(preview_url(item))
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    response = viewer_client.post(
        preview_url(item), {"action": "apply", "digest": item.preview["digest"]}
    )
    assert response.status_code == 403
    assert not Award.objects.exists()


def test_the_uploads_list_and_a_preview_cost_the_same_queries_however_many(editor_client, editor):
    def make(n):
        for i in range(n):
            Upload.objects.create(
                file_name=f"{i}.json",
                size=1,
                sha256=f"{Upload.objects.count():064x}",
                uploaded_by=editor,
                state="applied",
                finished_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
                preview={"counts": {"new": 1, "changed": 0, "unchanged": 0, "with_problems": 0}},
            )

    make(3)
    editor_client.get(UPLOADS)
    # The session, the user, permissions, the counts, the page of uploads with who uploaded
    # each, and the date hierarchy's dates.
    with CaptureQueriesContext(connection) as three:
        assert editor_client.get(UPLOADS).context["cl"].result_count == 3
    make(27)
    with CaptureQueriesContext(connection) as thirty:
        assert editor_client.get(UPLOADS).context["cl"].result_count == 30
    assert len(thirty) == len(three)

    small = uploaded(editor_client, [gf.grant(0)])
    with CaptureQueriesContext(connection) as one_grant:
        editor_client.get(preview_url(small))
    large = uploaded(editor_client, [gf.grant(n) for n in range(1, 300)])
    with CaptureQueriesContext(connection) as many_grants:
        editor_client.get(preview_url(large))
    assert len(many_grants) == len(one_grant)
