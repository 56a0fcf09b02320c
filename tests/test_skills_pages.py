"""/skills/ and /skills/programmes/<slug>/: apprenticeship programmes with their funding,
partners, figures, cohorts and apprentices over time; the training network's centres; the
online training platform's learning resources. Published records only."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CohortEmployerFactory,
    CohortFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    LearningResourceFactory,
    OrganisationFactory,
    TrainingCentreFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from workstreams.models import Indicator

pytestmark = pytest.mark.django_db

FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))


def programme_url(programme) -> str:
    return reverse("apprenticeship-programme-detail", args=[programme.slug])


@pytest.fixture
def programme():
    catapult = OrganisationFactory(name="Cell and Gene Therapy Catapult")
    innovate = OrganisationFactory(name="Innovate UK", kind="funder")
    programme = ApprenticeshipProgrammeFactory(
        name="Advanced Therapy Manufacturing Apprenticeships",
        slug="atma",
        lead=catapult,
        workstream=WorkstreamFactory(name="Advanced therapies", slug="advanced-therapies"),
        description="Apprenticeships in advanced therapies manufacturing.",
        url="https://example.org/atac",
        source_url="https://example.org/workstreams",
    )
    programme.community_organisations.add(
        OrganisationFactory(name="Advanced Therapies Apprenticeship Community")
    )
    programme.awards.add(
        AwardFactory(
            title="AT Manufacturing Apprenticeships",
            funder=innovate,
            recipient=catapult,
            amount=Decimal("1500000"),
            award_date=datetime.date(2018, 1, 1),
        ),
        AwardFactory(
            title="Follow-on funding",
            funder=innovate,
            recipient=catapult,
            amount=Decimal("500000"),
            award_date=datetime.date(2021, 1, 1),
        ),
    )
    apprentices = IndicatorFactory(name="Apprentices benefiting", slug="apprentices")
    IndicatorValueFactory(
        indicator=apprentices,
        value=150,
        qualifier="over",
        date=datetime.date(2021, 1, 1),
        source_title="MMIP workstreams page",
        source_url="https://example.org/workstreams",
    )
    organisations = IndicatorFactory(
        name="Organisations taking part", unit=Indicator.Unit.ORGANISATIONS
    )
    IndicatorValueFactory(
        indicator=organisations, value=40, qualifier="over", date=datetime.date(2021, 1, 1)
    )
    programme.indicators.add(apprentices, organisations)
    return programme


@pytest.fixture(params=["skills", "programme"])
def programme_page(request, client, programme):
    """The programme's record reads the same on /skills/ and on its own page."""
    url = reverse("skills") if request.param == "skills" else programme_url(programme)
    return lambda: page(client, url)


def test_programme_shows_lead_workstream_community_and_links(programme_page, programme):
    content = programme_page()

    assert "Advanced Therapy Manufacturing Apprenticeships" in content
    assert (
        f'Led by <a href="{programme.lead.get_absolute_url()}">Cell and Gene Therapy Catapult</a>'
        in content
    )
    assert (
        'the <a href="/workstreams/advanced-therapies/">Advanced therapies</a> workstream'
        in content
    )
    assert "Supported by" in content
    assert "Advanced Therapies Apprenticeship Community" in content
    assert "Apprenticeships in advanced therapies manufacturing." in content
    assert 'href="https://example.org/atac"' in content


def test_programme_shows_its_published_awards_with_their_total(programme_page, programme):
    programme.awards.add(
        AwardFactory(title="Draft award", amount=Decimal("4700000"), is_published=False)
    )

    content = programme_page()

    assert "2 awards worth £2,000,000 in total." in content
    assert "AT Manufacturing Apprenticeships" in content
    assert "£1,500,000" in content
    assert "Total of 2 awards" in content
    assert "Draft award" not in content
    assert "£4,700,000" not in content


def test_programme_figures_carry_qualifier_date_and_source(programme_page):
    content = programme_page()

    assert '<a href="/indicators/apprentices/">Apprentices benefiting</a>' in content
    assert "over 150" in content
    assert "over 40" in content
    assert '<time datetime="2021">2021</time>' in content
    assert '<a href="https://example.org/workstreams">MMIP workstreams page</a>' in content


def test_without_cohorts_the_chart_uses_the_programmes_people_figure_and_says_so(
    programme_page,
):
    content = programme_page()

    assert "Apprentices over time, from the programme figure “Apprentices benefiting”" in content
    assert '<tr><th scope="row">2021</th><td class="numeric">over 150</td></tr>' in content
    assert "No cohorts are recorded yet: the figures above count the whole programme." in content


