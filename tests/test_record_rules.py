"""Every rule of the record holds twice: as a named database constraint, and in clean() with
a message a member of staff understands."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from mmip.dates import format_date
from skills.models import CohortEmployer
from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_violates(constraint_name: str, create):
    """The write is refused by the named constraint, and the transaction stays usable."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    assert constraint_name in str(caught.value)


def assert_clean_message(instance, field: str, words: str):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    messages = caught.value.message_dict.get(field, [])
    assert any(words in message for message in messages), caught.value.message_dict


# Organisation ---------------------------------------------------------------------------


def test_organisation_names_are_unique():
    f.OrganisationFactory(name="KTN")
    assert_violates("organisation_name_unique", lambda: f.OrganisationFactory(name="KTN"))


@pytest.mark.parametrize(
    ("org_id", "words"),
    [
        ("GB-XYZ-1234567", "“GB-XYZ” is not a list of the org-id register"),
        ("XX-COH-1234567", "“XX-COH” is not a list of the org-id register"),
        ("GB-GOVUK-department-of-health", "no longer uses the list GB-GOVUK"),
    ],
)
def test_an_org_id_must_start_with_a_current_list_of_the_register(org_id, words):
    """Not a database constraint: the register adds and retires lists without a migration
    here (docs/standards/org-id/lists.json), so the form checks it, and the imports (which
    keep such an identifier aside, tests/test_import_normalise.py)."""
    assert_clean_message(f.OrganisationFactory.build(org_id=org_id), "org_id", words)


@pytest.mark.parametrize(
    "org_id", ["GB-COH-07964711", "GB-CHC-1234567", "GB-SC-SC012345", "GB-NIC-100002", "GB-GOR-D1"]
)
def test_an_org_id_of_a_current_list_is_taken(org_id):
    f.OrganisationFactory.build(org_id=org_id).full_clean()


def test_organisation_identifier_must_be_in_org_id_form():
    assert_violates("organisation_org_id_format", lambda: f.OrganisationFactory(org_id="12345"))
    assert_clean_message(f.OrganisationFactory.build(org_id="12345"), "org_id", "org-id.guide form")


def test_organisation_identifier_is_unique_only_when_present():
    f.OrganisationFactory(org_id="")
    f.OrganisationFactory(org_id="")  # many organisations have none
    f.OrganisationFactory(org_id="GB-COH-07964711")
    assert_violates(
        "organisation_org_id_unique_when_present",
        lambda: f.OrganisationFactory(org_id="GB-COH-07964711"),
    )
    assert_clean_message(
        f.OrganisationFactory.build(org_id="GB-COH-07964711"), "org_id", "already has"
    )


def test_organisation_cannot_be_its_own_parent():
    org = f.OrganisationFactory()
    org.parent = org
    assert_violates("organisation_not_its_own_parent", org.save)
    assert_clean_message(org, "parent", "cannot be part of itself")


def test_organisation_cannot_be_part_of_its_own_part():
    parent = f.OrganisationFactory()
    child = f.OrganisationFactory(parent=parent)
    parent.parent = child
    assert_clean_message(parent, "parent", "part of itself")


# Dates and their precision ------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "day", "words"),
    [("year", datetime.date(2016, 3, 1), "1 January"), ("month", datetime.date(2021, 7, 9), "1st")],
)
def test_a_date_cannot_claim_more_than_its_precision(precision, day, words):
    assert_violates(
        "milestone_date_matches_precision",
        lambda: f.MilestoneFactory(date=day, date_precision=precision),
    )
    assert_clean_message(
        f.MilestoneFactory.build(
            date=day, date_precision=precision, workstream=f.WorkstreamFactory()
        ),
        "date",
        words,
    )


@pytest.mark.parametrize(
    ("date", "precision", "printed"),
    [
        (datetime.date(2016, 1, 1), "year", "2016"),
        (datetime.date(2021, 7, 1), "month", "July 2021"),
        (datetime.date(2021, 10, 14), "day", "14 October 2021"),
    ],
)
def test_dates_print_at_their_precision(date, precision, printed):
    milestone = f.MilestoneFactory(date=date, date_precision=precision)
    assert milestone.date_display == printed


