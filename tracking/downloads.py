"""/progress/'s downloads: one row per public commitment the page's filter holds, as CSV or
JSON, streamed a chunk at a time through a server-side cursor, so memory stays flat and the
number of queries does not grow with the commitments. A part of the filter that makes no
sense is left out as on the page, and named in the X-Filter-Left-Out header."""

import csv
import io
import json
from collections.abc import Iterator
from urllib.parse import urljoin

from django.http import StreamingHttpResponse
from django.utils import timezone

CHUNK_SIZE = 2000
COLUMNS = [
    "Title",
    "Workstream",
    "Status",
    "Rating",
    "Reason for the rating",
    "Due date",
    "Due date precision",
    "Due",
    "Late",
    "Address",
]


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


def _rows(commitments, site_url: str) -> Iterator[dict]:
    today = timezone.localdate()
    for commitment in commitments.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "title": commitment.title,
            "workstream": commitment.workstream.name,
            "status": commitment.get_status_display(),
            "rating": commitment.get_rating_display(),
            "rating_reason": commitment.rating_reason,
            # The date as stored with its precision, so "2026" is never read as 1 January.
            "due_date": commitment.due_date.isoformat() if commitment.due_date else None,
            "due_date_precision": commitment.due_precision if commitment.due_date else None,
            "due": commitment.due_display,
            "late": commitment.is_late_on(today),
            "address": urljoin(site_url, commitment.get_absolute_url()),
        }


def commitments_csv(commitments, site_url: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for count, row in enumerate(_rows(commitments, site_url), start=1):
        values = list(row.values())
        values[8] = "yes" if row["late"] else "no"
        writer.writerow(["" if value is None else value for value in values])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def commitments_json(commitments, site_url: str) -> Iterator[str]:
    yield '{"commitments": ['
    for count, row in enumerate(_rows(commitments, site_url)):
        yield ("," if count else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"
