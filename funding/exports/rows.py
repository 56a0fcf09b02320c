"""An award as one line of text written by PostgreSQL: the SQL building blocks every download
is made of, and the CSV row and the JSON object of each award.

Each export is a generator of text chunks for a StreamingHttpResponse. PostgreSQL writes each
award's whole line (a CSV row or a JSON object) in the one query that selects the awards,
joins and per-award lists included, and Python reads those lines through a server-side
cursor a chunk at a time and passes them on. So memory stays flat however many awards there
are, the number of queries does not grow with them, and 100,000 awards take two or three
seconds: the same work done row by row in Python took four times as long.

Pass the FilterSet's ``qs``, so that a download holds what the page shows, in the same
order. Only what the public may see is written: the caller passes public awards (whose
funder and recipient are public), and a body the money was routed through, a programme, a
workstream or an earlier award that is not public is left out of each row. Whether each is
public is its model's public_condition() along the relation: joins inside the one query.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, F, Func, JSONField, OuterRef, Q, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.urls import reverse

from funding import provenance
from funding.models import Award, FundingProgramme
from funding.orgid import FALLBACK_PREFIX
from mmip.models import Organisation
from workstreams.models import Workstream

CHUNK_SIZE = 2000
CURRENCY = "GBP"

# The first 13 titles are 360Giving's own CSV column titles, so its tools and GrantNav's
# users recognise them; ours follow.
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Grant Programme:Title",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Award Date Precision",
    "Routed Through:Identifier",
    "Routed Through:Name",
    "Workstreams",
    "Follow On Of",
    "Status",
    "Source URL",
    # Where the award came from: a funder's 360Giving data, or entered here (funding/provenance.py).
    "Origin",
    "Data Source",
]


# SQL building blocks ----------------------------------------------------------------------


def _text(expression) -> Cast:
    return Cast(expression, output_field=TextField())


def _func(function: str, *arguments, output_field=None) -> Func:
    return Func(*arguments, function=function, output_field=output_field or TextField())


def _concat(*parts) -> Concat:
    """Joins text, reading NULL as ''."""
    return Concat(*parts, output_field=TextField())


def _pipes(*parts) -> Func:
    """a || b: NULL when any part is NULL, unlike _concat()."""
    return Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=TextField())


def _iso(date_field: str) -> Func:
    return _func("to_char", F(date_field), Value("YYYY-MM-DD"))


def _routed_through_public() -> Q:
    """Whether a row names the body the money was routed through. A public award's funder
    and recipient are public (AwardQuerySet.public()); this third party is optional, and
    named only where public itself."""
    return Organisation.objects.public_condition("routed_through__")


def _organisation_identifier(party: str) -> Case:
    """The org-id where the record has one, else 360G-MMIP-ORG-<slug>; NULL for no party."""
    return Case(
        When(
            **{f"{party}__isnull": False},
            then=Coalesce(
                NullIf(F(f"{party}__org_id"), Value("")),
                _concat(Value(FALLBACK_PREFIX), F(f"{party}__slug")),
                output_field=TextField(),
            ),
        ),
        output_field=TextField(),
    )


def _origin() -> Coalesce:
    """ "Imported from <dataset> (<publisher>)", or "Entered here"."""
    return Coalesce(
        _pipes(Value("Imported from "), provenance.dataset_title()),
        Value(provenance.ENTERED_HERE),
        output_field=TextField(),
    )


def _data_source() -> Coalesce:
    """The address of the funder's data an award was imported from, else the source staff
    entered it from; NULL when neither is known."""
    return Coalesce(
        provenance.dataset_address(), NullIf(F("source_url"), Value("")), output_field=TextField()
    )


def _public_programme() -> Q:
    return FundingProgramme.objects.public_condition("programme__")


def _programme_field(field: str) -> Case:
    return Case(When(_public_programme(), then=F(f"programme__{field}")))


def _public_follow_on() -> Q:
    return Award.objects.public_condition("follow_on_of__")


def _follow_on_identifier() -> Case:
    return Case(When(_public_follow_on(), then=F("follow_on_of__identifier")))


def _workstream_links():
    return Award.workstreams.through.objects.filter(
        Workstream.objects.public_condition("workstream__"), award=OuterRef("pk")
    ).order_by("workstream__slug")


def _workstream_slugs() -> ArraySubquery:
    # A correlated ARRAY(SELECT ...) rather than a GROUP BY, so rows still stream straight
    # from the cursor in the caller's order.
    return ArraySubquery(_workstream_links().values("workstream__slug"))


def _page_path(url_name: str, key: str) -> Concat:
    """A page's path, built in SQL from one reverse() with the row's key put in. Slugs and
    award identifiers (letters, digits, hyphens and underscores, with dots and slashes only
    between them: the Award's identifier rule) are all safe in a path, so need no quoting."""
    marker = "360G-MMIP-MARKER"
    before, after = reverse(url_name, args=[marker]).split(marker)
    return _concat(Value(before), F(key), Value(after))


def _award_path() -> Concat:
    return _page_path("award-detail", "identifier")


def _lines(awards, line, chunk_size: int) -> Iterator[str]:
    """One line of text per award from a single query, in the queryset's order."""
    return (
        awards.prefetch_related(None)
        .annotate(export_line=line)
        .values_list("export_line", flat=True)
        .iterator(chunk_size=chunk_size)
    )


def _chunks(pieces: Iterable[str], size: int) -> Iterator[str]:
    """Joins pieces into chunks of ``size`` pieces: fewer, larger writes to the client."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _separated(lines: Iterable[str], first: str, rest: str) -> Iterator[str]:
    for index, line in enumerate(lines):
        yield (first if index == 0 else rest) + line


# JSON written by PostgreSQL: each value becomes JSON text with to_json(), and objects and
# arrays are their parts joined as text. Members keep the order given (jsonb would sort
# them), and a NULL member is left out without re-reading the whole object, as
# json_strip_nulls does: that alone took longer than the rest of the export together.


def _json(expression) -> Cast:
    """The value as JSON text: a string quoted and escaped, a number as it is, a date as
    "2018-01-01", an array as an array; NULL stays NULL."""
    return _text(_func("to_json", expression, output_field=JSONField()))


def _json_constant(value) -> Value:
    return Value(json.dumps(value, ensure_ascii=False))


def _json_or_null(expression) -> Coalesce:
    return Coalesce(_json(expression), Value("null"), output_field=TextField())


def _json_members(**members) -> Func:
    """A JSON object, as text, of members whose values are JSON text. A member whose value
    is NULL is left out (concat_ws skips NULLs, commas and all)."""
    parts = [_pipes(Value(json.dumps(key) + ": "), value) for key, value in members.items()]
    return _concat(Value("{"), _func("concat_ws", Value(", "), *parts), Value("}"))


def _json_array(*items) -> Func:
    return _concat(Value("["), _func("concat_ws", Value(", "), *items), Value("]"))


# CSV ------------------------------------------------------------------------------------

# Text a spreadsheet would run as a formula starts with = + - @, a tab or a carriage return
# (OWASP): character codes 61, 43, 45, 64, 9 and 13. Such a cell gets a leading apostrophe,
# unless it is a plain number such as -5.
_FORMULA_CODES = "9, 13, 43, 45, 61, 64"
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"


class _QuotedCell(Func):
    """A CSV field of free text: formula-guarded, quotes doubled, in quotes. Testing the
    first character's code before any pattern keeps it cheap over 100,000 rows. The value
    is written out five times, so give it a column, not a subquery."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        value = f"COALESCE(({sql})::text, '')"
        guarded = (
            f"CASE WHEN ascii({value}) IN ({_FORMULA_CODES}) THEN "
            f"CASE WHEN {value} ~ %s THEN {value} ELSE '''' || {value} END "
            f"ELSE {value} END"
        )
        # The value appears five times, so its parameters do too, in the same order.
        params = (*params, *params, _NUMBER, *params, *params, *params)
        return f"""('"' || replace({guarded}, '"', '""') || '"')""", params


def _plain_cell(expression) -> Coalesce:
    """A field that cannot hold a comma, a quote or a formula: identifiers, codes, dates
    and amounts."""
    return Coalesce(_text(expression), Value(""), output_field=TextField())


def _workstreams_cell() -> Func:
    """Slugs joined by "; ". Slugs hold no comma or quote, and the only formula character
    one can start with is a hyphen, so a cheap guard does, with the list worked out once
    (a _QuotedCell would run the subquery several times a row)."""
    listed = _func("array_to_string", _workstream_slugs(), Value("; "))
    return _func("regexp_replace", listed, Value("^-"), Value("'-"))


def _routed_through_field(value) -> Case:
    return Case(When(_routed_through_public(), then=value), output_field=TextField())


def _csv_line(columns: list[str]) -> Func:
    cells = [
        _plain_cell(F("identifier")),
        _QuotedCell(F("title")),
        _QuotedCell(F("description")),
        _plain_cell(Value(CURRENCY)),
        _plain_cell(F("amount")),
        _plain_cell(_iso("award_date")),
        _plain_cell(_organisation_identifier("funder")),
        _QuotedCell(F("funder__name")),
        _plain_cell(_organisation_identifier("recipient")),
        _QuotedCell(F("recipient__name")),
        _QuotedCell(_programme_field("name")),
        _plain_cell(_iso("planned_start")),
        _plain_cell(_iso("planned_end")),
        _plain_cell(F("award_date_precision")),
        _plain_cell(_routed_through_field(_organisation_identifier("routed_through"))),
        _QuotedCell(_routed_through_field(F("routed_through__name"))),
        _plain_cell(_workstreams_cell()),
        _plain_cell(_follow_on_identifier()),
        _plain_cell(F("status")),
        _QuotedCell(F("source_url")),
        _QuotedCell(_origin()),
        _QuotedCell(_data_source()),
    ]
    by_title = dict(zip(CSV_COLUMNS, cells, strict=True))
    chosen = [by_title[title] for title in columns]
    if len(chosen) == 1:
        # An empty cell alone would be a blank line, which readers skip (pandas does): it
        # is written "", as Python's csv module writes it.
        chosen = [Coalesce(NullIf(chosen[0], Value("")), Value('""'), output_field=TextField())]
    return _func("concat_ws", Value(","), *chosen)


def awards_csv(
    awards, *, columns: Iterable[str] = (), chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """The awards as CSV: UTF-8 with a byte-order mark so that Excel reads £ and accented
    names correctly (Python reads it with encoding="utf-8-sig"; pandas and R skip it); free
    text in quotes, lines ending CRLF as in RFC 4180. Amounts are exact decimals; Award Date
    is the first day of the period, with Award Date Precision saying whether the source
    gave a year, a month or a day. An empty set gives the header row alone. One query.

    ``columns`` (titles of CSV_COLUMNS) chooses the columns; they come in CSV_COLUMNS' order
    whatever order they are given in, and none means every one. Only the chosen cells are
    in the query, so fewer columns read fewer joins (funding/csv_columns.py)."""
    chosen = set(columns)
    if unknown := chosen.difference(CSV_COLUMNS):
        raise ValueError(f"Not columns of the CSV: {sorted(unknown)}")
    titles = [title for title in CSV_COLUMNS if title in chosen] or CSV_COLUMNS
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(titles)
    yield "\ufeff" + header.getvalue()
    lines = (line + "\r\n" for line in _lines(awards, _csv_line(titles), chunk_size))
    yield from _chunks(lines, chunk_size)


# JSON -----------------------------------------------------------------------------------


def _or_null(condition: Q, json_text) -> Case:
    return Case(When(condition, then=json_text), default=Value("null"), output_field=TextField())


def _party_json(party: str, named: Q | None = None) -> Case:
    return _or_null(
        named or Q(**{f"{party}__isnull": False}),
        _json_members(
            slug=_json(F(f"{party}__slug")),
            name=_json(F(f"{party}__name")),
            identifier=_json(_organisation_identifier(party)),
        ),
    )


def _json_award() -> Func:
    return _json_members(
        identifier=_json(F("identifier")),
        title=_json(F("title")),
        description=_json(F("description")),
        currency=_json_constant(CURRENCY),
        amount=_json(_text(F("amount"))),
        award_date=_json(F("award_date")),
        award_date_precision=_json(F("award_date_precision")),
        planned_start=_json_or_null(F("planned_start")),
        planned_end=_json_or_null(F("planned_end")),
        funder=_party_json("funder"),
        recipient=_party_json("recipient"),
        routed_through=_party_json("routed_through", _routed_through_public()),
        programme=_or_null(
            _public_programme(),
            _json_members(slug=_json(F("programme__slug")), name=_json(F("programme__name"))),
        ),
        workstreams=_json(_workstream_slugs()),
        follow_on_of=_json_or_null(_follow_on_identifier()),
        status=_json(F("status")),
        source_url=_json_or_null(NullIf(F("source_url"), Value(""))),
        origin=_json(_origin()),
        data_source=_json_or_null(_data_source()),
        url=_json(_award_path()),
    )


def awards_json(awards, *, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """``{"count": n, "awards": [...]}``. Amounts are strings ("1500000.00") so that no
    reader turns them into inexact floats; award_date is the full ISO date of the first day
    of the period with award_date_precision beside it; url is the award page's path; a
    missing party, programme, earlier award or source is null; origin says whether the award
    was imported from a funder's 360Giving data (naming it) or entered here, and data_source
    is the address of that data, or the source it was entered from. Two queries: the count,
    then the awards."""
    count = awards.count()
    yield f'{{"count": {count}, "awards": ['
    objects = _separated(_lines(awards, _json_award(), chunk_size), "\n", ",\n")
    yield from _chunks(objects, chunk_size)
    yield "\n]}\n"
