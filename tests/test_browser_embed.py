"""The widgets and their builder in a real browser, on the demo record: the builder makes
each kind of widget with JavaScript switched off, is accessible without its script, and its
copy button works with it on; and another site can frame a widget, but no other page. That
each widget and the builder load cleanly with no WCAG 2.2 AA violation at desktop size and on
a 375 px phone is checked with every other page, in test_accessibility.py."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser import (
    DESKTOP,
    PHONE,
    axe_report,
    open_page,
    record_served_once,
)
from tests.test_accessibility import make_record

pytestmark = pytest.mark.browser

BUILDER_WITH_A_WIDGET = "/embed/?widget=workstream&workstream=skills"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The record of the accessibility checks (which check every widget and the builder at
    desktop and phone size), served once for this module."""
    with record_served_once(django_db_blocker, make_record) as url:
        yield url


def test_the_builder_without_its_script_is_accessible(db, browser, site):
    """As a browser without JavaScript shows it: the copy button stays hidden. The script is
    answered empty, so that axe itself can still run in the page."""
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        context.route(
            "**/*.js", lambda route: route.fulfill(body="", content_type="text/javascript")
        )
        page = context.new_page()
        page.goto(site + BUILDER_WITH_A_WIDGET)
        assert page.get_by_role("button", name="Copy the code").count() == 0
        results = axe_report(page)
        assert results.violations_count == 0, results.generate_report()
        context.close()


def made(page) -> str:
    page.wait_for_load_state("load")
    assert page.url.endswith("#your-widget")
    return page.get_by_label("The code to paste into your page").input_value()


def test_the_builder_makes_each_widget_without_javascript(db, browser, site):
    page, errors = open_page(browser, site + "/embed/", PHONE, java_script_enabled=False)
    assert page.get_by_role("button", name="Copy the code").count() == 0

    page.get_by_label("Workstream", exact=True).select_option(label="Skills")
    page.get_by_role("button", name="Make the widget of a workstream's headline figures").click()
    code = made(page)
    assert code.startswith(f'<iframe src="{site}/embed/workstream/skills/" title="Skills: headline figures, from the MMIP programme tracker"')  # fmt: skip
    preview = page.frame_locator("iframe.builder-preview")
    assert preview.get_by_role("heading", level=1).inner_text() == "Skills"
    assert page.get_by_role("button", name="Copy the code").is_hidden()

    page.get_by_label("Organisation", exact=True).select_option(
        label="Cell and Gene Therapy Catapult"
    )
    page.get_by_role("button", name="Make the widget of an organisation's awards").click()
    assert f'src="{site}/embed/organisation/cell-and-gene-therapy-catapult/awards/"' in made(page)

    page.get_by_label("The funding explorer's address").fill(
        f"{site}/funding/?funder=innovate-uk&page=2"
    )
    page.get_by_label("Chart", exact=True).select_option(label="Amount awarded by funder")
    page.get_by_role("button", name="Make the widget of the funding explorer's chart").click()
    assert f'src="{site}/embed/funding/chart/?funder=innovate-uk&amp;chart=funder"' in made(page)
    preview = page.frame_locator("iframe.builder-preview")
    assert preview.get_by_role("heading", level=1).inner_text() == "Awards from Innovate UK"
    assert errors == []
    page.context.close()


def test_the_explorers_link_makes_its_chart_without_javascript(db, browser, site):
    page, errors = open_page(browser, site + "/funding/?funder=innovate-uk&year_from=2010",
                             DESKTOP, java_script_enabled=False)  # fmt: skip
    page.get_by_role("link", name="Embed a chart of these awards on your site").click()
    code = made(page)
    assert f'src="{site}/embed/funding/chart/?funder=innovate-uk&amp;year_from=2010"' in code
    assert "Amount awarded by year: awards from Innovate UK, awarded from 2010" in code
    assert errors == []
    page.context.close()


def test_the_copy_button_copies_the_code(db, browser, site):
    page, errors = open_page(browser, site + BUILDER_WITH_A_WIDGET, DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    page.get_by_role("button", name="Copy the code").click()

    # The copy is a promise: wait for it to say so.
    expect(page.get_by_role("status")).to_have_text("Copied: paste it into your page.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_label("The code to paste into your page").input_value()
    assert copied.startswith("<iframe ")
    assert errors == []
    page.context.close()


@contextmanager
def another_site(html: str):
    """A second web server on this machine answering every GET with html: another origin
    (its own port), in the same network as the site, as a browser lets a page framed from
    the public internet reach no server on this machine at all. Yields its address."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_another_site_may_frame_a_widget_but_no_other_page(db, browser, site):
    """A page of another site frames a widget and pages of this one: the browser shows the
    widget, and refuses the pages."""
    framed = {
        "widget": site + "/embed/workstream/skills/",
        "page": site + "/workstreams/skills/",
        "builder": site + "/embed/",
    }
    frames = "".join(
        f'<iframe name="{name}" src="{url}" title="{name}"></iframe>'
        for name, url in framed.items()
    )
    with another_site(f"<!DOCTYPE html><title>Another site</title>{frames}") as address:
        page = browser.new_page()
        refusals = []
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(address)
        page.wait_for_load_state("load")

        widget = page.frame(name="widget")
        assert widget.url == framed["widget"]
        assert widget.get_by_role("heading", level=1).inner_text() == "Skills"
        for name in ("page", "builder"):
            assert page.frame(name=name).url != framed[name]
        # The browser names each refusal, and the rule of the site that made it.
        refused = [message for message in refusals if "frame-ancestors 'none'" in message]
        assert len(refused) == 2, refusals
        page.close()
