"""The API documentation at /api/docs/ in a real browser: Swagger UI from this site's own
files, under the site's Content-Security-Policy (no 'unsafe-inline'), asking the API from
the page; and links to the schema with JavaScript off."""

import pytest

from tests.browser import DESKTOP, PHONE, axe_report, open_page
from tests.factories import AwardFactory, WorkstreamFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    WorkstreamFactory(slug="skills", name="Skills")
    AwardFactory(identifier="360G-MMIP-BROWSER-1", title="Apprenticeships in cell therapy")


def test_swagger_ui_runs_under_the_content_security_policy(browser, live_server, record):
    page, errors = open_page(browser, live_server.url + "/api/docs/", DESKTOP)
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.wait_for_selector(".opblock-summary", timeout=15_000)

    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/awards/" in [text.replace("\u200b", "") for text in operations]
    # A refused script or style shows as a console error: there is none.
    assert errors == []
    assert violations == []
    page.context.close()


def test_an_endpoint_can_be_tried_from_the_page(browser, live_server, record):
    page, errors = open_page(browser, live_server.url + "/api/docs/", DESKTOP)
    page.wait_for_selector(".opblock-summary", timeout=15_000)
    block = page.locator("#operations-workstreams-workstreams_list")
    if not block.locator(".try-out").is_visible():
        block.locator(".opblock-summary").click()
    block.locator(".try-out__btn").click()
    block.locator(".execute").click()
    answer = block.locator(".live-responses-table tr.response")
    answer.first.wait_for(timeout=15_000)

    assert answer.first.locator(".response-col_status").inner_text().strip() == "200"
    assert '"skills"' in answer.first.locator(".microlight").first.inner_text()
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_documentation_page_has_no_wcag_22_aa_violation(browser, live_server, record, viewport):
    page, errors = open_page(browser, live_server.url + "/api/docs/", viewport)
    page.wait_for_selector(".opblock-summary", timeout=15_000)

    results = axe_report(page)

    assert results.violations_count == 0, results.generate_report()
    assert errors == []
    # Nothing wider than the screen: a phone never scrolls sideways to read it.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.context.close()


def test_without_javascript_the_page_points_to_the_schema(browser, live_server, record):
    page, errors = open_page(
        browser, live_server.url + "/api/docs/", DESKTOP, java_script_enabled=False
    )
    assert errors == []

    assert page.get_by_role("link", name="OpenAPI schema").first.get_attribute("href") == (
        "/api/v1/schema/"
    )
    assert "needs JavaScript" in page.locator("main").inner_text()
    page.context.close()
