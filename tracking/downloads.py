"""/progress/'s downloads, for the page's workstream filter, as CSV or JSON: one row per
public commitment, milestone and initiative tracked against a plan, with its kind, then one
per reporting period of a public indicator. The CSV holds both in one table (the columns a
kind has no use for are empty); the JSON has them as two lists, "items" and "periods".

Each kind is read through a server-side cursor a chunk at a time, so memory stays flat and
the number of queries does not grow with the record. A part of the filter that makes no
sense is left out as on the page, and named in the X-Filter-Left-Out header."""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urljoin

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.http import StreamingHttpResponse
from django.utils import timezone

from mmip.dates import format_date
from tracking.progress import Tracked, public_periods, tracked_initiatives, tracked_milestones
from workstreams.models import Workstream

CHUNK_SIZE = 2000
# (key in the JSON, column of the CSV)
ITEM_FIELDS = [
    ("kind", "Kind"),
    ("title", "Title"),
    ("workstream", "Workstream"),
    ("status", "Status"),
    ("rating", "Rating"),
    ("rating_reason", "Reason for the rating"),
    ("due_date", "Due date"),
    ("due_date_precision", "Due date precision"),
    ("due", "Due"),
    ("forecast_date", "Forecast date"),
    ("forecast_date_precision", "Forecast date precision"),
    ("forecast", "Forecast"),
    ("done_date", "Date done"),
    ("done_date_precision", "Date done precision"),
    ("done", "Done"),
    ("late", "Late"),
]
PERIOD_FIELDS = [
    ("period_start", "Period starts"),
    ("period_end", "Period ends"),
    ("unit", "Unit"),
    ("target", "Target"),
    ("actual", "Actual"),
    ("actual_qualifier", "Actual qualifier"),
    ("actual_display", "Actual as given"),
    ("share_of_target", "Share of target"),
    ("locked", "Locked"),
    ("actual_source", "Source of the actual"),
    ("actual_source_url", "Address of the source"),
]
ADDRESS = ("address", "Address")
COLUMNS = [column for _, column in [*ITEM_FIELDS, *PERIOD_FIELDS, ADDRESS]]
PERIOD_KIND = "period"


def download(chunks, *, name: str, content_type: str, left_out: list[str]):
    """A streamed file named for today, e.g. mmip-progress-2026-11-29.csv. The page cache never
    stores a streamed response."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stem, extension = name.rsplit(".", 1)
    filename = f"mmip-{stem}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if left_out:
        response["X-Filter-Left-Out"] = ", ".join(left_out)
    return response


def _dated(prefix: str, day: datetime.date | None, precision: str) -> dict:
    """The date as stored with its precision, so "2026" is never read as 1 January, and as
    people read it."""
    return {
        f"{prefix}_date": day.isoformat() if day else None,
        f"{prefix}_date_precision": precision if day else None,
        prefix: format_date(day, precision) if day else None,
    }


def _items(commitments, slug: str | None, site_url: str) -> Iterator[dict]:
    today = timezone.localdate()
    for rows in (commitments, tracked_milestones(slug), tracked_initiatives(slug)):
        for record in rows.iterator(chunk_size=CHUNK_SIZE):
            item = Tracked(record, today)
            yield {
                "kind": item.kind,
                "title": item.title,
                "workstream": item.workstream.name if item.workstream else None,
                "status": item.status_label,
                "rating": item.rating_label or None,
                "rating_reason": item.rating_reason or None,
                **_dated("due", item.due_date, item.due_precision),
                **_dated("forecast", item.forecast_date, item.forecast_precision),
                **_dated("done", item.done_date, item.done_precision),
                "late": item.is_late,
                "address": urljoin(site_url, item.url),
            }


def _number(value: Decimal | None) -> int | float | None:
    """A figure for JSON and CSV: a whole number without ".00"."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _periods(slug: str | None, site_url: str) -> Iterator[dict]:
    # An indicator may serve several workstreams: each period names the public ones.
    workstreams = ArraySubquery(
        Workstream.objects.public()
        .filter(indicators=OuterRef("indicator_id"))
        .order_by("display_order", "name")
        .values("name")
    )
    periods = (
        public_periods(slug)
        .annotate(workstream_names=workstreams)
        .order_by("indicator__name", "indicator_id", "start")
    )
    for period in periods.iterator(chunk_size=CHUNK_SIZE):
        share = period.share_of_target
        yield {
            "indicator": period.indicator.name,
            "workstreams": period.workstream_names,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "unit": period.indicator.get_unit_display(),
            "target": _number(period.target),
            "actual": _number(period.actual),
            "actual_qualifier": period.actual_qualifier if period.actual is not None else None,
            "actual_display": period.actual_display or None,
            "share_of_target": None if share is None else round(float(share), 4),
            "locked": period.is_locked,
            "actual_source": period.actual_source_title or None,
            "actual_source_url": period.actual_source_url or None,
            "address": urljoin(site_url, period.indicator.get_absolute_url()),
        }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _csv_rows(commitments, slug: str | None, site_url: str) -> Iterator[list[str]]:
    keys = [key for key, _ in [*ITEM_FIELDS, *PERIOD_FIELDS, ADDRESS]]
    for item in _items(commitments, slug, site_url):
        yield [_cell(item.get(key)) for key in keys]
    for period in _periods(slug, site_url):
        row = period | {
            "kind": PERIOD_KIND,
            "title": period["indicator"],
            "workstream": "; ".join(period["workstreams"]),
        }
        yield [_cell(row.get(key)) for key in keys]


def progress_csv(commitments, slug: str | None, site_url: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for count, row in enumerate(_csv_rows(commitments, slug, site_url), start=1):
        writer.writerow(row)
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def progress_json(commitments, slug: str | None, site_url: str) -> Iterator[str]:
    yield '{"items": ['
    for count, row in enumerate(_items(commitments, slug, site_url)):
        yield ("," if count else "") + json.dumps(row, ensure_ascii=False)
    yield '], "periods": ['
    for count, row in enumerate(_periods(slug, site_url)):
        yield ("," if count else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"
