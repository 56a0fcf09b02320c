"""Public pages come from a shared cache that any change to the record invalidates at once."""

import json
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from funding.models import Award
from mmip.edit_conflicts import RECORD_VERSION
from mmip.pagecache import forget_recent_pages
from mmip.pagecache.middleware import page_key, read_stored
from mmip.pagecache.sequence import WRITERS_LOCK
from tests import factories as f
from workstreams.models import Workstream

pytestmark = [pytest.mark.django_db, pytest.mark.public_cache]


@pytest.fixture
def workstream():
    return f.WorkstreamFactory(name="Skills", slug="skills", aim="Grow the workforce.")


def test_a_repeated_public_request_is_served_from_the_cache(client, workstream):
    first = client.get("/workstreams/skills/")
    assert first.headers["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/workstreams/skills/")
    assert second.headers["X-Cache"] == "hit"
    assert second.content == first.content
    # This process served the page a moment ago and kept it: only the record generation is
    # read, to check that the page is still current.
    assert len(queries) == 1
    assert "mmip_cache" not in queries.captured_queries[0]["sql"]


def test_a_page_another_server_stored_costs_one_round_trip(client, workstream):
    first = client.get("/workstreams/skills/")
    forget_recent_pages()  # as on an app server that has not served the page yet
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/workstreams/skills/")
    assert second.headers["X-Cache"] == "hit"
    assert second.content == first.content
    # The record generation and the cache entry, read together from the database cache.
    assert len(queries) == 1
    assert "mmip_cache" in queries.captured_queries[0]["sql"]


def test_a_page_kept_in_memory_is_not_served_after_a_change(client, workstream, settings):
    settings.RECENT_PAGES_BYTES = 10_000_000
    client.get("/workstreams/skills/")
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"
    Workstream.objects.filter(pk=workstream.pk).update(aim="Changed in the database.")
    response = client.get("/workstreams/skills/")
    assert response.headers["X-Cache"] == "miss"
    assert b"Changed in the database." in response.content


