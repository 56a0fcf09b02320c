"""A 360Giving data package (standard 1.4) of the awards, each grant written by PostgreSQL as
one JSON object in the one query that selects the awards (see rows.py for how).

A grant carries what the record knows of the award: its parties by org-id, with their
charity or company numbers and their nation or region as an ONS area; where the work
benefits; its programme; its planned dates with their length in months; its workstreams as
classifications; the award it follows on from; where its facts came from (dataSource) and
when the record last changed it (dateModified, from the award's history).
"""

import datetime
import json
from collections.abc import Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    DecimalField,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from funding.exports.rows import (
    CHUNK_SIZE,
    CURRENCY,
    _award_path,
    _chunks,
    _concat,
    _data_source,
    _func,
    _iso,
    _json,
    _json_array,
    _json_constant,
    _json_members,
    _lines,
    _organisation_identifier,
    _page_path,
    _public_follow_on,
    _public_programme,
    _routed_through_public,
    _separated,
    _workstream_links,
)
from funding.models import Award
from mmip.dates import DatePrecision
from mmip.regions import ONS_AREAS, OnsArea

PUBLISHER_NAME = "Medicines Manufacturing Industry Partnership"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
GIVING_VERSION = "1.4"
WORKSTREAM_VOCABULARY = "MMIP workstreams"


class NothingToExport(Http404):
    """The filter matched no awards. A 360Giving package must hold at least one grant, so
    there is no valid file to give; views can catch this and show a message instead, and
    left alone it becomes a 404."""


# Parties ------------------------------------------------------------------------------------

# 360Giving has fields for the numbers some org-id lists are made of: (prefix, field, what
# goes before the number). A Scottish charity's org-id holds its number whole (GB-SC-SC012345);
# a Northern Irish one's drops the NIC its number is written with (GB-NIC-100002).
_REGISTER_NUMBERS = [
    ("GB-COH-", "companyNumber", ""),
    ("GB-CHC-", "charityNumber", ""),
    ("GB-SC-", "charityNumber", ""),
    ("GB-NIC-", "charityNumber", "NIC"),
]


def _register_number(party: str, field: str) -> Case:
    org_id = F(f"{party}__org_id")
    return Case(
        *[
            When(
                **{f"{party}__org_id__startswith": prefix},
                then=_json(_concat(Value(before), _func("substr", org_id, Value(len(prefix) + 1)))),
            )
            for prefix, named, before in _REGISTER_NUMBERS
            if named == field
        ],
        output_field=TextField(),
    )


def ons_location(area: OnsArea) -> dict:
    """A nation or region as a 360Giving location."""
    location = {"name": area.name, "geoCode": area.code}
    if area.kind:
        location["geoCodeType"] = area.kind
    return {**location, "countryCode": "GB"}


def _location(field: str) -> Case:
    """A NationRegion column as a 360Giving location list (constant JSON text, one branch a
    nation or region); NULL where the record knows none, or only that it is outside the UK,
    which no ONS code covers."""
    return Case(
        *[
            When(**{field: region}, then=_json_constant([ons_location(area)]))
            for region, area in ONS_AREAS.items()
        ],
        output_field=TextField(),
    )


def _giving_organisation(party: str) -> Func:
    return _json_array(
        _json_members(
            id=_json(_organisation_identifier(party)),
            name=_json(F(f"{party}__name")),
            companyNumber=_register_number(party, "companyNumber"),
            charityNumber=_register_number(party, "charityNumber"),
            location=_location(f"{party}__nation_region"),
        )
    )


# Dates --------------------------------------------------------------------------------------


def _date_note(precision: str, shown_as: str, period: str) -> When:
    return When(
        award_date_precision=precision,
        then=_concat(
            Value("The source gives the award date only as "),
            _func("to_char", F("award_date"), Value(shown_as)),
            Value(", so the award date "),
            _iso("award_date"),
            Value(f" stands for that {period}."),
        ),
    )


def _honest_description() -> Case:
    """360Giving requires a full award date. Where the source gave only a year or a month, a
    sentence at the end of the description says so, for people reading it in GrantNav."""
    note = Case(
        _date_note(DatePrecision.YEAR, "YYYY", "year"),
        _date_note(DatePrecision.MONTH, "FMMonth YYYY", "month"),
        output_field=TextField(),
    )
    return Case(
        When(award_date_precision=DatePrecision.DAY, then=F("description")),
        When(description__regex=r"^\s*$", then=note),
        default=_concat(
            _func("regexp_replace", F("description"), Value(r"\s+$"), Value("")),
            Value("\n\n"),
            note,
        ),
        output_field=TextField(),
    )


class _PlannedMonths(Func):
    """How many months the planned dates span, the end day included (1 April 2018 to 31
    March 2021 is 36): the whole months, and the days over as a share of an average month
    (30.44 days), to one decimal place, as 360Giving's Duration (months) is a number."""

    output_field = DecimalField()

    def __init__(self):
        super().__init__(F("planned_start"), F("planned_end"))

    def as_sql(self, compiler, connection, **extra_context):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        span = f"age(({end}) + 1, {start})"
        parts = [f"extract({part} from {span})" for part in ("year", "month", "day")]
        months = f"{parts[0]} * 12 + {parts[1]} + {parts[2]} / 30.4375"
        return f"trim_scale(round(({months})::numeric, 1))", (*end_params, *start_params) * 3


def _planned_dates() -> Case:
    both = Q(planned_start__isnull=False, planned_end__isnull=False)
    return _when(
        Q(planned_start__isnull=False) | Q(planned_end__isnull=False),
        _json_array(
            _json_members(
                startDate=_json(_iso("planned_start")),
                endDate=_json(_iso("planned_end")),
                duration=_when(both, _json(_PlannedMonths())),
            )
        ),
    )


