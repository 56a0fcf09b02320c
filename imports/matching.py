"""Which organisation of the record each organisation a file names is, and which funding
programme each grant's programme is.

An organisation is matched by its identifier (the record's org-id, or an identifier an
earlier file gave it), then by the org-id its charity or company number makes, then by its
name alone, which staff must confirm, since two bodies can share a name. Otherwise it is
new. The record is read once, at the start; each organisation of the file is decided the
first time a grant names it, and every later grant naming it gets the same answer.
"""

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from funding.models import FundingProgramme
from funding.orgid import FALLBACK_PREFIX
from imports.models import OrganisationIdentifier
from imports.parties import Party
from mmip.models import Organisation

Kind = Organisation.Kind
BY_IDENTIFIER, BY_NUMBER, BY_NAME, NEW = "identifier", "number", "name", "new"
BY_NAME_CONFIRMED = "name-confirmed"
_COMPANY_ENDINGS = re.compile(r"\b(limited|ltd|plc|llp|cic|cio)\.?$")


def name_key(name: str) -> str:
    """A name as compared for a match: case, spacing, punctuation and a company's "Ltd" or
    "Limited" make no difference ("Clyde Biologics Ltd." is "clyde biologics")."""
    words = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and "))
    words = " ".join(words.split())
    return _COMPANY_ENDINGS.sub("", words).strip()


@dataclass
class OrganisationMatch:
    """What becomes of one organisation of the file."""

    party: Party
    how: str  # BY_IDENTIFIER, BY_NUMBER, BY_NAME or NEW
    organisation_id: int | None = None  # set for a match, and for a new one once written
    record_name: str = ""
    # A new organisation's record, or what a matched one gains where it has nothing yet.
    name: str = ""
    slug: str = ""
    kind: str = ""
    org_id: str = ""
    region: str = ""
    identifiers: list[str] = field(default_factory=list)
    grants: int = 0

    @property
    def needs_confirming(self) -> bool:
        return self.how == BY_NAME

    def gains(self) -> list[str]:
        """What a matched organisation gains, in words."""
        found = []
        if self.org_id:
            found.append(f"org-id {self.org_id}")
        if self.region:
            found.append(
                f"nation or region {Organisation(nation_region=self.region).get_nation_region_display()}"
            )
        found.extend(f"identifier {identifier}" for identifier in self.identifiers)
        return found


def guess_kind(party: Party, role: str) -> str:
    """A new organisation's kind, which a file does not say: a funder is a funder; a charity
    or company by its register; otherwise by its name. Staff may correct it later."""
    if role == "funder":
        return Kind.FUNDER
    schemes = {party.scheme} | {org_id.rsplit("-", 1)[0] for org_id in party.org_ids}
    name = party.name.casefold()
    if "university" in name:
        return Kind.UNIVERSITY
    if "catapult" in name:
        return Kind.CATAPULT
    if schemes & {"GB-CHC", "GB-SC", "GB-NIC"}:
        return Kind.CHARITY
    if schemes & {"GB-GOR", "GB-GOV", "GB-GOVUK", "GB-NHS", "GB-LAE", "GB-LAS", "GB-LANI"}:
        return Kind.PUBLIC_BODY
    if schemes & {"GB-EDU", "GB-UKPRN", "GB-SCOTEDU", "GB-WALEDU"} or "college" in name:
        return Kind.TRAINING_PROVIDER
    return Kind.COMPANY