def test_initiative_cannot_end_before_it_starts():
    build = {
        "start_date": datetime.date(2021, 1, 1),
        "start_precision": "year",
        "end_date": datetime.date(2020, 1, 1),
        "end_precision": "year",
    }
    assert_violates("initiative_ends_after_it_starts", lambda: f.InitiativeFactory(**build))
    assert_clean_message(
        f.InitiativeFactory.build(workstream=f.WorkstreamFactory(), **build),
        "end_date",
        "cannot be before the start",
    )


# Workstreams and their work -----------------------------------------------------------


def test_an_organisation_has_one_of_each_role_in_a_workstream():
    partnership = f.PartnershipFactory(role="lead")
    assert_violates(
        "partnership_unique_role",
        lambda: f.PartnershipFactory(
            workstream=partnership.workstream, organisation=partnership.organisation, role="lead"
        ),
    )
    f.PartnershipFactory(
        workstream=partnership.workstream, organisation=partnership.organisation, role="funder"
    )


def test_milestone_initiative_must_belong_to_the_same_workstream():
    initiative = f.InitiativeFactory()
    milestone = f.MilestoneFactory.build(workstream=f.WorkstreamFactory(), initiative=initiative)
    assert_clean_message(milestone, "initiative", "different workstream")


def test_indicator_values_are_not_negative_and_one_per_date():
    value = f.IndicatorValueFactory(date=datetime.date(2021, 1, 1))
    assert_violates(
        "indicator_value_not_negative",
        lambda: f.IndicatorValueFactory(value=Decimal("-1"), indicator=value.indicator),
    )
    assert_violates(
        "indicator_value_one_per_date",
        lambda: f.IndicatorValueFactory(indicator=value.indicator, date=value.date),
    )
    # A projection for the same date is a different figure.
    f.IndicatorValueFactory(indicator=value.indicator, date=value.date, is_projection=True)
    assert_clean_message(
        f.IndicatorValueFactory.build(value=Decimal("-1"), indicator=value.indicator),
        "value",
        "cannot be negative",
    )


@pytest.mark.parametrize(
    ("value", "qualifier", "unit", "printed"),
    [
        (Decimal("150"), "over", "people", "over 150"),
        (Decimal("133000"), "about", "jobs", "about 133,000"),
        (Decimal("255000000"), "exact", "gbp", "£255 million"),
    ],
)
def test_figures_print_with_their_qualifier(value, qualifier, unit, printed):
    indicator_value = f.IndicatorValueFactory(
        value=value, qualifier=qualifier, indicator=f.IndicatorFactory(unit=unit)
    )
    assert indicator_value.display == printed


def test_indicator_target_is_positive():
    assert_violates("indicator_target_positive", lambda: f.IndicatorFactory(target=0))
    assert_clean_message(f.IndicatorFactory.build(target=0), "target", "more than zero")


# Funding ------------------------------------------------------------------------------


def test_award_amount_must_be_positive():
    assert_violates("award_amount_positive", lambda: f.AwardFactory(amount=Decimal("0")))
    assert_clean_message(f.AwardFactory.build(amount=Decimal("-5")), "amount", "more than £0")


def test_award_identifier_takes_the_360giving_form():
    assert_violates("award_identifier_format", lambda: f.AwardFactory(identifier="GRANT-1"))
    assert_clean_message(
        f.AwardFactory.build(identifier="GRANT-1"), "identifier", "must start 360G-"
    )


@pytest.mark.parametrize(
    "identifier",
    ["360G-MMIP-2018-ATMA", "360G-UKRI-10002036", "360G-Wellcome-215678/Z/19/Z", "360G-x_y.2"],
)
def test_award_identifiers_of_other_publishers_are_kept(identifier):
    f.AwardFactory(identifier=identifier).full_clean()


@pytest.mark.parametrize(
    "identifier", ["360G-X/../Y", "360G-X//Y", "360G-X/", "360G-", "360G-X Y", "360g-x-1"]
)
def test_award_identifiers_that_would_not_make_a_clean_address_are_refused(identifier):
    assert_violates("award_identifier_format", lambda: f.AwardFactory(identifier=identifier))


def test_award_identifiers_are_unique():
    f.AwardFactory(identifier="360G-MMIP-X")
    assert_violates(
        "funding_award_identifier_key", lambda: f.AwardFactory(identifier="360G-MMIP-X")
    )


