"""The preview of an import: a pure computation over the file and the record, which writes
nothing. It says which grants are new, changed (field by field, old and new), unchanged,
not chosen or held back by a problem; how each organisation was matched (by identifier, by
charity or company number, by name alone for staff to confirm) or is new; the programmes;
the fields of the file the record does not keep; and the awards of the dataset that the
file no longer holds (reported, never deleted).

The preview is plain JSON, so it can be stored with an upload and shown again. Long lists
keep their first SHOWN rows with the total beside them; its digest fingerprints the whole
plan, so the apply can tell whether the record changed since the preview was made.
"""

import hashlib
from collections import Counter

from django.urls import reverse

from imports import matching
from imports.choices import Choices
from imports.models import AwardSource, DatasetImport
from imports.planning import CHANGED, NEW, UNCHANGED, GrantPlan, Planner, Problem
from imports.reading import GrantFile
from imports.standard import field_title
from mmip.dates import format_date
from mmip.formatting import money
from mmip.regions import NationRegion

SHOWN = 200


class Report:
    """The preview, built up a thousand grants at a time."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.counts = Counter({NEW: 0, CHANGED: 0, UNCHANGED: 0, "skipped": 0, "with_problems": 0})
        self.new, self.changed, self.problems, self.notes = [], [], [], []
        self.problem_grants: set[int] = set()
        self.note_count = 0
        # When applying, this import's own record, which is not an earlier import of the file.
        self.current_import = None
        self.digest = hashlib.sha256()

    def add(self, plans: list[GrantPlan], problems: list[Problem], skipped: int, notes) -> None:
        self.counts["skipped"] += skipped
        for problem in problems:
            self.problem_grants.add(problem.position)
            if len(self.problems) < SHOWN:
                self.problems.append(
                    self._remark(problem.position, problem.identifier, problem.remark)
                )
            self.digest.update(f"problem|{problem.position}|{problem.remark.message}\n".encode())
        self.note_count += len(notes)
        for position, identifier, remark in notes[: max(0, SHOWN - len(self.notes))]:
            self.notes.append(self._remark(position, identifier, remark))
        for plan in plans:
            self.counts[plan.kind] += 1
            self.digest.update(_fingerprint(plan).encode())
            if plan.kind == NEW and len(self.new) < SHOWN:
                self.new.append(self._new_row(plan))
            elif plan.kind == CHANGED and len(self.changed) < SHOWN:
                self.changed.append(self._changed_row(plan))

    def _remark(self, position: int, identifier: str, remark) -> dict:
        located = self.planner.file.locate(position, remark.path)
        return {
            "identifier": identifier or f"(grant {position + 1}, without an identifier)",
            "where": str(located),
            "field": located.heading or (field_title(remark.path) if remark.path else ""),
            "message": remark.message,
        }

    def _new_row(self, plan: GrantPlan) -> dict:
        facts = plan.facts
        return {
            "identifier": facts.identifier,
            "title": facts.title,
            "amount": money(facts.amount),
            "awarded": format_date(facts.award_date, facts.award_date_precision),
            "funder": plan.funder.record_name or plan.funder.name,
            "recipient": plan.recipient.record_name or plan.recipient.name,
            "programme": (plan.programme.name or plan.programme.title) if plan.programme else "",
        }

    def _changed_row(self, plan: GrantPlan) -> dict:
        workstreams = self.planner.workstreams
        changes = [{"field": c.label, "old": c.old, "new": c.new} for c in plan.changes]
        if plan.workstreams_added:
            changes.append(
                {
                    "field": "Workstreams",
                    "old": "",
                    "new": "added: " + ", ".join(workstreams[pk] for pk in plan.workstreams_added),
                }
            )
        return {
            "identifier": plan.facts.identifier,
            "title": plan.award.title,
            "url": reverse("admin:funding_award_change", args=[plan.award.pk]),
            "changes": changes,
        }

    def as_json(self) -> dict:
        planner, grant_file = self.planner, self.planner.file
        counts = dict(self.counts)
        counts["with_problems"] = len(self.problem_grants)
        counts["grants_in_file"] = grant_file.count
        missing = self._no_longer_in_file()
        counts["no_longer_in_file"] = len(missing)
        organisations = self._organisations()
        self.digest.update(repr(organisations).encode())
        organisation_counts = {
            "by_identifier": len(organisations["by_identifier"]),
            "by_number": len(organisations["by_number"]),
            "by_name": len(organisations["by_name"]),
            "confirmed": sum(1 for row in organisations["by_name"] if row["confirmed"]),
            "new": len(organisations["new"]),
        }
        # The first SHOWN of each list; every match by name, which staff must each confirm.
        for key in ("by_identifier", "by_number", "new"):
            organisations[key] = organisations[key][:SHOWN]
        dataset = planner.dataset
        return {
            "file": {
                "name": grant_file.name,
                "format": grant_file.format,
                "size": grant_file.size,
                "sha256": grant_file.sha256,
                "notes": grant_file.notes + dataset.notes,
            },
            "dataset": {
                "id": dataset.existing.pk if dataset.existing else None,
                "title": dataset.title,
                "publisher_name": dataset.publisher_name,
                "publisher_identifier": dataset.publisher_identifier,
                "source_url": dataset.source_url,
                "licence": dataset.licence,
                "issued": dataset.issued.isoformat() if dataset.issued else None,
                "imported_before": self._imported_before(),
            },
            "selection": planner.choices.selection.described(),
            "workstreams": sorted(planner.workstreams.values()),
            "counts": counts,
            "new": self.new,
            "changed": self.changed,
            "problems": self.problems,
            "notes": self.notes,
            "note_count": self.note_count,
            "organisations": organisations,
            "organisation_counts": organisation_counts,
            "programmes": self._programmes(),
            "fields_not_kept": [
                {"field": field_title(tuple(name.split("/"))), "path": name, "grants": count}
                for name, count in sorted(planner.not_kept.items())
            ],
            "no_longer_in_file": missing[:SHOWN],
            "digest": self.digest.hexdigest(),
        }

    def _no_longer_in_file(self) -> list[str]:
        dataset = self.planner.dataset.existing
        if dataset is None:
            return []
        in_file = set(self.planner.occurrences)
        held = AwardSource.objects.filter(dataset=dataset).values_list(
            "award__identifier", flat=True
        )
        return sorted(identifier for identifier in held if identifier not in in_file)

    def _imported_before(self) -> str:
        earlier = (
            DatasetImport.objects.filter(sha256=self.planner.file.sha256)
            .exclude(pk=getattr(self.current_import, "pk", None))
            .select_related("dataset", "imported_by")
            .first()
        )
        if earlier is None:
            return ""
        who = f" by {earlier.imported_by.get_username()}" if earlier.imported_by else ""
        return (
            f"This very file was imported into “{earlier.dataset}” on "
            f"{earlier.imported_at:%-d %B %Y at %H:%M}{who}."
        )

    def _organisations(self) -> dict:
        found = {"by_identifier": [], "by_number": [], "by_name": [], "new": []}
        seen = set()
        for match in self.planner.directory.matches.values():
            if id(match) in seen:
                continue
            seen.add(id(match))
            row = {
                "identifier": match.party.identifier,
                "name_in_file": match.party.name,
                "grants": match.grants,
            }
            if match.how == matching.NEW:
                region = NationRegion(match.region).label if match.region else ""
                row |= {
                    "name": match.name,
                    "kind": match.kind,
                    "org_id": match.org_id,
                    "region": region,
                }
                found["new"].append(row)
                continue
            row |= {
                "organisation": match.record_name,
                "url": reverse("admin:mmip_organisation_change", args=[match.organisation_id]),
                "gains": match.gains(),
                "confirmed": match.how == matching.BY_NAME_CONFIRMED,
            }
            key = {matching.BY_IDENTIFIER: "by_identifier", matching.BY_NUMBER: "by_number"}
            found[key.get(match.how, "by_name")].append(row)
        for rows in found.values():
            rows.sort(key=lambda row: row["name_in_file"].casefold())
        return found

    def _programmes(self) -> dict:
        found = {"matched": [], "new": []}
        for match in self.planner.programmes.matches.values():
            row = {
                "title": match.title,
                "name": match.name,
                "funder": match.funder.party.name,
                "grants": match.grants,
            }
            found["new" if match.is_new else "matched"].append(row)
        return found


def _fingerprint(plan: GrantPlan) -> str:
    changes = ";".join(f"{change.name}={change.new}" for change in plan.changes)
    return f"{plan.kind}|{plan.facts.identifier}|{changes}|{plan.workstreams_added}\n"


def preview(grant_file: GrantFile, choices: Choices, *, progress=None) -> dict:
    """What importing the file with these choices would do, as JSON. Writes nothing."""
    planner = Planner(grant_file, choices)
    report = Report(planner)
    for plans, problems, skipped, notes, done in planner.batches():
        report.add(plans, problems, skipped, notes)
        if progress:
            progress(done, grant_file.count)
    return report.as_json()
