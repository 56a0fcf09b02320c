"""Validators of the API's answers, from the record generation (mmip.pagecache): every write
to the record moves the generation, so an answer made at one generation stays right until it
moves. Each answer carries an ETag (the generation, the day, the release and the address)
and a Last-Modified (when the API first served this generation), and a request that already
holds them is answered 304 before any of the record is read.

An answer is given validators only if made while no write was under way and the generation
had not moved by its end (pagecache.made_at()): else it might show the record as it was under
a generation that says otherwise, and a client would keep it as current.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from api.models import GenerationSeen
from mmip import pagecache


def etag(generation: int, path: str) -> str:
    # The day is part of it for the reason it is part of the page cache's key: what is late
    # depends on the date as well as on the record.
    day = timezone.localdate().isoformat()
    parts = f"{pagecache.release()}|{day}|{generation}|{path}"
    return f'"g{generation}-{hashlib.sha256(parts.encode()).hexdigest()[:20]}"'


def _start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def first_served(generation: int) -> datetime.datetime | None:
    """When the API first served this generation, to the second: now, if this is the first
    time (and at least a second after the previous generation's, so two generations never
    share a Last-Modified). Never before today began, as answers change with the day. None
    if the generation has already moved on. One statement, for every app server alike."""
    table = connection.ops.quote_name(GenerationSeen._meta.db_table)
    release = pagecache.release()
    now = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH stored AS (
                INSERT INTO {table} AS old (release, generation, seen) VALUES (%s, %s, %s)
                ON CONFLICT (release) DO UPDATE SET
                    generation = EXCLUDED.generation,
                    seen = GREATEST(EXCLUDED.seen, old.seen + interval '1 second')
                WHERE old.generation < EXCLUDED.generation
                RETURNING generation, seen
            )
            SELECT generation, seen FROM (
                SELECT 1 AS rank, generation, seen FROM stored
                UNION ALL
                SELECT 2, generation, seen FROM {table} WHERE release = %s
            ) found ORDER BY rank LIMIT 1
            """,
            [release, generation, now, release],
        )
        found, seen = cursor.fetchone()
    if found != generation:
        return None
    return max(seen, _start_of_today())


def _validators(response, tag: str, modified: datetime.datetime | None) -> None:
    response.headers["ETag"] = tag
    if modified is not None:
        response.headers["Last-Modified"] = http_date(modified.timestamp())
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)


def answer_with_validators(request, make):
    """make()'s answer, or 304 when the request already holds the current one."""
    generation = pagecache.generation()
    tag = etag(generation, request.get_full_path())
    modified = first_served(generation)
    if request.method in ("GET", "HEAD"):
        known = HttpResponse()
        _validators(known, tag, modified)
        not_modified = get_conditional_response(
            request,
            etag=tag,
            last_modified=int(modified.timestamp()) if modified else None,
            response=known,
        )
        if not_modified is not known:
            return not_modified
    response, current = pagecache.made_at(generation, make)
    if current and response.status_code == 200:
        _validators(response, tag, modified)
    return response
