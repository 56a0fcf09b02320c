"""Staff import and export of funding awards (see mmip/resources.py for what every import
shares). One row per award, keyed by its identifier; organisations and the programme are
named by slug, the earlier award by its identifier, workstreams, milestones and outputs by
their slugs separated by commas; the amount is in pounds and each date is ISO 8601, with
the award date's precision in the column beside it."""

from import_export import fields, widgets

from funding.models import Award, FundingProgramme
from mmip.dates import DatePrecision
from mmip.models import Organisation
from mmip.regions import NationRegion
from mmip.resources import (
    DateWidget,
    KeysWidget,
    KeyWidget,
    PoundsWidget,
    RecordResource,
    YesNoWidget,
    choice,
    text,
)
from workstreams.models import Milestone, Output, Workstream

AWARD_COLUMNS = [
    "identifier", "title", "description", "status", "amount_gbp", "funder", "recipient",
    "routed_through", "programme", "award_date", "award_date_precision", "planned_start",
    "planned_end", "beneficiary_region", "follow_on_of", "workstreams", "milestones", "outputs",
    "source_url", "is_published",
]  # fmt: skip


def organisation(name: str, *, required: bool = False) -> fields.Field:
    widget = KeyWidget(Organisation, noun="organisation", required=required)
    return fields.Field(attribute=name, column_name=name, widget=widget)


def date(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=DateWidget())


def slugs(name: str, model, noun: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=KeysWidget(model, noun=noun))


class AwardResource(RecordResource):
    identifier = fields.Field(
        attribute="identifier", column_name="identifier", widget=widgets.CharWidget()
    )
    title = text("title")
    description = text("description")
    status = choice("status", Award.Status.choices)
    amount_gbp = fields.Field(attribute="amount", column_name="amount_gbp", widget=PoundsWidget())
    funder = organisation("funder", required=True)
    recipient = organisation("recipient", required=True)
    routed_through = organisation("routed_through")
    programme = fields.Field(
        attribute="programme",
        column_name="programme",
        widget=KeyWidget(FundingProgramme, noun="funding programme"),
    )
    award_date = date("award_date")
    award_date_precision = choice("award_date_precision", DatePrecision.choices)
    planned_start = date("planned_start")
    planned_end = date("planned_end")
    beneficiary_region = choice("beneficiary_region", NationRegion.choices)
    follow_on_of = fields.Field(
        attribute="follow_on_of",
        column_name="follow_on_of",
        widget=KeyWidget(Award, "identifier", noun="award"),
    )
    workstreams = slugs("workstreams", Workstream, "workstream")
    milestones = slugs("milestones", Milestone, "milestone")
    outputs = slugs("outputs", Output, "output")
    source_url = text("source_url")
    is_published = fields.Field(
        attribute="is_published", column_name="is_published", widget=YesNoWidget()
    )

    listed_after = "follow_on_of"
    export_select_related = ("funder", "recipient", "routed_through", "programme", "follow_on_of")
    export_prefetch_related = ("workstreams", "milestones", "outputs")

    class Meta(RecordResource.Meta):
        model = Award
        import_id_fields = ["identifier"]
        fields = AWARD_COLUMNS
        export_order = AWARD_COLUMNS