def test_cohorts_show_outcomes_level_provider_and_employers_and_drive_the_chart(
    programme_page, programme
):
    provider = OrganisationFactory(name="Training Provider Ltd")
    first = CohortFactory(
        programme=programme,
        name="2019 intake",
        start_date=datetime.date(2019, 9, 1),
        start_precision="month",
        apprentices_started=20,
        apprentices_completed=15,
        apprentices_withdrawn=2,
        level=4,
        standard="Technician scientist",
        training_provider=provider,
    )
    CohortEmployerFactory(cohort=first, organisation=OrganisationFactory(name="GSK"), apprentices=8)
    CohortEmployerFactory(
        cohort=first,
        organisation=OrganisationFactory(name="Draft employer", is_published=False),
        apprentices=3,
    )
    second = CohortFactory(
        programme=programme,
        name="2020 intake",
        start_date=datetime.date(2020, 1, 1),
        start_precision="year",
        apprentices_started=30,
    )
    CohortEmployerFactory(
        cohort=second,
        organisation=first.cohort_employers.get(apprentices=8).organisation,
        apprentices=5,
    )
    CohortFactory(
        programme=programme, name="Draft intake", is_published=False, apprentices_started=99
    )

    content = programme_page()

    assert in_order(content, "2019 intake", "2020 intake")
    assert '<time datetime="2019-09">September 2019</time>' in content
    assert "Level 4: Technician scientist" in content
    assert "Training Provider Ltd" in content
    assert ">20</td>" in content and ">15</td>" in content
    assert "GSK</a> (8)" in content
    assert "All 2 cohorts" in content
    assert ">50</td>" in content
    # Across cohorts GSK employs 8 + 5.
    assert 'GSK</a></th><td class="numeric">13</td>' in content
    assert "Apprentices starting each year, counted from the cohorts" in content
    assert '<tr><th scope="row">2019</th><td class="numeric">20</td></tr>' in content
    assert "Draft employer" not in content
    assert "Draft intake" not in content
    assert ">99</td>" not in content


def test_drafts_related_to_a_programme_never_appear(programme_page, programme):
    programme.community_organisations.add(
        OrganisationFactory(name="Draft community", is_published=False)
    )
    programme.indicators.add(IndicatorFactory(name="Draft figure", is_published=False))
    draft_lead = ApprenticeshipProgrammeFactory(
        name="Programme with a draft lead",
        lead=OrganisationFactory(name="Draft lead", is_published=False),
        workstream=WorkstreamFactory(name="Draft workstream", is_published=False),
    )
    CohortFactory(
        programme=draft_lead,
        training_provider=OrganisationFactory(name="Draft provider", is_published=False),
    )

    content = programme_page()

    for hidden in [
        "Draft community",
        "Draft figure",
        "Draft lead",
        "Draft workstream",
        "Draft provider",
    ]:
        assert hidden not in content, hidden


def test_skills_lists_published_programmes_only_each_linking_to_its_page(client, programme):
    ApprenticeshipProgrammeFactory(name="Draft programme", is_published=False)

    content = page(client, reverse("skills"))

    assert (
        f'<a href="{programme_url(programme)}">Advanced Therapy Manufacturing Apprenticeships</a>'
        in content
    )
    assert "Draft programme" not in content


def test_a_draft_or_unknown_programme_answers_404(client):
    draft = ApprenticeshipProgrammeFactory(is_published=False)

    assert client.get(programme_url(draft)).status_code == 404
    assert client.get(reverse("apprenticeship-programme-detail", args=["nope"])).status_code == 404


def test_skills_lists_the_training_networks_centres(client):
    skills = WorkstreamFactory(name="Skills")
    network = InitiativeFactory(
        workstream=skills, name="Advanced Therapies Skills Training Network"
    )
    TrainingCentreFactory(
        name="National Horizons Centre training facility",
        organisation=OrganisationFactory(name="National Horizons Centre"),
        network=network,
        place="Darlington",
        nation_region="north-east",
        date_added=datetime.date(2020, 1, 1),
        date_added_precision="year",
    )
    TrainingCentreFactory(
        name="RoslinCT training facility",
        organisation=OrganisationFactory(name="RoslinCT"),
        network=network,
        place="Edinburgh",
        nation_region="scotland",
    )
    TrainingCentreFactory(name="Draft centre", is_published=False, network=network)
    TrainingCentreFactory(
        name="Centre of a draft organisation",
        organisation=OrganisationFactory(name="Draft owner", is_published=False),
    )

    content = page(client, reverse("skills"))

    assert (
        f'<a href="{network.get_absolute_url()}">Advanced Therapies Skills Training Network</a>'
        in content
    )
    assert in_order(
        content, "National Horizons Centre training facility", "RoslinCT training facility"
    )
    assert "Darlington" in content
    assert "North East" in content
    assert "Scotland" in content
    assert '<time datetime="2020">2020</time>' in content
    assert "Other training centres" in content
    assert "Centre of a draft organisation" in content
    assert "Draft owner" not in content
    assert "Draft centre" not in content


