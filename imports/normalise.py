"""One grant of a 360Giving file as the record keeps an award: its identifier, text, amount
in pounds, dates with their precision, parties and programme, or the problems that stop it
being imported, each in plain words with the field it is in.

Nothing here reads the database: matching grants and organisations to the record is the
preview's work (imports/preview.py).
"""

import calendar
import contextlib
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from funding.models import AWARD_IDENTIFIER_PATTERN
from imports.locations import beneficiary_region
from imports.parties import Party, read_party, web_address
from imports.remarks import Remark
from imports.standard import grant_errors
from mmip.dates import DatePrecision, start_of_period

__all__ = ["GrantFacts", "Party", "Reading", "Remark", "read_date", "read_grant"]

UK = ZoneInfo("Europe/London")
MAX_AMOUNT = Decimal("999999999999.99")  # the record's amount: 14 digits, 2 after the point
PENNY = Decimal("0.01")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# An amount as people type it in a spreadsheet: "£1,500,000.00", thousands in threes.
_TYPED_AMOUNT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
# The sentence our own 360Giving export adds to a description where the source gave only a
# year or a month (funding/exports.py), taken off again when our file comes back.
_PRECISION_NOTE = re.compile(
    r"(?:\n\n)?The source gives the award date only as [^\n]*, so the award date "
    r"\d{4}-\d{2}-\d{2} stands for that (?:year|month)\.$"
)
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class GrantFacts:
    identifier: str
    title: str
    description: str
    amount: Decimal
    award_date: datetime.date
    award_date_precision: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    funder: Party
    recipient: Party
    routed_through: Party | None
    programme: str
    source_url: str
    beneficiary_region: str = ""

    def upstream(self) -> dict:
        """What the file says of each field the import keeps, in the file's own terms (an
        organisation by its identifier there), as JSON: kept with the award, so that a
        newer file changes only what its publisher changed."""
        return {
            "title": self.title,
            "description": self.description,
            "amount": str(self.amount),
            "award_date": self.award_date.isoformat(),
            "award_date_precision": self.award_date_precision,
            "planned_start": self.planned_start.isoformat() if self.planned_start else None,
            "planned_end": self.planned_end.isoformat() if self.planned_end else None,
            "funder": self.funder.identifier,
            "recipient": self.recipient.identifier,
            "routed_through": self.routed_through.identifier if self.routed_through else None,
            "programme": self.programme,
            "source_url": self.source_url,
            "beneficiary_region": self.beneficiary_region,
        }


@dataclass
class Reading:
    facts: GrantFacts | None
    problems: list[Remark] = field(default_factory=list)
    notes: list[Remark] = field(default_factory=list)
    # Read even when another field has a problem, so a grant outside the award dates chosen
    # is left out rather than reported.
    award_date: datetime.date | None = None


def read_grant(grant, *, from_spreadsheet: bool) -> Reading:
    """The grant as the record would keep it, or why it cannot be."""
    if not isinstance(grant, dict):
        return Reading(None, [Remark("The grant is not a group of fields.")])
    reading = Reading(None)
    problems, notes = reading.problems, reading.notes
    if from_spreadsheet:
        grant = _typed_amount(grant, notes)
    problems.extend(Remark(message, path) for path, message in grant_errors(grant))
    if problems:
        if isinstance(grant.get("awardDate"), str):
            with contextlib.suppress(ValueError):
                reading.award_date, _ = read_date(grant["awardDate"])
        return reading
    identifier = _identifier(grant["id"], problems)
    title = _text(grant, "title", problems, limit=300)
    description = _text(grant, "description", problems)
    _currency(grant["currency"], problems)
    amount = _amount(grant["amountAwarded"], problems, from_spreadsheet)
    award_date, precision = _award_date(grant, problems, notes)
    reading.award_date = award_date
    planned_start, planned_end = _planned_dates(grant, problems, notes)
    funder = read_party(grant, "fundingOrganization", "funder", problems, notes)
    recipient = read_party(grant, "recipientOrganization", "recipient", problems, notes)
    routed_through = None
    if grant.get("routedThrough"):
        routed_through = read_party(grant, "routedThrough", "body routed through", problems, notes)
    programme = _programme(grant, problems, notes)
    _looks_like_a_formula_or_markup(title, notes)
    if problems:
        return reading
    if precision != DatePrecision.DAY:
        description = _PRECISION_NOTE.sub("", description)
    reading.facts = GrantFacts(
        identifier=identifier,
        title=title,
        description=description,
        amount=amount,
        award_date=award_date,
        award_date_precision=precision,
        planned_start=planned_start,
        planned_end=planned_end,
        funder=funder,
        recipient=recipient,
        routed_through=routed_through,
        programme=programme,
        source_url=_source_url(grant, notes),
        beneficiary_region=beneficiary_region(grant.get("beneficiaryLocation")),
    )
    return reading


# The fields one by one --------------------------------------------------------------------


def _identifier(value: str, problems: list) -> str:
    identifier = value.strip()
    if len(identifier) > 100 or not re.fullmatch(AWARD_IDENTIFIER_PATTERN, identifier):
        problems.append(
            Remark(
                f"The identifier “{identifier}” is not one the record can keep: it must start "
                "360G-, go on with letters, digits, hyphens or underscores (a dot or a slash "
                "only between them), and be at most 100 characters long.",
                ("id",),
            )
        )
    return identifier


def _text(grant: dict, name: str, problems: list, limit: int | None = None) -> str:
    text = grant[name].strip()
    if not text:
        problems.append(Remark(f"The grant's {name} is blank.", (name,)))
    elif limit and len(text) > limit:
        problems.append(
            Remark(
                f"The {name} is {len(text)} characters long; the record keeps up to {limit}.",
                (name,),
            )
        )
    return text


