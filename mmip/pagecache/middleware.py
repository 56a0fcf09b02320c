"""Whole-page caching of the public site, invalidated the moment any record changes.

A page is stored under its address and this process's release (sequence.release())
together with the record generation it was made in, and served only while that is still
the generation. With the database cache (the default), reading the generation and the
stored page is one round trip to the database; with Redis it is two (the generation, then
the page). A page this process served lately is also kept in its memory (recent.py), so
serving it again costs only the generation's few bytes.

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
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from mmip.pagecache.recent import RecentPages
from mmip.pagecache.sequence import GENERATION, SEQUENCE, generation, made_at, release

NEVER_CACHED_PREFIXES = ("/admin/", "/healthz", "/ping", "/static/")

RECENT_PAGES = RecentPages()


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


def page_key(path: str) -> str:
    # The day is part of the key: some pages depend on the date as well as on the record
    # (what is late on /progress/, what was delivered lately, what is due next), and the
    # record generation moves only when the record does.
    day = timezone.localdate().isoformat()
    return f"page:{release()}:{day}:" + hashlib.sha256(path.encode()).hexdigest()


def _lookup(key: str):
    """(current generation, the entry for key or None): from this process's memory when it
    served the page at the current generation, else from the shared cache."""
    recent = RECENT_PAGES.get(key)
    if recent is not None:
        current = _retried(generation)
        if recent[0] == current:
            return current, recent
    current, stored = _retried(read_stored, key)
    if stored is not None and stored[0] == current:
        RECENT_PAGES.put(key, stored, settings.RECENT_PAGES_BYTES)
    return current, stored


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


def read_stored(key: str):
    """(the generation, what the shared cache holds under key or None)."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return generation(), backend.get(key)
    # The database cache's own row, read beside the generation in the same statement. This
    # relies on how Django's database cache stores a value (base64 of a pickle, in its
    # cache_key/value/expires table); tests/test_page_cache.py pins that format.
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {GENERATION}, c.value "
            f"FROM {SEQUENCE} LEFT JOIN {table} c ON c.cache_key = %s AND c.expires > now()",
            [backend.make_and_validate_key(key)],
        )
        current, value = cursor.fetchone()
    return current, None if value is None else pickle.loads(base64.b64decode(value))


VALIDATORS = ("ETag", "Last-Modified")


def _not_modified(request, headers) -> HttpResponseNotModified | None:
    """304 with the validators when the request already holds this answer, by its ETag or,
    where the answer has one and the request sends no ETag, its Last-Modified."""
    last_modified = parse_http_date_safe(headers.get("Last-Modified", ""))
    answer = get_conditional_response(request, etag=headers["ETag"], last_modified=last_modified)
    if answer is None or answer.status_code != 304:
        return None
    return HttpResponseNotModified(
        headers={name: headers[name] for name in VALIDATORS if name in headers}
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)

        key = page_key(request.get_full_path())
        current, stored = _lookup(key)
        if stored is not None and stored[0] == current:
            _, status, headers, content = stored
            if not_modified := _not_modified(request, headers):
                return not_modified
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response.headers[name] = value
            response.headers["X-Cache"] = "hit"
            return response

        response, still_current = made_at(current, lambda: self.get_response(request))
        if not _storable(response):
            return response
        # The view's own ETag where it gives one (the API's, from the record generation).
        response.setdefault("ETag", f'"{hashlib.sha256(response.content).hexdigest()[:32]}"')
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if still_current:
            entry = (current, response.status_code, dict(response.headers.items()), response.content)  # fmt: skip
            caches["default"].set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
            RECENT_PAGES.put(key, entry, settings.RECENT_PAGES_BYTES)
        response.headers["X-Cache"] = "miss"
        return _not_modified(request, response.headers) or response
