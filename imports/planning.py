"""What importing a file would do to the record, grant by grant: the plan that the preview
shows and the apply carries out, worked out the same way for both.

The file's grants are taken a thousand at a time: each is read (imports/normalise.py),
chosen or skipped, and compared with the award of the same identifier, in one query for the
thousand. A field changes only where the funder's file changed it since the last import of
the same dataset (the AwardSource keeps what the file said), so what staff corrected by hand
stays unless the funder changes that very field too; workstreams chosen are only ever added.
"""

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db.models.expressions import RawSQL

from funding.models import Award
from imports import matching
from imports.choices import Choices
from imports.dataset_details import dataset_details
from imports.models import AwardSource
from imports.normalise import GrantFacts, read_grant
from imports.reading import GrantFile
from imports.remarks import Remark
from mmip.dates import format_date
from mmip.formatting import money
from mmip.regions import NationRegion
from workstreams.models import Workstream

BATCH = 1000
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

# What the record keeps of a grant (list positions left out); everything else the file holds
# is listed as not kept.
_PARTY_FIELDS = {
    "id",
    "name",
    "charityNumber",
    "companyNumber",
    "postalCode",
    "url",
    "addressCountry",
    "location/geoCode",
    "location/geoCodeType",
    "location/countryCode",
}
KEPT = {
    "id",
    "title",
    "description",
    "currency",
    "amountAwarded",
    "awardDate",
    "awardDatePrecision",
    "plannedDates/startDate",
    "plannedDates/endDate",
    "grantProgramme/title",
    "dataSource",
    "url",
    "beneficiaryLocation/name",
    "beneficiaryLocation/geoCode",
    "beneficiaryLocation/geoCodeType",
    "beneficiaryLocation/countryCode",
} | {
    f"{party}/{name}"
    for party in ("fundingOrganization", "recipientOrganization", "routedThrough")
    for name in _PARTY_FIELDS
}


@dataclass
class ExistingSource:
    """What an award already in the record knows of its dataset."""

    pk: int
    dataset_id: int
    dataset_title: str
    dataset_publisher: str
    imported_values: dict

    @property
    def dataset_name(self) -> str:
        return f"{self.dataset_title} ({self.dataset_publisher})"


@dataclass
class Existing:
    """An award already in the record, as the plan compares it (a plain row: reading
    100,000 whole awards as models cost a third of a re-import's time)."""

    pk: int
    identifier: str
    title: str
    description: str
    amount: object
    award_date: datetime.date
    award_date_precision: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    source_url: str
    beneficiary_region: str
    funder_id: int
    recipient_id: int
    routed_through_id: int | None
    programme_id: int | None
    source: ExistingSource | None = None
    workstreams: set = field(default_factory=set)


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    value: object  # the value to set: a plain value, an OrganisationMatch or a ProgrammeMatch


@dataclass
class GrantPlan:
    position: int
    facts: GrantFacts
    kind: str
    award: Existing | None
    source: ExistingSource | None
    funder: matching.OrganisationMatch
    recipient: matching.OrganisationMatch
    routed_through: matching.OrganisationMatch | None
    programme: matching.ProgrammeMatch | None
    changes: list[FieldChange] = field(default_factory=list)
    workstreams_added: list[int] = field(default_factory=list)


@dataclass
class Problem:
    position: int
    identifier: str
    remark: Remark


