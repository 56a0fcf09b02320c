"""Whole-page caching of the public site, invalidated the moment any record changes.

Every table of the record apps carries a statement-level trigger that advances one
PostgreSQL sequence, the *record generation*. Cached pages carry the generation they were
made in and are served only while it is current, so any write (an admin edit, a bulk
publish, an import, a fixture load, even raw SQL) retires every earlier page at once, with
nothing to remember to call. Reading the
generation is one tiny query, paid only by anonymous requests that the cache may answer.

A page is stored under its address together with the generation it was made in, and served
only while that is still the generation. With the database cache (the default), reading the
generation and the stored page is one round trip to the database; with Redis it is two (the
generation, then the page). A page this process served lately is also kept in its memory
(mmip/recent_pages.py), so serving it again costs only the generation's few bytes.

The generation moves at a write, but the write shows only at its commit. A page made in
between would show the old record under the new generation and stay wrong until the next
write, so a page is stored only if no write was under way when it began (writers hold an
advisory lock until they end) and the generation has not moved by the time it is done.

Staff (anyone sending a session cookie) are never served from the cache, nor stored in it,
and neither is the admin. Streaming responses (downloads) and responses that set cookies or
use a CSP nonce are not stored.
"""

import base64
import hashlib
import pickle

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from mmip.recent_pages import RecentPages

SEQUENCE = "mmip_record_generation"
RECORD_APPS = ("mmip", "workstreams", "funding", "skills")
NEVER_CACHED_PREFIXES = ("/admin/", "/healthz", "/ping", "/static/")

# A transaction that writes to the record holds this advisory lock (shared, so writers never
# wait for one another) from its first write until it ends. The sequence moves at once but
# the write shows only at commit: while the lock is held, a page made now may show the
# record as it was under the new generation, so it is not stored (see made_at()).
WRITERS_LOCK = 72_020_001

INSTALL_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION mmip_bump_record_generation() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({WRITERS_LOCK});
    PERFORM nextval('{SEQUENCE}');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def install_triggers(using: str = "default", **kwargs) -> None:
    """Put the generation trigger on every table of the record apps (idempotent).

    Connected to post_migrate, so tables added by later migrations are covered too.
    """
    from django.apps import apps
    from django.db import connections

    tables = sorted(
        {
            table
            for app_label in RECORD_APPS
            for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
            # History tables record changes; writing them is not a change to the record.
            if not (table := model._meta.db_table).startswith(f"{app_label}_historical")
        }
    )
    with connections[using].cursor() as cursor:
        cursor.execute(INSTALL_SQL)
        for table in tables:
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER mmip_record_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION mmip_bump_record_generation()"
            )


def make_cache_table(using: str = "default", **kwargs) -> None:
    """The database cache needs its table; createcachetable is a no-op when it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


# The generation as a column of the sequence: 0 until the first write.
GENERATION = "CASE WHEN is_called THEN last_value ELSE 0 END"


def record_generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {GENERATION} FROM {SEQUENCE}")
        return cursor.fetchone()[0]


def _settled() -> bool:
    """No other transaction is part way through a write to the record. (This connection's
    own writes are visible to it, so they do not count.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = 0 AND objid = %s AND objsubid = 1 AND pid <> pg_backend_pid())",
            [WRITERS_LOCK],
        )
        return cursor.fetchone()[0]


def made_at(generation: int, make):
    """(make(), whether it may be stored under generation): only if no write was under way
    when it began and the generation has not moved since, for else it may show the record
    as it was under a generation that says otherwise. The page cache and the explorer's
    figures both keep what they make by this rule."""
    settled = _settled()
    made = make()
    return made, settled and record_generation() == generation


def _cacheable_request(request) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(NEVER_CACHED_PREFIXES)
    )


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "'nonce-" not in response.headers.get("Content-Security-Policy", "")
        and "private" not in response.headers.get("Cache-Control", "")
    )


def _key(request) -> str:
    return "page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()


RECENT_PAGES = RecentPages()


def _lookup(key: str):
    """(current generation, the entry for key or None): from this process's memory when it
    served the page at the current generation, else from the shared cache."""
    recent = RECENT_PAGES.get(key)
    if recent is not None:
        generation = _retried(record_generation)
        if recent[0] == generation:
            return generation, recent
    generation, stored = _retried(_read, key)
    if stored is not None and stored[0] == generation:
        RECENT_PAGES.put(key, stored, settings.RECENT_PAGES_BYTES)
    return generation, stored


def _retried(read, *args):
    """Retried once on a fresh connection, so a database restart costs no visitor an error
    page; this stands in for Django's per-request connection health check, which would cost
    a round trip of its own."""
    try:
        return read(*args)
    except (InterfaceError, OperationalError):
        if connection.in_atomic_block:
            raise
        connection.close()
        return read(*args)


def _read(key: str):
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return record_generation(), backend.get(key)
    # The database cache's own row, read beside the generation in the same statement; the
    # value is stored as the backend stores it (base64 of a pickle).
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {GENERATION}, c.value "
            f"FROM {SEQUENCE} LEFT JOIN {table} c ON c.cache_key = %s AND c.expires > now()",
            [backend.make_and_validate_key(key)],
        )
        generation, value = cursor.fetchone()
    return generation, None if value is None else pickle.loads(base64.b64decode(value))


def _not_modified(request, etag: str) -> bool:
    return etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)

        key = _key(request)
        generation, stored = _lookup(key)
        if stored is not None and stored[0] == generation:
            _, status, headers, content = stored
            if _not_modified(request, headers["ETag"]):
                return HttpResponseNotModified(headers={"ETag": headers["ETag"]})
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response.headers[name] = value
            response.headers["X-Cache"] = "hit"
            return response

        response, current = made_at(generation, lambda: self.get_response(request))
        if not _storable(response):
            return response
        response.headers["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if current:
            entry = (generation, response.status_code, dict(response.headers.items()), response.content)  # fmt: skip
            caches["default"].set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
            RECENT_PAGES.put(key, entry, settings.RECENT_PAGES_BYTES)
        response.headers["X-Cache"] = "miss"
        if _not_modified(request, response.headers["ETag"]):
            return HttpResponseNotModified(headers={"ETag": response.headers["ETag"]})
        return response