class Directory:
    """The record's organisations as the import sees them, read in three queries."""

    def __init__(self, *, confirmed: set[str] = frozenset()):
        self.confirmed = set(confirmed)
        self.matches: dict[str, OrganisationMatch] = {}
        # Every identifier the record knows, to its organisation: a primary key, or the match
        # of an organisation of the file that is yet to be written.
        self._by_id: dict[str, int | OrganisationMatch] = {}
        self._by_name: dict[str, list[int]] = {}
        self._rows: dict[int, dict] = {}
        for row in Organisation.objects.values("pk", "name", "slug", "org_id", "nation_region"):
            self._rows[row["pk"]] = row
            if row["org_id"]:
                self._by_id[row["org_id"]] = row["pk"]
            self._by_name.setdefault(name_key(row["name"]), []).append(row["pk"])
        self._by_id.update(OrganisationIdentifier.objects.values_list("identifier", "organisation"))
        self._names = {name_key(row["name"]) for row in self._rows.values()}
        self._exact_names = {row["name"] for row in self._rows.values()}
        self._slugs = {row["slug"] for row in self._rows.values()}

    def name_of(self, pk: int) -> str:
        return self._rows[pk]["name"] if pk in self._rows else ""

    def resolve(self, party: Party, role: str) -> OrganisationMatch:
        match = self.matches.get(party.identifier)
        if match is None:
            match = self.matches[party.identifier] = self._decide(party, role)
        match.grants += 1
        return match

    def _decide(self, party: Party, role: str) -> OrganisationMatch:
        for how, identifiers in ((BY_IDENTIFIER, [party.identifier]), (BY_NUMBER, party.org_ids)):
            for identifier in identifiers:
                known = self._by_id.get(identifier)
                if isinstance(known, OrganisationMatch):
                    # The same organisation as one the file named before by another
                    # identifier (its charity number, say), which is new to the record.
                    return known
                if known is not None:
                    return self._matched(party, how, known)
        same_name = self._by_name.get(name_key(party.name), [])
        if len(same_name) == 1:
            match = self._matched(party, BY_NAME, same_name[0])
            if party.identifier in self.confirmed:
                match.how = BY_NAME_CONFIRMED
                self._fill_in(match, self._rows[same_name[0]])
            return match
        return self._new(party, role)

    def _matched(self, party: Party, how: str, pk: int) -> OrganisationMatch:
        row = self._rows[pk]
        match = OrganisationMatch(party=party, how=how, organisation_id=pk, record_name=row["name"])
        if how != BY_NAME:
            self._fill_in(match, row)
        return match

    def _fill_in(self, match: OrganisationMatch, row: dict) -> None:
        """A matched organisation gains the org-id and region it lacks, and is known by the
        file's identifiers from now on; nothing it has is replaced. (An unconfirmed match by
        name gains nothing: its grants wait for staff.)"""
        party = match.party
        if not row["org_id"] and party.org_id and party.org_id not in self._by_id:
            match.org_id = party.org_id
            self._by_id[party.org_id] = match.organisation_id
        if not row["nation_region"]:
            match.region = party.region
        for identifier in (party.identifier, *party.org_ids):
            if identifier not in self._by_id:
                match.identifiers.append(identifier)
                self._by_id[identifier] = match.organisation_id

    def _new(self, party: Party, role: str) -> OrganisationMatch:
        name = party.name
        if name in self._exact_names or name_key(name) in self._names:
            # Two organisations of the file share a name: the identifier tells them apart.
            name = f"{party.name} ({party.identifier})"[:200]
        self._exact_names.add(name)
        self._names.add(name_key(name))
        org_id = party.org_id if party.org_id and party.org_id not in self._by_id else ""
        match = OrganisationMatch(
            party=party,
            how=NEW,
            name=name,
            slug=self._free_slug(name, party.identifier),
            kind=guess_kind(party, role),
            org_id=org_id,
            region=party.region,
        )
        for identifier in (party.identifier, *party.org_ids):
            if identifier != org_id and identifier not in self._by_id:
                match.identifiers.append(identifier)
        for identifier in (org_id, *match.identifiers):
            if identifier:
                self._by_id[identifier] = match
        return match

    def _free_slug(self, name: str, identifier: str) -> str:
        """A slug not yet taken: the one our own identifier (360G-MMIP-ORG-<slug>, which our
        exports give an organisation without an org-id) carries, else one of the name."""
        ours = identifier.removeprefix(FALLBACK_PREFIX)
        if (
            identifier.startswith(FALLBACK_PREFIX)
            and ours == slugify(ours)
            and ours not in self._slugs
        ):
            self._slugs.add(ours)
            return ours
        base = slugify(name)[:190] or "organisation"
        slug, n = base, 1
        while slug in self._slugs:
            n += 1
            slug = f"{base}-{n}"
        self._slugs.add(slug)
        return slug


@dataclass
class ProgrammeMatch:
    title: str
    funder: OrganisationMatch
    programme_id: int | None = None
    name: str = ""  # a new programme's
    slug: str = ""
    grants: int = 0

    @property
    def is_new(self) -> bool:
        """Made by this import (it keeps its name once written and given a key)."""
        return bool(self.name)


class Programmes:
    """Funding programmes matched by title within their funder, or made."""

    def __init__(self):
        rows = list(FundingProgramme.objects.values("pk", "name", "slug", "funder"))
        self._by_funder = {(row["funder"], row["name"].casefold()): row["pk"] for row in rows}
        self.names = {row["pk"]: row["name"] for row in rows}
        self._names = {row["name"].casefold() for row in rows}
        self._slugs = {row["slug"] for row in rows}
        self.matches: dict[tuple, ProgrammeMatch] = {}

    def resolve(self, title: str, funder: OrganisationMatch) -> ProgrammeMatch | None:
        if not title:
            return None
        key = (funder.party.identifier, title.casefold())
        match = self.matches.get(key)
        if match is None:
            match = self.matches[key] = self._decide(title, funder)
        match.grants += 1
        return match

    def _decide(self, title: str, funder: OrganisationMatch) -> ProgrammeMatch:
        if funder.organisation_id and funder.how != NEW:
            # Under its title, or the name an import gave it where another funder had the title.
            for name in {
                title,
                _with_funder(title, funder.party.name),
                _with_funder(title, funder.record_name),
            }:
                found = self._by_funder.get((funder.organisation_id, name.casefold()))
                if found:
                    return ProgrammeMatch(title=title, funder=funder, programme_id=found)
        name = title
        if name.casefold() in self._names:
            # Programme names are unique across funders: another funder has this one.
            name = _with_funder(title, funder.party.name)
        self._names.add(name.casefold())
        base = slugify(name)[:190] or "programme"
        slug, n = base, 1
        while slug in self._slugs:
            n += 1
            slug = f"{base}-{n}"
        self._slugs.add(slug)
        return ProgrammeMatch(title=title, funder=funder, name=name, slug=slug)


def _with_funder(title: str, funder_name: str) -> str:
    return f"{title} ({funder_name})"[:200]