class Planner:
    """Works out the plan for a file, a thousand grants at a time, for the preview's report
    and the apply's writer to take each thousand as it goes."""

    def __init__(self, grant_file: GrantFile, choices: Choices):
        self.file = grant_file
        self.choices = choices
        self.dataset = dataset_details(grant_file, choices)
        self.directory = matching.Directory(confirmed=choices.confirmed)
        self.programmes = matching.Programmes()
        self.workstreams = dict(
            Workstream.objects.filter(pk__in=choices.workstreams).values_list("pk", "name")
        )
        self.occurrences = Counter(
            identifier.strip() for identifier in grant_file.identifiers if identifier
        )
        self.spreadsheet = grant_file.format != "json"
        self.not_kept: Counter = Counter()

    def batches(self) -> Iterator[tuple[list[GrantPlan], list[Problem], int, list[tuple], int]]:
        """Each thousand grants' plans, problems, how many were not chosen, the notes, and
        how many grants of the file have been read so far."""
        grants = enumerate(self.file.grants())
        while batch := list(islice(grants, BATCH)):
            yield (*self._plan(batch), batch[-1][0] + 1)

    def count_fields(self, value, path: tuple = ()) -> None:
        """Counts the fields of a chosen grant that the record does not keep."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.count_fields(item, (*path, key))
        elif isinstance(value, list):
            for item in value:
                self.count_fields(item, path)
        elif value not in (None, ""):
            name = "/".join(path)
            if name not in KEPT:
                self.not_kept[name] += 1

    def _plan(self, batch):
        problems, notes, chosen, skipped = [], [], [], 0
        selection = self.choices.selection
        for position, grant in batch:
            identifier = str(self.file.identifiers[position] or "").strip()
            if not selection.picks(grant):
                skipped += 1
                continue
            reading = read_grant(grant, from_spreadsheet=self.spreadsheet)
            if reading.award_date and not selection.in_range(reading.award_date):
                skipped += 1
                continue
            self.count_fields(grant)
            notes.extend((position, identifier, note) for note in reading.notes)
            if reading.problems:
                problems.extend(Problem(position, identifier, r) for r in reading.problems)
                continue
            facts = reading.facts
            if rows := self.file.repeated.get(position):
                shown = ", ".join(str(row) for row in rows[:-1]) + f" and {rows[-1]}"
                problems.append(
                    Problem(
                        position,
                        identifier,
                        Remark(
                            f"The identifier {facts.identifier} is given to rows {shown}: a "
                            "grant identifier is given once. None of them is imported.",
                            ("id",),
                        ),
                    )
                )
                continue
            if self.occurrences[facts.identifier] > 1:
                problems.append(
                    Problem(
                        position,
                        identifier,
                        Remark(
                            f"The identifier {facts.identifier} is given to "
                            f"{self.occurrences[facts.identifier]} grants of the file: a grant "
                            "identifier is given once. None of them is imported.",
                            ("id",),
                        ),
                    )
                )
                continue
            chosen.append((position, facts))
        plans = []
        existing = self._existing([facts.identifier for _, facts in chosen])
        for position, facts in chosen:
            plan = self._compare(position, facts, existing.get(facts.identifier), problems)
            if plan is not None:
                plans.append(plan)
        return plans, problems, skipped, notes

    def _existing(self, identifiers: list[str]) -> dict[str, "Existing"]:
        """The awards of these identifiers as the plan compares them, with what each knows
        of its dataset and (only when workstreams are chosen) its workstreams: three queries
        at most for the thousand, read as plain rows. The writer reads changed ones whole
        again."""
        # Not locked here: most awards of a file the record already has are unchanged, and
        # locking 100,000 rows to write none of them cost a third of a re-import's time. The
        # writer locks those it changes and checks that nobody changed them meanwhile.
        if not identifiers:
            return {}
        awards = Award.objects.filter(identifier__in=_any(identifiers, "text"))
        found = {row[0]: Existing(*row) for row in awards.values_list("pk", *COMPARED).iterator()}
        if not found:
            return {}
        sources = AwardSource.objects.filter(award__in=_any(list(found), "bigint"))
        for award_id, *source in sources.values_list(
            "award_id",
            "pk",
            "dataset_id",
            "dataset__title",
            "dataset__publisher_name",
            "imported_values",
        ):
            found[award_id].source = ExistingSource(*source)
        if self.workstreams:
            links = Award.workstreams.through.objects.filter(award__in=_any(list(found), "bigint"))
            for award_id, workstream_id in links.values_list("award_id", "workstream_id"):
                found[award_id].workstreams.add(workstream_id)
        return {award.identifier: award for award in found.values()}

    def _compare(self, position, facts: GrantFacts, award, problems) -> GrantPlan | None:
        def problem(message: str, path: tuple = ()):
            problems.append(Problem(position, facts.identifier, Remark(message, path)))

        source = award.source if award else None
        dataset = self.dataset.existing
        if source and (dataset is None or source.dataset_id != dataset.pk):
            problem(
                f"The identifier {facts.identifier} already belongs to an award from another "
                f"dataset, “{source.dataset_name}”: an award comes from one dataset only.",
                ("id",),
            )
            return None
        parties = {
            "funder": self.directory.resolve(facts.funder, "funder"),
            "recipient": self.directory.resolve(facts.recipient, "recipient"),
            "routed_through": self.directory.resolve(facts.routed_through, "body routed through")
            if facts.routed_through
            else None,
        }
        for role, match in parties.items():
            if match is not None and match.needs_confirming:
                where = {"funder": "fundingOrganization", "recipient": "recipientOrganization"}
                problem(
                    f"The {role.replace('_', ' ')} “{match.party.name}” ({match.party.identifier}) "
                    f"has the same name as “{match.record_name}” in the record, which is not known "
                    "by that identifier: confirm that they are the same organisation.",
                    (where.get(role, "routedThrough"), 0, "id"),
                )
                return None
        if _same(parties["funder"], parties["recipient"]):
            problem(
                "The funder and the recipient are the same organisation.",
                ("recipientOrganization", 0, "id"),
            )
            return None
        plan = GrantPlan(
            position=position,
            facts=facts,
            kind=NEW if award is None else UNCHANGED,
            award=award,
            source=source,
            programme=self.programmes.resolve(facts.programme, parties["funder"]),
            **parties,
        )
        chosen = set(self.workstreams)
        if award is None:
            plan.workstreams_added = sorted(chosen)
            return plan
        plan.changes = self._changes(plan)
        plan.workstreams_added = sorted(chosen - award.workstreams)
        if plan.changes or plan.workstreams_added:
            plan.kind = CHANGED
        return plan

    def _changes(self, plan: GrantPlan) -> list[FieldChange]:
        facts, award = plan.facts, plan.award
        upstream = facts.upstream()
        before = plan.source.imported_values if plan.source else None
        found = []
        for name, label, value in (
            ("title", "Title", facts.title),
            ("description", "Description", facts.description),
            ("amount", "Amount", facts.amount),
            ("award_date", "Award date", facts.award_date),
            ("award_date_precision", "Award date known to the", facts.award_date_precision),
            ("planned_start", "Planned start", facts.planned_start),
            ("planned_end", "Planned end", facts.planned_end),
            ("funder", "Funder", plan.funder),
            ("recipient", "Recipient", plan.recipient),
            ("routed_through", "Routed through", plan.routed_through),
            ("programme", "Programme", plan.programme),
            ("source_url", "Source", facts.source_url),
            ("beneficiary_region", "Where it benefits", facts.beneficiary_region),
        ):
            if before is not None and before.get(name) == upstream[name]:
                continue  # the funder did not change it: whatever the record says stands
            if name in _LINKS:
                current = getattr(award, f"{name}_id")
                if _key(value) != current:
                    found.append(
                        FieldChange(name, label, self._name_of(name, current), shown(value), value)
                    )
                continue
            current = getattr(award, name)
            if value != current:
                words = _CHOICE_LABELS.get(name, {})
                old, new = (shown(words.get(each, each)) for each in (current, value))
                found.append(FieldChange(name, label, old, new, value))
        return found

    def _name_of(self, link: str, pk: int | None) -> str:
        if pk is None:
            return shown(None)
        if link == "programme":
            return self.programmes.names.get(pk, "")
        return self.directory.name_of(pk)


def _any(values: list, sql_type: str) -> RawSQL:
    """values for an IN: one array parameter rather than a thousand placeholders, which
    the database driver spent longer splitting out of the query than the query took."""
    return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [values])


def _same(one, other) -> bool:
    if one is other:
        return True
    return one.organisation_id is not None and one.organisation_id == other.organisation_id


def _key(value):
    """What a match stands for in the record: its key, or the match itself while it is new
    (then it differs from every key)."""
    if value is None:
        return None
    if isinstance(value, matching.OrganisationMatch):
        return value.organisation_id if value.how != matching.NEW else value
    return value.programme_id if not value.is_new else value


# Coded fields as the preview names their values ("Wales", not "wales").
_CHOICE_LABELS = {"beneficiary_region": dict(NationRegion.choices)}

# The columns the plan compares, in the order of Existing's fields, and those of them that
# point at other records.
_LINKS = ("funder", "recipient", "routed_through", "programme")
COMPARED = (
    "identifier",
    "title",
    "description",
    "amount",
    "award_date",
    "award_date_precision",
    "planned_start",
    "planned_end",
    "source_url",
    "beneficiary_region",
    *(f"{link}_id" for link in _LINKS),
)


def shown(value) -> str:
    """A value as the preview prints it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, matching.OrganisationMatch):
        return value.record_name or value.name
    if isinstance(value, matching.ProgrammeMatch):
        return value.name or value.title
    if hasattr(value, "_meta"):
        return str(value)
    if isinstance(value, datetime.date):
        return format_date(value, "day")
    if hasattr(value, "quantize"):
        return money(value)
    return str(value)
