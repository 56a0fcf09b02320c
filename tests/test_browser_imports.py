"""The upload, job and preview pages of a funder's 360Giving file in a real browser, logged
in: they load without console errors and axe finds no WCAG 2.2 AA violation, at desktop size
and on a phone; and the upload works as a member of staff would use it, its preview made by
the worker."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

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
