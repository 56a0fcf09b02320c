"""The demo fixtures: every fact of the two seed documents, typed, and loadable twice."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import ApprenticeshipProgramme, Cohort, LearningResource, TrainingCentre
from tracking.models import Commitment, ProgressUpdate, ReportingRound, StatusChange, WorkstreamRole
from workstreams.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))
RECORD_APPS = ("mmip", "workstreams", "funding", "skills", "tracking")


def load(*paths):
    call_command("loaddata", *[str(path) for path in paths], verbosity=0)


def record_models():
    # Auto-created M2M tables count too: a second load must not add links either.
    for label in RECORD_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in record_models()}


def dump() -> str:
    # dumpdata orders by primary key, so equal dumps mean the same rows with the same values.
    out = io.StringIO()
    call_command("dumpdata", *RECORD_APPS, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    load(*FIXTURES)


def test_fixtures_load_in_numbered_order():
    assert [path.name[:3] for path in FIXTURES] == ["01_", "02_", "03_", "04_", "05_"]


def test_no_fixture_entry_has_a_primary_key():
    for path in FIXTURES:
        for entry in json.loads(path.read_text(encoding="utf-8")):
            assert "pk" not in entry, f"{path.name}: {entry['model']} {entry['fields']}"


def test_every_publishable_record_is_published(loaded):
    for model in record_models():
        if any(field.name == "is_published" for field in model._meta.fields):
            assert not model._default_manager.filter(is_published=False).exists(), model


def test_loading_twice_changes_no_row_and_no_value(loaded):
    counts, before = row_counts(), dump()
    load(*FIXTURES)
    assert row_counts() == counts
    assert dump() == before


def test_reloading_restores_an_edited_record_in_place(loaded):
    award = Award.objects.get(identifier="360G-MMIP-2018-ATMA")
    Award.objects.filter(pk=award.pk).update(title="Edited by hand")
    load(*FIXTURES)
    assert Award.objects.get(pk=award.pk).title == "Advanced Therapy Manufacturing Apprenticeships"


def test_every_loaded_record_passes_full_clean(loaded):
    for model in record_models():
        if model._meta.auto_created:
            continue
        for obj in model._default_manager.all():
            obj.full_clean()


def test_the_organisations_the_seeds_name(loaded):
    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds == {
        "Medicines Manufacturing Industry Partnership": "network",
        "Medicines and Healthcare products Regulatory Agency": "public-body",
        "MHRA Innovation Office": "public-body",
        "BioIndustry Association": "trade-association",
        "Association of the British Pharmaceutical Industry": "trade-association",
        "Science Industry Partnership": "network",
        "Office for Life Sciences": "government-department",
        "Cell and Gene Therapy Catapult": "catapult-rto",
        "Gatsby Foundation": "charity-foundation",
        "Innovate UK": "funder",
        "Department for Business, Energy and Industrial Strategy": "government-department",
        "UK Research and Innovation": "funder",
        "National Horizons Centre": "training-provider",
        "RoslinCT": "company",
        "University of Birmingham": "university",
        "GSK": "company",
        "Institute for Apprenticeships": "public-body",
        "Knowledge Transfer Network": "network",
        "Advanced Therapies Apprenticeship Community": "network",
    }
    assert Organisation.objects.get(short_name="MHRA").slug == "mhra"
    assert Organisation.objects.get(slug="mhra-innovation-office").parent.short_name == "MHRA"
    assert Organisation.objects.get(slug="innovate-uk").parent.short_name == "UKRI"


def test_facts_from_beyond_the_seeds_carry_their_source(loaded):
    for organisation in Organisation.objects.exclude(website="", parent=None):
        assert organisation.source_url, organisation
    for centre in TrainingCentre.objects.exclude(place="", nation_region=""):
        assert centre.source_url, centre
    assert not Organisation.objects.exclude(org_id="").exists()


def test_six_workstreams_in_page_order_one_overarching(loaded):
    assert list(Workstream.objects.values_list("name", flat=True)) == [
        "Regulatory Environment",
        "Skills",
        "Fiscal Environment",
        "Technology and Innovation",
        "Advanced Therapies Manufacturing",
        "Communications and Community",
    ]
    assert list(Workstream.objects.filter(is_overarching=True).values_list("slug", flat=True)) == [
        "communications-and-community"
    ]


def test_partners_by_workstream_and_role(loaded):
    def partners(workstream, role):
        return set(
            Partnership.objects.filter(workstream__slug=workstream, role=role).values_list(
                "organisation__slug", flat=True
            )
        )

    assert partners("regulatory-environment", "partner") == {"mhra", "mhra-innovation-office"}
    assert partners("skills", "partner") == {"bia", "abpi", "science-industry-partnership", "ols"}
    assert partners("advanced-therapies-manufacturing", "delivery-partner") == {
        "cell-and-gene-therapy-catapult"
    }
    assert {"gatsby-foundation", "innovate-uk"} <= partners(
        "advanced-therapies-manufacturing", "funder"
    )


def test_initiatives_with_their_dates_and_status(loaded):
    assert Initiative.objects.count() == 10
    taskforce = Initiative.objects.get(slug="advanced-therapies-manufacturing-taskforce")
    assert (taskforce.start_display, taskforce.status) == ("2016", "ongoing")
    assert taskforce.workstream.slug == "advanced-therapies-manufacturing"
    strategy = Initiative.objects.get(name="Life Sciences 2030 Skills Strategy")
    assert strategy.start_date == datetime.date(2020, 1, 1)
    assert strategy.start_precision == "year"
    roadmap = Initiative.objects.get(slug="technology-and-innovation-roadmap")
    assert "second half of 2020" in roadmap.description
    assert "five 'grand challenges'" in roadmap.description
    platform = Initiative.objects.get(name="Online Training Platform")
    assert platform.part_of.name == "Advanced Therapies Skills Training Network"
    community = Initiative.objects.get(name="Medicines Manufacturing Challenge Community")
    assert list(community.organisations.values_list("short_name", flat=True)) == ["KTN"]


def test_milestones_print_their_dates_at_the_seed_precision(loaded):
    def shown(slug):
        return Milestone.objects.get(slug=slug).date_display

    assert shown("advanced-therapies-manufacturing-taskforce-set-up") == "2016"
    assert shown("medicines-manufacturing-impact-report-released") == "14 October 2021"
    event = Milestone.objects.get(slug="at-manufacturing-apprenticeship-event-naw18")
    assert (event.kind, event.place, event.date_display) == ("event", "GSK Stevenage", "2018")
    assert event.output.title == "Apprenticeship Guideline booklet"
    transition = Milestone.objects.get(slug="taskforce-transition-to-business-as-usual")
    assert (transition.kind, transition.date_display) == ("transition", "2017")
    assert Milestone.objects.count() == 11
    assert set(Milestone.objects.filter(workstream=None).values_list("slug", flat=True)) == {
        "medicines-manufacturing-challenge-established",
        "medicines-manufacturing-impact-report-released",
    }


def test_plan_and_delivery_only_where_the_seeds_say(loaded):
    # Done, at the year the seeds give: the Taskforce's move to business as usual (2017),
    # the apprenticeships' 2018 investment and the follow-on that began when it ended in
    # 2021, and the Roadmap developed in the second half of 2020 (a year is as precise as a
    # date may be). Nothing planned, forecast or rated: the seeds give no plan.
    done = {
        ("milestone", "taskforce-transition-to-business-as-usual"): "2017",
        ("milestone", "innovate-uk-announces-1-5m-for-at-manufacturing-apprenticeships"): "2018",
        ("milestone", "cell-and-gene-therapy-catapult-receives-0-5m-follow-on-funding"): "2021",
        ("milestone", "technology-and-innovation-roadmap-developed"): "2020",
        ("initiative", "technology-and-innovation-roadmap"): "2020",
    }
    tracked = {}
    for model in (Milestone, Initiative):
        for record in model.objects.exclude(delivery_status=""):
            tracked[(model.__name__.lower(), record.slug)] = (
                record.delivery_status,
                record.actual_display,
            )
            assert (record.planned_date, record.forecast_date, record.rating) == (None, None, "")
    assert tracked == {key: ("done", year) for key, year in done.items()}
    for model in (Milestone, Initiative):
        untracked = model.objects.filter(delivery_status="")
        assert not untracked.exclude(actual_date=None).exists()
        assert not untracked.exclude(rating="").exists()


def test_outputs_with_kind_and_date_or_none(loaded):
    assert Output.objects.count() == 13
    report = Output.objects.get(title="Medicines Manufacturing Impact Report")
    assert (report.kind, report.date_display, report.contact) == (
        "report",
        "14 October 2021",
        "Karen Wilkinson",
    )
    assert set(report.publishers.values_list("short_name", flat=True)) == {"KTN", "UKRI"}
    demand = Output.objects.get(title="Cell and Gene Therapy Catapult 2019 skills demand report")
    assert demand.date_display == "2019"
    action_plan = Output.objects.get(title="Advanced Therapies Manufacturing Taskforce Action Plan")
    assert (action_plan.kind, action_plan.date) == ("action-plan", None)
    assert set(
        Output.objects.filter(workstreams__slug="fiscal-environment").values_list("kind", flat=True)
    ) == {
        "briefing-paper",
        "position-paper",
    }


def test_indicator_values_print_as_the_seeds_give_them(loaded):
    def value(indicator_slug):
        return IndicatorValue.objects.select_related("indicator").get(
            indicator__slug=indicator_slug
        )

    apprentices = value("apprentices-benefiting-from-advanced-therapies-apprenticeships")
    assert (apprentices.value, apprentices.qualifier) == (Decimal("150.00"), "over")
    assert (apprentices.display, apprentices.date_display) == ("over 150", "2021")
    assert value("organisations-in-advanced-therapies-apprenticeships").display == "over 40"
    jobs = value("life-sciences-sector-jobs-projected")
    assert (jobs.display, jobs.is_projection, jobs.period) == (
        "about 133,000",
        True,
        "over the next ten years",
    )
    invested = value("investment-in-the-medicines-manufacturing-challenge")
    assert (invested.display, invested.date_display) == ("£255 million", "July 2021")
    assert invested.value == Decimal("255000000.00")
    assert all(v.source_title for v in IndicatorValue.objects.all())
    assert Indicator.objects.count() == 4


def test_the_three_awards(loaded):
    amounts = dict(Award.objects.values_list("identifier", "amount"))
    assert amounts == {
        "360G-MMIP-2018-ATMA": Decimal("1500000.00"),
        "360G-MMIP-2021-ATMA-FOLLOW-ON": Decimal("500000.00"),
        "360G-MMIP-2020-ATSTN": Decimal("4700000.00"),
    }
    follow_on = Award.objects.get(identifier="360G-MMIP-2021-ATMA-FOLLOW-ON")
    assert follow_on.follow_on_of.identifier == "360G-MMIP-2018-ATMA"
    assert (follow_on.funder.slug, follow_on.recipient.slug) == (
        "innovate-uk",
        "cell-and-gene-therapy-catapult",
    )
    skills_money = Award.objects.get(identifier="360G-MMIP-2020-ATSTN")
    assert (skills_money.funder.short_name, skills_money.routed_through.short_name) == (
        "BEIS",
        "UKRI",
    )
    assert skills_money.award_date_display == "2020"
    assert Award.objects.get(identifier="360G-MMIP-2018-ATMA").status == "closed"
    for award in Award.objects.all():
        assert award.planned_start is None and award.planned_end is None
        assert set(award.workstreams.values_list("slug", flat=True)) == {
            "advanced-therapies-manufacturing",
            "skills",
        }
        assert award.milestones.filter(kind="funding").count() == 1


def test_the_medicines_manufacturing_challenge(loaded):
    challenge = FundingProgramme.objects.get(name="Medicines Manufacturing Challenge")
    assert (challenge.funder.short_name, challenge.established_display) == ("UKRI", "2017")


def test_the_apprenticeship_programme_and_training_network(loaded):
    programme = ApprenticeshipProgramme.objects.get(
        name="Advanced Therapy Manufacturing Apprenticeships"
    )
    assert programme.lead.name == "Cell and Gene Therapy Catapult"
    assert list(programme.community_organisations.values_list("short_name", flat=True)) == ["ATAC"]
    assert set(programme.awards.values_list("identifier", flat=True)) == {
        "360G-MMIP-2018-ATMA",
        "360G-MMIP-2021-ATMA-FOLLOW-ON",
    }
    assert programme.indicators.count() == 2
    centres = TrainingCentre.objects.filter(
        network__name="Advanced Therapies Skills Training Network"
    )
    assert set(centres.values_list("organisation__name", flat=True)) == {
        "National Horizons Centre",
        "RoslinCT",
        "University of Birmingham",
    }
    assert {centre.date_added_display for centre in centres} == {"2020"}
    # The seeds give programme-wide figures only: no invented cohorts or resources.
    assert not Cohort.objects.exists()
    assert not LearningResource.objects.exists()


def test_the_commitment_the_seeds_name_with_only_what_they_say(loaded):
    commitment = Commitment.objects.get()
    assert (commitment.title, commitment.workstream.slug) == (
        "An end-to-end talent plan for the sector",
        "advanced-therapies-manufacturing",
    )
    assert commitment.description.startswith(
        "The creation and implementation of an end-to-end talent plan for the sector"
    )
    assert (commitment.source.title, commitment.source_reference) == (
        "Advanced Therapies Manufacturing Taskforce Action Plan",
        "A recommendation of the Action Plan",
    )
    # The seeds report the work under way (apprentices "now benefiting", funding "to
    # continue growing apprenticeships") and give no due date, owner or rating.
    assert commitment.status == "in-progress"
    assert (commitment.due_date, commitment.rating, commitment.rating_reason) == (None, "", "")
    assert not commitment.owners.exists()
    assert set(commitment.evidence_awards.values_list("identifier", flat=True)) == {
        "360G-MMIP-2018-ATMA",
        "360G-MMIP-2021-ATMA-FOLLOW-ON",
    }
    assert set(commitment.evidence_milestones.values_list("slug", flat=True)) == {
        "gatsby-foundation-funds-technician-workforce-work",
        "at-manufacturing-apprenticeship-event-naw18",
        "innovate-uk-announces-1-5m-for-at-manufacturing-apprenticeships",
        "cell-and-gene-therapy-catapult-receives-0-5m-follow-on-funding",
    }
    assert set(commitment.evidence_outputs.values_list("title", flat=True)) == {
        "Report from the Gatsby Foundation funded technician workforce work",
        "Advanced Therapies Manufacturing Apprenticeships blog",
        "Apprenticeship Guideline booklet",
        "Cell and Gene Therapy Catapult press release",
    }
    assert set(commitment.evidence_initiatives.values_list("slug", flat=True)) == {
        "technician-workforce-investigation",
        "advanced-therapy-manufacturing-apprenticeships",
    }
    assert list(Commitment.objects.public()) == [commitment]
    assert not commitment.is_late
    # Updates, their review, status changes, rounds and roles are the staff's to make.
    for model in (ProgressUpdate, StatusChange, ReportingRound, WorkstreamRole):
        assert not model.objects.exists(), model


BAD_AWARD = {
    "identifier": "360G-MMIP-BAD",
    "title": "Bad award",
    "description": "Should never load.",
    "funder": ["innovate-uk"],
    "recipient": ["cell-and-gene-therapy-catapult"],
    "amount": "100.00",
    "award_date": "2019-01-01",
    "award_date_precision": "year",
}


@pytest.mark.parametrize(
    ("bad_fields", "constraint"),
    [
        pytest.param({"amount": "-5.00"}, "award_amount_positive", id="negative-amount"),
        pytest.param(
            {"award_date": "2019-06-14"},
            "award_date_matches_precision",
            id="day-in-a-year-precision-date",
        ),
    ],
)
def test_a_bad_fixture_fails_and_leaves_the_database_unchanged(
    loaded, tmp_path, bad_fields, constraint
):
    # A valid record first, so the test shows the whole file rolls back, not just the bad row.
    entries = [
        {
            "model": "mmip.organisation",
            "fields": {
                "slug": "loaded-then-undone",
                "name": "Loaded then undone",
                "kind": "company",
            },
        },
        {"model": "funding.award", "fields": {**BAD_AWARD, **bad_fields}},
    ]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(entries), encoding="utf-8")
    counts, before = row_counts(), dump()
    with pytest.raises(IntegrityError, match=constraint):
        load(bad)
    assert row_counts() == counts
    assert dump() == before
    assert not Organisation.objects.filter(slug="loaded-then-undone").exists()
