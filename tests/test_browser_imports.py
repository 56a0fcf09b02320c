"""The upload, job and preview pages of a funder's 360Giving file in a real browser, logged
in: they load without console errors and axe finds no WCAG 2.2 AA violation, at desktop size
and on a phone; and the upload works as a member of staff would use it, its preview made by
the worker."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from imports.models import Upload
from tests import giving_files as gf
from tests.browser import DESKTOP, PHONE, axe_report
from tests.factories import OrganisationFactory, WorkstreamFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def session(transactional_db):
    """A superuser's session (the staff groups come from migrations, which a transactional
    test's flush empties), and a workstream and a name to confirm for the form and preview."""
    WorkstreamFactory(name="Skills")
    OrganisationFactory(name="Teesside Skills Charity")
    client = Client()
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "pw"))
    return client.cookies["sessionid"].value


def logged_in_page(browser, live_server, session, viewport):
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def assert_accessible(page, errors):
    results = axe_report(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


def test_the_upload_and_preview_pages_are_accessible_and_work(
    browser, live_server, session, tmp_path
):
    grants = [gf.grant(n) for n in range(20)]
    grants[3]["currency"] = "USD"
    path = gf.write_json(tmp_path, gf.package(grants))
    for viewport in (DESKTOP, PHONE):
        Upload.objects.all().delete()
        page, errors = logged_in_page(browser, live_server, session, viewport)
        response = page.goto(live_server.url + reverse("admin:imports_upload_add"))
        assert response.status == 200
        assert_accessible(page, errors)

        page.set_input_files("#id_file", str(path))
        page.get_by_label("Skills").check()
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_load_state("load")
        # The job's page, waiting for the worker beside the web server.
        assert page.get_by_role("status").inner_text() == "Waiting for a worker to start it."
        assert_accessible(page, errors)

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        page.reload()
        assert page.get_by_role("heading", name="Problems (4 grants)").is_visible()
        assert page.get_by_role("heading", name="Organisations matched by name alone").is_visible()
        assert_accessible(page, errors)

        assert page.get_by_role(
            "button", name="Apply 16 valid grants, skip 4 with problems"
        ).is_visible()
        page.context.close()


def test_the_progress_of_an_apply_shows_as_it_goes_with_or_without_scripts(
    browser, live_server, session, tmp_path
):
    """The job's page while a worker applies the file: its progress at desktop size and on a
    phone, brought up to date by the page's script, or by the Check again link without one;
    the page of a job whose worker stopped; and the page of the import once applied."""
    for first, viewport in ((0, DESKTOP), (10, PHONE)):
        # Grants not imported yet at each size.
        grants = [gf.grant(n) for n in range(first, first + 5)]
        path = gf.write_json(tmp_path, gf.package(grants), name=f"grants-{first}.json")
        page, errors = logged_in_page(browser, live_server, session, viewport)
        page.goto(live_server.url + reverse("admin:imports_upload_add"))
        page.set_input_files("#id_file", str(path))
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_load_state("load")
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        page.reload()
        # "Apply 4 valid grants, skip 1…" where the session's organisation of the same name as
        # a recipient holds a grant back, "Apply: 5 new…" where none does.
        page.get_by_role("button", name=re.compile(r"^Apply")).click()
        page.wait_for_load_state("load")
        upload = Upload.objects.get(state=Upload.State.QUEUED)
        assert upload.state == Upload.State.QUEUED

        # A worker took it and is a quarter of the way through.
        started(upload, done=250)
        page.reload()
        status = page.get_by_role("status")
        assert status.inner_text() == "25% done: 250 of 1,000 grants."
        assert_accessible(page, errors)
        started(upload, done=500)
        # The page's script asks every two seconds.
        expect(status).to_have_text("50% done: 500 of 1,000 grants.", timeout=10_000)
        assert page.locator("#job-progress").get_attribute("value") == "50"

        # Without scripts, Check again brings it up to date.
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        context.add_cookies(page.context.cookies())
        quiet = context.new_page()
        quiet.goto(page.url)
        started(upload, done=750)
        quiet.get_by_role("link", name="Check again").click()
        assert quiet.get_by_role("status").inner_text() == "75% done: 750 of 1,000 grants."
        context.close()

        # Its worker went silent: the page says so and offers to run it again.
        Upload.objects.filter(pk=upload.pk).update(
            progress_at=timezone.now() - timedelta(minutes=settings.IMPORT_JOB_SILENT_MINUTES + 1)
        )
        page.reload()
        assert page.get_by_role("heading", name="The job stopped").is_visible()
        assert_accessible(page, errors)
        page.get_by_role("button", name="Run it again").click()
        page.wait_for_load_state("load")

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        page.reload()
        assert page.get_by_text("Applied: see what the import did").is_visible()
        assert_accessible(page, errors)
        page.context.close()


def started(upload: Upload, *, done: int) -> None:
    Upload.objects.filter(pk=upload.pk).update(
        state=Upload.State.APPLYING,
        progress_done=done,
        progress_total=1000,
        progress_at=timezone.now(),
    )