def _last_modified() -> Func:
    """When the record last changed the award, from its history (every save, link changes
    included, keeps an entry): one look-up of the history table's index on the award's id
    for each award, inside the one query. An award with no history (loaded from the demo
    fixtures) has none."""
    history = Award.history.model.objects.filter(id=OuterRef("pk")).order_by()
    latest = history.values("id").annotate(latest=Max("history_date")).values("latest")
    return _func(
        "to_char",
        Func(Subquery(latest), template="timezone('UTC', %(expressions)s)"),
        Value('YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    )


# The grant ----------------------------------------------------------------------------------


def _classifications() -> NullIf:
    """The award's public workstreams as 360Giving classifications; NULL when none."""
    items = _workstream_links().values(
        item=_json_members(
            vocabulary=_json_constant(WORKSTREAM_VOCABULARY),
            code=_json(F("workstream__slug")),
            title=_json(F("workstream__name")),
        )
    )
    listed = _func("array_to_string", ArraySubquery(items), Value(", "))
    return NullIf(_concat(Value("["), listed, Value("]")), Value("[]"), output_field=TextField())


def _when(condition: Q, json_text) -> Case:
    return Case(When(condition, then=json_text), output_field=TextField())


def _grant(site_url: str) -> Func:
    award_url = _concat(Value(site_url), _award_path())
    programme = {"code": _json(F("programme__slug")), "title": _json(F("programme__name"))}
    if site_url:
        programme_path = _page_path("funding-programme-detail", "programme__slug")
        programme["url"] = _json(_concat(Value(site_url), programme_path))
    members = {
        "id": _json(F("identifier")),
        "title": _json(F("title")),
        "description": _json(_honest_description()),
        "currency": _json_constant(CURRENCY),
        # numeric straight into JSON: an exact number, never a float.
        "amountAwarded": _json(F("amount")),
        "awardDate": _json(_iso("award_date")),
        # Not in the standard: tells software what the sentence in the description tells
        # people, that the day (or month) was not given by the source.
        "awardDatePrecision": _json(F("award_date_precision")),
        "fundingOrganization": _giving_organisation("funder"),
        "recipientOrganization": _giving_organisation("recipient"),
        # Not in the standard either: the body the money passed through on its way.
        "routedThrough": _when(_routed_through_public(), _giving_organisation("routed_through")),
        "beneficiaryLocation": _location("beneficiary_region"),
        "grantProgramme": _when(_public_programme(), _json_array(_json_members(**programme))),
        "plannedDates": _planned_dates(),
        "classifications": _classifications(),
        "relatedActivity": _when(
            _public_follow_on(),
            _json_array(_json(F("follow_on_of__identifier"))),
        ),
        # Where the grant came from: the funder's file it was imported from, else the source
        # staff entered it from, else this site's record of it.
        "dataSource": _json(
            Coalesce(_data_source(), award_url, output_field=TextField())
            if site_url
            else _data_source()
        ),
        "dateModified": _json(_last_modified()),
    }
    if site_url:
        members["url"] = _json(award_url)
    return _json_members(**members)


def giving_package(
    awards,
    *,
    site_url: str = "",
    issued: datetime.date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """A 360Giving data package (standard 1.4) of the awards, valid against the package
    schema. ``site_url`` ("https://example.org") adds each grant's page as its url (and as
    its dataSource where the record knows no other) and the site as the publisher's website;
    ``issued`` defaults to today.

    Raises NothingToExport straight away, before anything is streamed, when there are no
    awards: the standard forbids a package with no grants.

    360Giving needs a full award date. Where the source gave only a year or a month, the
    date is the first day of that period, ``awardDatePrecision`` says "year" or "month",
    and a sentence at the end of the description says the same for people. Organisations
    are identified by org-id where the record has one and by 360G-MMIP-ORG-<slug>
    otherwise; workstreams are classifications. Two queries: whether there are any awards,
    then the grants."""
    if not awards.exists():
        raise NothingToExport("No awards match this filter, so there is no 360Giving file.")
    metadata = package_metadata(site_url, issued)
    return _giving_chunks(
        grant_lines(awards, site_url=site_url, chunk_size=chunk_size), metadata, chunk_size
    )


def package_metadata(site_url: str = "", issued: datetime.date | None = None) -> dict:
    """The package's own fields: what it is, who publishes it and under which licence."""
    site_url = site_url.rstrip("/")
    return {
        "version": GIVING_VERSION,
        "title": f"{PUBLISHER_NAME}: funding awards",
        "description": (
            "Funding awards in the public record of the Medicines Manufacturing Industry "
            "Partnership, as selected in its funding explorer."
        ),
        "issued": (issued or datetime.date.today()).isoformat(),
        "publisher": {"name": PUBLISHER_NAME, **({"website": site_url} if site_url else {})},
        "license": DATA_LICENCE_URL,
    }


def grant_lines(awards, *, site_url: str = "", chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """Each award's grant as a line of JSON text, in the queryset's order: one query."""
    return _lines(awards, _grant(site_url.rstrip("/")), chunk_size)


def _giving_chunks(grants: Iterator[str], metadata: dict, chunk_size: int) -> Iterator[str]:
    # Metadata first, so that anyone opening the file sees what it is before the grants.
    yield json.dumps(metadata, ensure_ascii=False)[:-1] + ', "grants": ['
    yield from _chunks(_separated(grants, "\n", ",\n"), chunk_size)
    yield "\n]}\n"