def _currency(value: str, problems: list) -> None:
    if value.strip().upper() != "GBP":
        problems.append(
            Remark(
                f"The grant is in {value}; the record keeps amounts in pounds sterling (GBP) "
                "only, so it cannot be imported.",
                ("currency",),
            )
        )


def _typed_amount(grant: dict, notes: list) -> dict:
    """A spreadsheet's amount typed as people write it ("£1,500,000"), read as the number
    it plainly is, with a note; anything less plain stays as it is and is refused."""
    value = grant.get("amountAwarded")
    if isinstance(value, str) and (found := _TYPED_AMOUNT.match(value.strip())):
        number = Decimal(found.group(1).replace(",", "") + (found.group(2) or ""))
        notes.append(Remark(f"The amount “{value}” was read as {number}.", ("amountAwarded",)))
        return {**grant, "amountAwarded": number}
    return grant


def _amount(value, problems: list, from_spreadsheet: bool) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("NaN")
    where = ("amountAwarded",)
    if not amount.is_finite():
        problems.append(Remark(f"The amount “{value}” is not a number.", where))
        return amount
    if from_spreadsheet and abs(amount - amount.quantize(PENNY)) < Decimal("0.000001"):
        # An Excel number is binary: 2000.1 arrives as 2000.0999999999999090…
        amount = amount.quantize(PENNY)
    if amount <= 0:
        problems.append(Remark(f"The amount is {value}; an award must be more than £0.", where))
    elif amount != amount.quantize(PENNY):
        problems.append(Remark(f"The amount {amount} has fractions of a penny.", where))
    elif amount > MAX_AMOUNT:
        problems.append(Remark(f"The amount {amount} is more than the record can hold.", where))
    return amount.quantize(PENNY) if amount.is_finite() and amount > 0 else amount


def read_date(value: str) -> tuple[datetime.date, str]:
    """A date, or a date and time with or without a zone, as the day it was in the UK; and a
    note when the zone moved it to another day. Raises ValueError with the reason."""
    text = value.strip()
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        if not 1 <= month <= 12:
            raise ValueError(f"“{text}” is not a date: there is no month {month}.")
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise ValueError(
                f"“{text}” is not a date: {calendar.month_name[month]} {year} has {days} days."
            )
    try:
        moment = datetime.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"“{text}” is not a date (YYYY-MM-DD) or a date and time.") from None
    if moment.tzinfo is None:
        return moment.date(), ""
    day = moment.astimezone(UK).date()
    note = ""
    if day != moment.date():
        note = f"“{text}” is {day:%-d %B %Y} in the UK, and is kept as that day."
    return day, note


def _award_date(grant: dict, problems: list, notes: list) -> tuple:
    try:
        day, note = read_date(grant["awardDate"])
    except ValueError as error:
        problems.append(Remark(str(error), ("awardDate",)))
        return None, DatePrecision.DAY
    if note:
        notes.append(Remark(note, ("awardDate",)))
    precision = grant.get("awardDatePrecision", DatePrecision.DAY)
    if precision not in DatePrecision.values:
        problems.append(
            Remark(
                f"The award date's precision “{precision}” is not year, month or day.",
                ("awardDatePrecision",),
            )
        )
    elif start_of_period(day, precision) != day:
        problems.append(
            Remark(
                f"The award date {day.isoformat()} is said to be known only to the {precision}, "
                f"so it should be the first day of that {precision}.",
                ("awardDatePrecision",),
            )
        )
    return day, precision


def _planned_dates(grant: dict, problems: list, notes: list) -> tuple:
    planned = grant.get("plannedDates") or [{}]
    if len(planned) > 1:
        notes.append(
            Remark("The grant has several planned periods; the first is kept.", ("plannedDates",))
        )
    found = {}
    for name in ("startDate", "endDate"):
        value = planned[0].get(name)
        found[name] = None
        if value:
            try:
                found[name], note = read_date(value)
            except ValueError as error:
                problems.append(Remark(str(error), ("plannedDates", 0, name)))
                continue
            if note:
                notes.append(Remark(note, ("plannedDates", 0, name)))
    start, end = found["startDate"], found["endDate"]
    if start and end and end < start:
        problems.append(
            Remark(
                f"The planned end ({end:%-d %B %Y}) is before the planned start ({start:%-d %B %Y}).",
                ("plannedDates", 0, "endDate"),
            )
        )
    return start, end


def _programme(grant: dict, problems: list, notes: list) -> str:
    programmes = grant.get("grantProgramme") or []
    if len(programmes) > 1:
        notes.append(
            Remark(
                "The grant names several programmes; the record keeps the first.",
                ("grantProgramme",),
            )
        )
    title = str((programmes[0] if programmes else {}).get("title") or "").strip()
    if len(title) > 200:
        problems.append(
            Remark(
                "The programme's title is longer than 200 characters.",
                ("grantProgramme", 0, "title"),
            )
        )
    return title


def _source_url(grant: dict, notes: list) -> str:
    for name in ("dataSource", "url"):
        value = grant.get(name)
        if value:
            address = web_address(value, limit=200)
            if address:
                return address
            notes.append(
                Remark(
                    f"The address “{value}” is not kept: the record keeps web addresses of up to 200 characters.",
                    (name,),
                )
            )
    return ""


def _looks_like_a_formula_or_markup(title: str, notes: list) -> None:
    if title.startswith(_FORMULA_START):
        notes.append(
            Remark(
                "The title starts as a spreadsheet formula would. It is kept as text; the site's "
                "CSV downloads mark it so that no spreadsheet runs it.",
                ("title",),
            )
        )
    elif re.search(r"<[a-zA-Z/!]", title):
        notes.append(
            Remark("The title holds markup. It is kept and shown as the text it is.", ("title",))
        )
