"""The writes of an import, a thousand grants at a time, inside the one transaction of
imports/services.py: new organisations and programmes, new awards, the fields the funder
changed, workstreams added, and what each award and organisation knows of its dataset.
Every record written gets a history entry "import of <dataset>" naming who ran it."""

import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from funding.models import Award, FundingProgramme
from imports import matching
from imports.models import (
    AwardSource,
    Dataset,
    DatasetImport,
    OrganisationIdentifier,
    OrganisationSource,
)
from imports.planning import CHANGED, COMPARED, NEW, GrantPlan, Planner
from mmip.models import Organisation
from mmip.services import record_baselines, record_history
from mmip.standards import PUBLISHER_SCHEME, org_id_scheme


class WriteRefused(Exception):
    """A record the import would write breaks a rule of the record: nothing is written."""


def reason_for(dataset: Dataset) -> str:
    return f"import of {dataset}"[:100]


class Writer:
    def __init__(self, planner: Planner, *, user):
        self.new_dataset = False
        self.planner = planner
        self.user = user
        self.publish = planner.choices.publish
        self.dataset = self._dataset()
        self.reason = reason_for(self.dataset)
        self.run = DatasetImport.objects.create(
            dataset=self.dataset,
            file_name=planner.file.name[:255],
            file_format=planner.file.format,
            sha256=planner.file.sha256,
            issued=planner.dataset.issued,
            selection=planner.choices.selection.as_json(),
            imported_by=user,
            organisations_new=0,
            organisations_matched=0,
            **dict.fromkeys(COUNTS, 0),
        )
        latest = (
            self.dataset.imports.exclude(pk=self.run.pk).order_by("-imported_at", "-pk").first()
        )
        self.same_file_as_last = latest is not None and latest.sha256 == self.run.sha256
        self.organisation_sources = {
            source.organisation_id: source
            for source in OrganisationSource.objects.filter(dataset=self.dataset)
        }
        self.handled: set[int] = set()  # the organisation matches written so far, by id()
        self.wrote = False  # anything besides the dataset and this file's record

    def _dataset(self) -> Dataset:
        details = self.planner.dataset
        dataset = details.existing
        if dataset is None:
            dataset = Dataset(
                title=details.title[:300],
                publisher_name=details.publisher_name[:200],
                publisher_identifier=details.publisher_identifier,
                source_url=details.source_url,
                licence=details.licence,
                issued=details.issued,
            )
            _checked(dataset, f"The dataset “{details.title}”")
            # Its history entry is written when the import is done (finish()).
            dataset.skip_history_when_saving = True
            dataset.save()
        self.new_dataset = details.existing is None
        return dataset

    def write(self, plans: list[GrantPlan]) -> None:
        self._organisations(plans)
        self._programmes(plans)
        self._new_awards([plan for plan in plans if plan.kind == NEW])
        self._changed_awards([plan for plan in plans if plan.kind == CHANGED])
        self._award_sources([plan for plan in plans if plan.kind != NEW])

    # Organisations ------------------------------------------------------------------------

    def _organisations(self, plans: list[GrantPlan]) -> None:
        waiting = {}
        for plan in plans:
            for match in (plan.funder, plan.recipient, plan.routed_through):
                if match is not None and id(match) not in self.handled:
                    waiting[id(match)] = match
        if not waiting:
            return
        self.handled.update(waiting)
        matches = list(waiting.values())
        new = [match for match in matches if match.organisation_id is None]
        made = [
            Organisation(
                name=match.name,
                slug=match.slug,
                kind=match.kind,
                org_id=match.org_id,
                nation_region=match.region,
                website=match.party.website,
                is_published=self.publish,
            )
            for match in new
        ]
        for organisation in made:
            # Its clean() asks the database whether the org-id is taken: the plan has made
            # sure it is not, and the unique constraint stands behind it.
            _checked(
                organisation,
                f"The organisation “{organisation.name}”",
                exclude=["parent"],
                clean=False,
            )
        Organisation.objects.bulk_create(made)
        for match, organisation in zip(new, made, strict=True):
            match.organisation_id = organisation.pk
        record_history(made, user=self.user, created=True, reason=self.reason)
        self._gains([m for m in matches if m.how != matching.NEW and (m.org_id or m.region)])
        OrganisationIdentifier.objects.bulk_create(
            OrganisationIdentifier(
                organisation_id=match.organisation_id,
                identifier=identifier,
                scheme=org_id_scheme(identifier) or PUBLISHER_SCHEME,
                dataset=self.dataset,
            )
            for match in matches
            for identifier in match.identifiers
        )
        self._organisation_sources(matches)
        self.wrote = self.wrote or bool(made) or any(m.identifiers for m in matches)

    def _gains(self, matches: list) -> None:
        """Matched organisations take the org-id and region they lacked."""
        if not matches:
            return
        record_baselines(Organisation.objects.filter(pk__in=[m.organisation_id for m in matches]))
        found = Organisation.objects.in_bulk([m.organisation_id for m in matches])
        changed = []
        for match in matches:
            organisation = found[match.organisation_id]
            organisation.org_id = organisation.org_id or match.org_id
            organisation.nation_region = organisation.nation_region or match.region
            changed.append(organisation)
        Organisation.objects.bulk_update(changed, ["org_id", "nation_region"])
        record_history(changed, user=self.user, reason=self.reason)
        self.wrote = True

    def _organisation_sources(self, matches: list) -> None:
        new, seen = [], []
        for match in matches:
            source = self.organisation_sources.get(match.organisation_id)
            if source is None:
                source = OrganisationSource(
                    dataset=self.dataset,
                    organisation_id=match.organisation_id,
                    identifier=match.party.identifier,
                    name=match.party.name[:300],
                    first_import=self.run,
                    last_import=self.run,
                )
                self.organisation_sources[match.organisation_id] = source
                new.append(source)
            elif source.last_import_id != self.run.pk:
                source.last_import = self.run
                seen.append(source)
        OrganisationSource.objects.bulk_create(new)
        OrganisationSource.objects.bulk_update(seen, ["last_import"])

    # Programmes and awards ----------------------------------------------------------------

    def _programmes(self, plans: list[GrantPlan]) -> None:
        new = {
            id(plan.programme): plan.programme
            for plan in plans
            if plan.programme is not None and plan.programme.programme_id is None
        }
        made = [
            FundingProgramme(
                name=match.name,
                slug=match.slug,
                funder_id=match.funder.organisation_id,
                is_published=self.publish,
            )
            for match in new.values()
        ]
        FundingProgramme.objects.bulk_create(made)
        for match, programme in zip(new.values(), made, strict=True):
            match.programme_id = programme.pk
        record_history(made, user=self.user, created=True, reason=self.reason)
        self.wrote = self.wrote or bool(made)

    def _new_awards(self, plans: list[GrantPlan]) -> None:
        if not plans:
            return
        awards = []
        for plan in plans:
            facts = plan.facts
            award = Award(
                identifier=facts.identifier,
                title=facts.title,
                description=facts.description,
                funder_id=plan.funder.organisation_id,
                recipient_id=plan.recipient.organisation_id,
                routed_through_id=plan.routed_through.organisation_id
                if plan.routed_through
                else None,
                amount=facts.amount,
                award_date=facts.award_date,
                award_date_precision=facts.award_date_precision,
                planned_start=facts.planned_start,
                planned_end=facts.planned_end,
                programme_id=plan.programme.programme_id if plan.programme else None,
                source_url=facts.source_url,
                beneficiary_region=facts.beneficiary_region,
                is_published=self.publish,
            )
            # Its rules, not its fields' checks: normalise.py made each field what the record
            # takes (text lengths, web addresses, pounds and pence), the columns and
            # constraints hold them again, and checking them here a second time cost a
            # sixth of the import's time.
            _checked(award, f"The grant {facts.identifier}", fields=False)
            awards.append(award)
        Award.objects.bulk_create(awards)
        self._add_workstreams(zip(awards, plans, strict=True))
        record_history(awards, user=self.user, created=True, reason=self.reason)
        self._copy_award_sources(
            (award.pk, plan.facts.upstream()) for award, plan in zip(awards, plans, strict=True)
        )
        self.wrote = True

    def _copy_award_sources(self, rows) -> None:
        """New awards' AwardSource rows by PostgreSQL's COPY. bulk_create escaped each
        award's values as JSON inside an array, in Python, a sixth of an import's time; COPY
        takes the rows as they are, and the table's constraints and triggers hold as for
        any insert."""
        table = AwardSource._meta.db_table
        columns = "dataset_id, award_id, imported_values, first_import_id, last_import_id"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for award_id, values in rows:
                copy.write_row(
                    (self.dataset.pk, award_id, json.dumps(values), self.run.pk, self.run.pk)
                )

    def _changed_awards(self, plans: list[GrantPlan]) -> None:
        if not plans:
            return
        # Whole, for their history entries, and locked until the import commits; each must
        # still be as the plan read it, or somebody's edit would be undone unseen.
        awards = Award.objects.select_for_update(no_key=True).in_bulk(
            [plan.award.pk for plan in plans]
        )
        for plan in plans:
            award = awards.get(plan.award.pk)
            if award is None or any(
                getattr(award, column) != getattr(plan.award, column) for column in COMPARED
            ):
                raise WriteRefused(
                    f"The award {plan.facts.identifier} was changed or deleted by someone while "
                    "the import ran. Preview the file again."
                )
        record_baselines(Award.objects.filter(pk__in=list(awards)))
        fields = set()
        for plan in plans:
            plan.award = awards[plan.award.pk]
            for change in plan.changes:
                setattr(plan.award, _attribute(change.name), _stored(change.value))
                fields.add(_attribute(change.name))
            _checked(plan.award, f"The grant {plan.facts.identifier}", fields=False)
        if fields:
            Award.objects.bulk_update([plan.award for plan in plans], sorted(fields))
        self._add_workstreams((plan.award, plan) for plan in plans)
        record_history([plan.award for plan in plans], user=self.user, reason=self.reason)
        self.wrote = True

    def _add_workstreams(self, pairs) -> None:
        through = Award.workstreams.through
        through.objects.bulk_create(
            [
                through(award_id=award.pk, workstream_id=workstream)
                for award, plan in pairs
                for workstream in plan.workstreams_added
            ],
            ignore_conflicts=True,
        )

    def _award_sources(self, plans: list[GrantPlan]) -> None:
        """Each award seen again remembers what the file now says of it, and this file.
        Most say what they said last time: they are all moved to this file in one UPDATE,
        and only those the funder changed are written row by row."""
        new, changed, seen = [], [], []
        for plan in plans:
            upstream = plan.facts.upstream()
            if plan.source is None:
                new.append(
                    AwardSource(
                        dataset=self.dataset,
                        award_id=plan.award.pk,
                        imported_values=upstream,
                        first_import=self.run,
                        last_import=self.run,
                    )
                )
            elif plan.source.imported_values != upstream:
                changed.append(
                    AwardSource(pk=plan.source.pk, imported_values=upstream, last_import=self.run)
                )
            else:
                seen.append(plan.source.pk)
        AwardSource.objects.bulk_create(new)
        AwardSource.objects.bulk_update(changed, ["imported_values", "last_import"])
        if not self.same_file_as_last:
            # The same file as the last import held them already: that import says so.
            AwardSource.objects.filter(pk__in=seen).update(last_import=self.run)
        self.wrote = self.wrote or bool(new) or bool(changed)

    def finish(self, counts: dict, organisations: dict) -> DatasetImport:
        self.run.grants_in_file = counts["grants_in_file"]
        for name in COUNTS[1:]:
            setattr(self.run, name, counts.get(name, 0))
        self.run.organisations_new = organisations["new"]
        self.run.organisations_matched = (
            organisations["by_identifier"] + organisations["by_number"] + organisations["confirmed"]
        )
        self.run.full_clean(exclude=["dataset", "imported_by"])
        self.run.save()
        details = self.planner.dataset
        self.dataset.issued = details.issued or self.dataset.issued
        self.dataset.licence = self.dataset.licence or details.licence
        self.dataset.last_imported_at = timezone.now()
        self.dataset.skip_history_when_saving = True
        self.dataset.save()
        del self.dataset.skip_history_when_saving
        record_history([self.dataset], user=self.user, created=self.new_dataset, reason=self.reason)
        return self.run


COUNTS = [
    "grants_in_file",
    "new",
    "changed",
    "unchanged",
    "skipped",
    "with_problems",
    "no_longer_in_file",
]


def _attribute(name: str) -> str:
    return f"{name}_id" if name in ("funder", "recipient", "routed_through", "programme") else name


def _stored(value):
    if isinstance(value, matching.OrganisationMatch):
        return value.organisation_id
    if isinstance(value, matching.ProgrammeMatch):
        return value.programme_id
    return value


def _checked(record, what: str, exclude=(), clean: bool = True, fields: bool = True) -> None:
    """The record's own rules (its fields and clean()), which the plan already applied:
    should one still fail, the whole import stops and says which record and why."""
    try:
        if fields:
            record.clean_fields(exclude=list(exclude))
        if clean:
            record.clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise WriteRefused(f"{what} breaks a rule of the record ({problems}).") from None
