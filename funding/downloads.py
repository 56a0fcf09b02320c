"""The explorer's downloads: CSV, JSON and a 360Giving data package (as JSON, and as a
workbook in 360Giving's spreadsheet layout) of exactly the awards the explorer lists for the
same query string, streamed so memory stays flat at any size. A
part of the filter that makes no sense is left out as on the page, and named in the
response's X-Filter-Left-Out header.
"""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from funding import csv_columns, exports
from funding.explorer import award_filter, download_query
from mmip.breadcrumbs import trail


def _download(chunks, *, name: str, content_type: str, left_out: list[str]):
    """A streamed file named for today, e.g. mmip-awards-2026-11-22.csv. Streaming keeps
    memory flat, and the page cache never stores a streamed response."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stem, extension = name.rsplit(".", 1)
    filename = f"mmip-{stem}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if left_out:
        response["X-Filter-Left-Out"] = ", ".join(left_out)
    return response


def _file_of_awards(export, name: str, content_type: str):
    """A download view: the filtered awards written by export (a generator of chunks)."""

    @require_safe
    def view(request):
        filterset = award_filter(request.GET)
        return _download(
            export(filterset.qs),
            name=name,
            content_type=content_type,
            left_out=filterset.left_out,
        )

    return view


@require_safe
def download_csv(request):
    """Every column, or those the address chooses (funding/csv_columns.py)."""
    choice = csv_columns.chosen_columns(request.GET)
    if choice.unknown:
        return csv_columns.refused(request, choice)
    filterset = award_filter(request.GET)
    return _download(
        exports.awards_csv(filterset.qs, columns=choice.titles),
        name="awards.csv",
        content_type="text/csv; charset=utf-8",
        left_out=filterset.left_out,
    )


download_json = _file_of_awards(exports.awards_json, "awards.json", "application/json")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _giving_file(export, name: str, content_type: str):
    """A download view of a 360Giving file: the filtered awards written by export, which
    raises NothingToExport before anything is streamed when there are none."""

    @require_safe
    def view(request):
        filterset = award_filter(request.GET)
        try:
            chunks = export(filterset.qs, site_url=request.build_absolute_uri("/"))
        except exports.NothingToExport:
            # The standard forbids an empty package: say so, and lead back to the same filter.
            return render(
                request,
                "funding/no_360giving.html",
                {
                    "explorer_url": reverse("funding-explorer") + download_query(request.GET),
                    "breadcrumbs": trail(
                        ("Funding", reverse("funding-explorer")), ("No 360Giving file", None)
                    ),
                },
                status=404,
            )
        return _download(chunks, name=name, content_type=content_type, left_out=filterset.left_out)

    return view


download_360giving = _giving_file(exports.giving_package, "360giving.json", "application/json")
download_360giving_xlsx = _giving_file(exports.awards_xlsx, "360giving.xlsx", XLSX_TYPE)
