"""An organisation as a grant names it (a funder, a recipient, the body the money was routed
through): its identifier, checked against the org-id register's list codes, the org-ids its
charity or company number makes, its nation or region and its web address."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from imports.locations import region_of
from imports.remarks import Remark
from mmip.models import ORG_ID_PATTERN
from mmip.standards import PUBLISHER_SCHEME, is_current, org_id_scheme

_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Party:
    """An organisation as a grant names it."""

    identifier: str
    name: str
    scheme: str  # the org-id register's list code, or 360G for a publisher's own
    # org-ids the record could keep for it, best first: its identifier when that is one, and
    # those its charity or company number make.
    org_ids: tuple[str, ...] = ()
    region: str = ""
    website: str = ""

    @property
    def org_id(self) -> str:
        """The org-id the record's field takes: its form is narrower than the register's, and
        it holds only a list the register still uses (the Organisation form's rule)."""
        return next(
            (
                value
                for value in self.org_ids
                if re.fullmatch(ORG_ID_PATTERN, value) and is_current(value)
            ),
            "",
        )


def read_party(grant: dict, key: str, role: str, problems: list, notes: list) -> Party | None:
    organisations = grant[key]
    if not isinstance(organisations, list) or not organisations:
        problems.append(Remark(f"The grant names no {role}.", (key,)))
        return None
    if len(organisations) > 1:
        notes.append(
            Remark(
                f"The grant names {len(organisations)} as its {role}; the record keeps the first.",
                (key,),
            )
        )
    org = organisations[0]
    identifier, name = str(org.get("id", "")).strip(), str(org.get("name", "")).strip()
    where = (key, 0, "id")
    if not identifier:
        problems.append(Remark(f"The {role} has no identifier.", where))
        return None
    if not name or len(name) > 200:
        problems.append(
            Remark(f"The {role}'s name must be given, in at most 200 characters.", (key, 0, "name"))
        )
        return None
    scheme = org_id_scheme(identifier)
    if scheme is None:
        problems.append(
            Remark(
                f"The {role}'s identifier “{identifier}” does not start with a list code of the "
                "org-id register (such as GB-CHC- or GB-COH-), nor with 360G- for the "
                "publisher's own.",
                where,
            )
        )
        return None
    org_ids = [identifier] if scheme != PUBLISHER_SCHEME else []
    org_ids.extend(registered_numbers(org))
    return Party(
        identifier=identifier,
        name=name,
        scheme=scheme,
        org_ids=tuple(dict.fromkeys(org_ids)),
        region=region_of(org),
        website=web_address(org.get("url"), limit=200),
    )


def registered_numbers(org: dict) -> list[str]:
    """The org-ids an organisation's charity or company number makes (GB-CHC-…, GB-SC-…,
    GB-NIC-…, GB-COH-…): how the register names charities and companies."""
    found = []
    charity = str(org.get("charityNumber") or "").strip().upper().replace(" ", "")
    if re.fullmatch(r"SC\d{6}", charity):
        found.append(f"GB-SC-{charity}")
    elif re.fullmatch(r"NIC\d{6}", charity):
        found.append(f"GB-NIC-{charity.removeprefix('NIC')}")
    elif re.fullmatch(r"\d{6,7}", charity):
        found.append(f"GB-CHC-{charity}")
    company = str(org.get("companyNumber") or "").strip().upper().replace(" ", "")
    if re.fullmatch(r"\d{1,8}", company):
        found.append(f"GB-COH-{company.zfill(8)}")
    elif re.fullmatch(r"[A-Z]{2}\d{6}", company):
        found.append(f"GB-COH-{company}")
    return found


def web_address(value, *, limit: int) -> str:
    if not isinstance(value, str) or len(value.strip()) > limit:
        return ""
    try:
        _WEB_ADDRESS(value.strip())
    except ValidationError:
        return ""
    return value.strip()