def test_award_planned_end_is_not_before_start():
    dates = {"planned_start": datetime.date(2021, 5, 1), "planned_end": datetime.date(2021, 4, 30)}
    assert_violates("award_ends_after_it_starts", lambda: f.AwardFactory(**dates))
    assert_clean_message(f.AwardFactory.build(**dates), "planned_end", "cannot be before")


def test_award_cannot_follow_on_from_itself_nor_fund_its_funder():
    award = f.AwardFactory()
    award.follow_on_of = award
    assert_violates("award_not_follow_on_of_itself", award.save)
    assert_clean_message(award, "follow_on_of", "cannot follow on from itself")
    funder = f.OrganisationFactory()
    assert_violates(
        "award_funder_is_not_recipient", lambda: f.AwardFactory(funder=funder, recipient=funder)
    )


def test_award_date_matches_its_precision():
    assert_violates(
        "award_date_matches_precision",
        lambda: f.AwardFactory(award_date=datetime.date(2018, 6, 1), award_date_precision="year"),
    )


def test_organisations_with_awards_cannot_be_deleted():
    from django.db.models import ProtectedError

    award = f.AwardFactory()
    with pytest.raises(ProtectedError):
        award.recipient.delete()
    with pytest.raises(ProtectedError):
        award.funder.delete()


def test_award_totals_count_only_what_is_asked():
    f.AwardFactory(amount=Decimal("1500000"))
    f.AwardFactory(amount=Decimal("500000"))
    f.AwardFactory(amount=Decimal("9"), is_published=False)
    from funding.models import Award

    assert Award.objects.published().totals() == {"count": 2, "total": Decimal("2000000.00")}


# Skills -------------------------------------------------------------------------------


def test_cohort_outcomes_cannot_exceed_those_who_started():
    outcomes = {"apprentices_started": 10, "apprentices_completed": 8, "apprentices_withdrawn": 3}
    assert_violates("cohort_outcomes_within_started", lambda: f.CohortFactory(**outcomes))
    assert_clean_message(
        f.CohortFactory.build(programme=f.ApprenticeshipProgrammeFactory(), **outcomes),
        "apprentices_completed",
        "cannot be more than those who started",
    )


def test_cohort_level_runs_from_2_to_7():
    assert_violates("cohort_level_2_to_7", lambda: f.CohortFactory(level=9))
    assert_clean_message(
        f.CohortFactory.build(programme=f.ApprenticeshipProgrammeFactory(), level=1),
        "level",
        "from 2 to 7",
    )


def test_cohort_employers_cannot_employ_more_than_started():
    cohort = f.CohortFactory(apprentices_started=5)
    f.CohortEmployerFactory(cohort=cohort, apprentices=3)

    def add_too_many():
        f.CohortEmployerFactory(cohort=cohort, apprentices=3)
        # The trigger is deferred to commit; the test's transaction never commits, so ask
        # PostgreSQL to check now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert_violates("cohort_employers_within_started", add_too_many)
    assert CohortEmployer.objects.filter(cohort=cohort).count() == 1


def test_lowering_started_below_the_employers_total_is_refused():
    cohort = f.CohortFactory(apprentices_started=5)
    f.CohortEmployerFactory(cohort=cohort, apprentices=4)

    def lower():
        cohort.apprentices_started = 3
        cohort.save()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert_violates("cohort_employers_within_started", lower)


def test_cohort_employer_has_at_least_one_apprentice():
    assert_violates(
        "cohort_employer_apprentices_positive", lambda: f.CohortEmployerFactory(apprentices=0)
    )


# Published flag -----------------------------------------------------------------------


def test_published_querysets_leave_drafts_out():
    shown = f.WorkstreamFactory()
    f.WorkstreamFactory(is_published=False)
    from workstreams.models import Workstream

    assert list(Workstream.objects.published()) == [shown]


def test_indicator_target_date_matches_its_precision():
    assert_violates(
        "indicator_target_date_matches_precision",
        lambda: f.IndicatorFactory(
            target_date=datetime.date(2030, 6, 1), target_date_precision="year"
        ),
    )
    indicator = f.IndicatorFactory(
        target_date=datetime.date(2030, 1, 1), target_date_precision="year"
    )
    assert format_date(indicator.target_date, indicator.target_date_precision) == "2030"
