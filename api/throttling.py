"""Anonymous requests to the API are limited per client address, at the rates of
API_THROTTLE_RATES (by default 120 a minute and 10,000 a day). Past a rate the API answers
429 with Retry-After, the seconds until that rate's window starts again.

A middleware above the page cache rather than a DRF throttle in the views, so that answers
served from the cache count too. Each rate counts requests in fixed windows of the clock (a
minute, a day), in a table of the database (RequestCount) that every app server shares: one
statement a request adds the request to each rate's count and reads the counts back, so
concurrent requests are all counted and a request served from the page cache costs one
round trip more, not a read and a write of the shared cache for each rate.
"""

import hashlib
import random
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from rest_framework.throttling import BaseThrottle

from api.errors import error_body
from api.models import RequestCount

API_PREFIX = "/api/"
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
# About one request in this many also clears counts whose windows have ended, so addresses
# not seen again do not stay in the table.
TIDY_EVERY = 1000


def parse_rate(rate: str) -> tuple[int, int]:
    """("120/minute") -> (120, 60): requests allowed and the window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), SECONDS[period]


def client_address(request) -> str:
    # DRF's reading of the address: X-Forwarded-For past NUM_PROXIES proxies, else the peer.
    return BaseThrottle().get_ident(request)


def _count(
    address: str, rates: list[str], now: float, *, tidy_before: float | None = None
) -> dict[str, tuple[int, int]]:
    """Adds a request to every rate's count of address: {rate: (count, window start)}. With
    ``tidy_before``, the same statement clears the other addresses' counts whose windows
    began before it, so that a request that tidies makes no more queries than one that
    does not (its own row is updated by the insert, never deleted under it)."""
    table = connection.ops.quote_name(RequestCount._meta.db_table)
    rows, params = [], []
    tidy = ""
    if tidy_before is not None:
        tidy = f"WITH tidied AS (DELETE FROM {table} WHERE window_start < %s AND address <> %s) "
        params += [int(tidy_before), address]
    for rate in rates:
        _, window = parse_rate(rate)
        rows.append("(%s, %s, %s, 1)")
        params += [address, rate, int(now // window) * window]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{tidy}INSERT INTO {table} (address, rate, window_start, count) "
            f"VALUES {', '.join(rows)} "
            "ON CONFLICT (address, rate) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_start = EXCLUDED.window_start "
            f"THEN {table}.count + 1 ELSE 1 END, window_start = EXCLUDED.window_start "
            "RETURNING rate, count, window_start",
            params,
        )
        return {rate: (count, start) for rate, count, start in cursor.fetchall()}


def wait_for(address: str, rates: list[str], now: float) -> int | None:
    """Counts this request against every rate; the seconds to wait if it is past one."""
    digest = hashlib.sha256(address.encode()).hexdigest()
    tidy_before = None
    if random.randrange(TIDY_EVERY) == 0:
        tidy_before = now - max(parse_rate(rate)[1] for rate in rates)
    counts = _count(digest, rates, now, tidy_before=tidy_before)
    waits = []
    for rate in rates:
        allowed, window = parse_rate(rate)
        count, started = counts[rate]
        if count > allowed:
            waits.append(max(1, int(started + window - now + 0.999)))
    return max(waits) if waits else None


class ApiThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rates = settings.API_THROTTLE_RATES
        if rates and request.path.startswith(API_PREFIX):
            wait = wait_for(client_address(request), rates, time.time())
            if wait is not None:
                response = JsonResponse(
                    error_body(
                        "Too many requests from this address: try again in "
                        f"{wait} second{'s' if wait != 1 else ''}. The limits are "
                        f"{' and '.join(rates)} for each address."
                    ),
                    status=429,
                )
                response.headers["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