def test_skills_groups_learning_resources_by_kind(client):
    platform = InitiativeFactory(name="Online Training Platform")
    provider = OrganisationFactory(name="CGT Catapult")
    LearningResourceFactory(
        title="GMP basics",
        kind="e-learning",
        provider=provider,
        platform=platform,
        url="https://example.org/gmp",
    )
    LearningResourceFactory(title="Aseptic technique", kind="video", provider=provider)
    LearningResourceFactory(title="Cleanroom in VR", kind="vr-ir", provider=provider)
    LearningResourceFactory(title="Draft course", kind="video", is_published=False)

    content = page(client, reverse("skills"))

    assert in_order(
        content,
        "<h3>E-learning</h3>",
        "GMP basics",
        "<h3>Video</h3>",
        "Aseptic technique",
        "<h3>Virtual or immersive reality (VR/IR)</h3>",
        "Cleanroom in VR",
    )
    assert '<a href="https://example.org/gmp">GMP basics</a>' in content
    assert "From <a" in content
    assert "Draft course" not in content
    assert "No learning resources" not in content


def test_skills_says_when_no_learning_resources_are_recorded(client):
    content = page(client, reverse("skills"))

    assert "No learning resources on the online training platform are recorded yet." in content
    assert "<table" not in content.split('id="learning-resources"', 1)[1]
    assert "No apprenticeship programmes have been published yet." in content
    assert "No training centres are recorded yet." in content


def build_skills_rows(n: int) -> None:
    for _ in range(n):
        programme = ApprenticeshipProgrammeFactory()
        programme.community_organisations.add(OrganisationFactory())
        programme.awards.add(AwardFactory())
        indicator = IndicatorFactory()
        IndicatorValueFactory(indicator=indicator)
        programme.indicators.add(indicator)
        cohort = CohortFactory(programme=programme, training_provider=OrganisationFactory())
        CohortEmployerFactory(cohort=cohort)
        TrainingCentreFactory(network=InitiativeFactory())
        LearningResourceFactory()


def test_skills_query_count_does_not_grow(client):
    build_skills_rows(3)
    with_three = count_queries(client, reverse("skills"))
    build_skills_rows(27)
    # 1 programmes with lead and workstream, 2 their published community organisations,
    # 3 their published awards with funder, recipient, routed-through body and programme,
    # 4 their published indicators, 5 the indicators' values, 6 published cohorts with
    # their training provider, 7 the cohorts' published employers, 8 published training
    # centres with organisation and network (and its workstream), 9 published learning
    # resources with their provider.
    assert count_queries(client, reverse("skills")) == with_three == 9


def test_programme_page_query_count_does_not_grow(client):
    programme = ApprenticeshipProgrammeFactory()

    def add_rows(n):
        for _ in range(n):
            programme.community_organisations.add(OrganisationFactory())
            programme.awards.add(AwardFactory())
            indicator = IndicatorFactory()
            IndicatorValueFactory(indicator=indicator)
            programme.indicators.add(indicator)
            cohort = CohortFactory(programme=programme, training_provider=OrganisationFactory())
            CohortEmployerFactory(cohort=cohort)

    add_rows(3)
    with_three = count_queries(client, programme_url(programme))
    add_rows(27)
    # 1 the programme with its lead and workstream, 2 its published community
    # organisations, 3 its published awards with their parties, 4 its published indicators,
    # 5 their values, 6 its published cohorts with their provider, 7 the cohorts' published
    # employers.
    assert count_queries(client, programme_url(programme)) == with_three == 7


# ---------- The demo record ----------


def test_the_demo_record_renders_on_the_skills_pages(client):
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)

    content = page(client, reverse("skills"))
    programme = page(
        client,
        reverse(
            "apprenticeship-programme-detail",
            args=["advanced-therapy-manufacturing-apprenticeships"],
        ),
    )

    assert "Advanced Therapy Manufacturing Apprenticeships" in content
    assert "over 150" in content
    assert "over 40" in content
    assert "2 awards worth £2,000,000 in total." in content
    assert "Advanced Therapies Apprenticeship Community" in content
    assert "Apprentices over time, from the programme figure" in content
    for centre, place in [
        ("National Horizons Centre", "Darlington"),
        ("RoslinCT", "Edinburgh"),
        ("University of Birmingham", "Birmingham"),
    ]:
        assert centre in content
        assert place in content
    assert "Advanced Therapies Skills Training Network" in content
    assert "No learning resources on the online training platform are recorded yet." in content
    assert "over 150" in programme
    assert "2 awards worth £2,000,000 in total." in programme


def test_the_workstream_page_links_each_programme_to_its_page(client, programme):
    content = page(client, programme.workstream.get_absolute_url())

    assert (
        f'<a href="{programme_url(programme)}">Advanced Therapy Manufacturing Apprenticeships</a>'
        in content
    )


def test_a_training_centres_address_is_its_row_on_the_skills_page_whatever_its_organisation(
    client,
):
    centre = TrainingCentreFactory(organisation=OrganisationFactory(is_published=False))

    url = centre.get_absolute_url()

    assert url == f"{reverse('skills')}#centre-{centre.slug}"
    assert f'id="centre-{centre.slug}"' in client.get(reverse("skills")).content.decode()