def test_without_memory_every_hit_reads_the_shared_cache(client, workstream, settings):
    settings.RECENT_PAGES_BYTES = 0
    client.get("/workstreams/skills/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"
    assert "mmip_cache" in queries.captured_queries[0]["sql"]


def test_an_edit_shows_on_the_next_public_request(client, workstream):
    client.get("/workstreams/skills/")
    Workstream.objects.filter(pk=workstream.pk).update(aim="Grow a skilled workforce.")
    response = client.get("/workstreams/skills/")
    assert response.headers["X-Cache"] == "miss"
    assert b"Grow a skilled workforce." in response.content


def test_an_admin_edit_invalidates_every_cached_page(client, admin_client, workstream):
    client.get("/")
    client.get("/workstreams/skills/")
    change_url = f"/admin/workstreams/workstream/{workstream.pk}/change/"
    form = admin_client.get(change_url).context["adminform"].form
    admin_client.post(
        change_url,
        {
            # The record as the form was opened, which every admin save carries
            # (mmip/edit_conflicts.py).
            RECORD_VERSION: form[RECORD_VERSION].value(),
            "name": "Skills",
            "slug": "skills",
            "aim": "A new aim from the admin.",
            "description": "",
            "display_order": 1,
            "status": "active",
            "is_published": "on",
            "partnerships-TOTAL_FORMS": 0,
            "partnerships-INITIAL_FORMS": 0,
            "partnerships-MIN_NUM_FORMS": 0,
            "partnerships-MAX_NUM_FORMS": 1000,
            "staff_roles-TOTAL_FORMS": 0,
            "staff_roles-INITIAL_FORMS": 0,
            "staff_roles-MIN_NUM_FORMS": 0,
            "staff_roles-MAX_NUM_FORMS": 1000,
        },
    )
    assert b"A new aim from the admin." in client.get("/").content
    assert b"A new aim from the admin." in client.get("/workstreams/skills/").content


def test_unpublishing_hides_a_cached_page_at_once(client, workstream):
    assert client.get("/workstreams/skills/").status_code == 200
    Workstream.objects.filter(pk=workstream.pk).update(is_published=False)
    assert client.get("/workstreams/skills/").status_code == 404


def test_a_change_to_a_related_record_or_link_invalidates_too(client, workstream):
    award = f.AwardFactory(title="First title")
    award.workstreams.add(workstream)
    assert b"First title" in client.get("/workstreams/skills/").content
    Award.objects.filter(pk=award.pk).update(title="Second title")
    assert b"Second title" in client.get("/workstreams/skills/").content
    award.workstreams.clear()
    assert b"Second title" not in client.get("/workstreams/skills/").content


def test_a_fixture_load_invalidates(client):
    client.get("/workstreams/")
    call_command(
        "loaddata", "fixtures/01_organisations.json", "fixtures/02_workstreams.json", verbosity=0
    )
    assert b"Regulatory Environment" in client.get("/workstreams/").content


def test_staff_are_never_served_from_the_cache(client, admin_client, workstream):
    client.get("/workstreams/skills/")
    response = admin_client.get("/workstreams/skills/")
    assert "X-Cache" not in response.headers


def test_the_admin_is_never_cached(admin_client, client):
    response = admin_client.get("/admin/")
    assert "X-Cache" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")
    assert "X-Cache" not in client.get("/admin/login/").headers


def test_anonymous_pages_send_an_etag_and_answer_304_when_unchanged(client, workstream):
    response = client.get("/workstreams/skills/")
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=60" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/workstreams/skills/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    Workstream.objects.filter(pk=workstream.pk).update(aim="Changed.")
    changed = client.get("/workstreams/skills/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_errors_are_not_cached(client):
    assert client.get("/workstreams/nothing-here/").status_code == 404
    f.WorkstreamFactory(slug="nothing-here")
    assert client.get("/workstreams/nothing-here/").status_code == 200


def test_query_strings_are_cached_apart(client, workstream):
    one = client.get("/workstreams/?a=1")
    two = client.get("/workstreams/?a=2")
    assert one.headers["X-Cache"] == two.headers["X-Cache"] == "miss"


def test_cached_pages_keep_the_security_headers(client, workstream):
    client.get("/workstreams/skills/")
    response = client.get("/workstreams/skills/")
    assert response.headers["X-Cache"] == "hit"
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_page_stored_before_a_change_is_not_served_after_it(client, workstream):
    client.get("/workstreams/skills/")
    Workstream.objects.filter(pk=workstream.pk).update(aim="Changed.")
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "miss"
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"


LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_cache_outside_the_database_is_invalidated_by_the_generation_too(client, workstream):
    # Redis (REDIS_URL) takes this path: the generation from the database, the page from the
    # cache. A local-memory cache stands in for it so the test needs no Redis server.
    with override_settings(CACHES=LOCAL_MEMORY, RECENT_PAGES_BYTES=0):
        caches["default"].clear()
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"
        assert len(queries) == 1  # the generation
        Workstream.objects.filter(pk=workstream.pk).update(aim="Grow a skilled workforce.")
        response = client.get("/workstreams/skills/")
        assert response.headers["X-Cache"] == "miss"
        assert b"Grow a skilled workforce." in response.content


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_before_the_page_is_read(client):
    f.WorkstreamFactory(name="Skills", slug="skills")
    assert client.get("/workstreams/skills/").status_code == 200
    connection.ensure_connection()
    connection.connection.close()  # as when the database restarts under a live server
    response = client.get("/workstreams/skills/")
    assert response.status_code == 200
    assert response.headers["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_a_page_made_while_a_write_is_under_way_is_not_stored(client):
    workstream = f.WorkstreamFactory(name="Skills", slug="skills", aim="The old aim.")
    table = Workstream._meta.db_table
    # Another connection writes and has not committed: the generation has moved already,
    # but this page can only show the record as it was.
    with psycopg.connect(**connection.get_connection_params()) as writer:
        writer.execute(f"UPDATE {table} SET aim = 'The new aim.' WHERE id = %s", [workstream.pk])
        during = client.get("/workstreams/skills/")
        assert b"The old aim." in during.content
        writer.commit()
    after = client.get("/workstreams/skills/")
    assert after.headers["X-Cache"] == "miss"
    assert b"The new aim." in after.content
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"


# ---------- Keyed to the release and mode that made the page ----------


def test_a_page_cached_in_production_mode_is_not_served_in_development_mode(
    client, workstream, settings
):
    client.get("/workstreams/skills/")
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"

    settings.DEBUG = True  # `make run` on the database `make serve` cached pages in

    assert client.get("/workstreams/skills/").headers["X-Cache"] == "miss"


def manifest_storage(settings, tmp_path, release: str) -> None:
    """Production's static storage, with a manifest as collectstatic writes it: each static
    file under a name carrying this release's mark."""
    static = Path(settings.BASE_DIR) / "static"
    paths = {
        str(file.relative_to(static)): str(file.relative_to(static)).replace(".", f".{release}.")
        for file in static.rglob("*")
        if file.is_file()
    }
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": release})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }


def test_after_a_release_changes_a_static_file_no_cached_page_links_the_old_file(
    client, workstream, settings, tmp_path
):
    manifest_storage(settings, tmp_path, "a1a1a1")
    first = client.get("/workstreams/skills/")
    assert b"/static/css/site.a1a1a1.css" in first.content
    assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"

    manifest_storage(settings, tmp_path, "b2b2b2")  # the next release's collectstatic
    after = client.get("/workstreams/skills/")

    assert after.headers["X-Cache"] == "miss"
    assert b"/static/css/site.b2b2b2.css" in after.content
    assert b"a1a1a1" not in after.content


def test_the_database_cache_keeps_pages_in_the_format_the_page_cache_reads_directly():
    # The middleware reads the database cache's row itself, beside the generation, so it
    # relies on how Django stores a value there; a Django upgrade that changed it fails here.
    entry = (7, 200, {"ETag": '"x"'}, b"<p>page</p>")
    caches["default"].set(page_key("/pinned/"), entry, 60)

    assert read_stored(page_key("/pinned/"))[1] == entry


@pytest.mark.django_db(transaction=True)
def test_a_write_under_way_in_another_database_on_the_server_does_not_stop_storing(client):
    f.WorkstreamFactory(name="Skills", slug="skills")
    # Another database on the same server (another deployment, or a second checkout's tests)
    # takes the same advisory lock number while it writes; that is not a write to this record.
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params) as elsewhere:
        elsewhere.execute("SELECT pg_advisory_xact_lock_shared(%s)", [WRITERS_LOCK])
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "miss"
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"


def test_a_page_cached_yesterday_is_made_afresh_today(client, workstream):
    # /progress/ says what is late and what is due next, which change with the date while
    # the record stays as it was.
    with time_machine.travel("2026-03-01 23:59:00+00:00", tick=False):
        client.get("/workstreams/skills/")
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "hit"
    with time_machine.travel("2026-03-02 00:01:00+00:00", tick=False):
        assert client.get("/workstreams/skills/").headers["X-Cache"] == "miss"
