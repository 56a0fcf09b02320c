"""The directory of organisations and one organisation's page, which joins every role it
plays in the published record."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mmip.site import organisation_views as views
from mmip.site import selectors
from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CohortEmployerFactory,
    CohortFactory,
    FundingProgrammeFactory,
    InitiativeFactory,
    LearningResourceFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    TrainingCentreFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page

pytestmark = pytest.mark.django_db

LIST = reverse("organisation-list")


def names_listed(content: str) -> list[str]:
    """The organisations the directory lists, in order."""
    marker = '<h3 class="directory__name"><a href="/organisations/'
    return [chunk.split(">", 1)[1].split("<", 1)[0] for chunk in content.split(marker)[1:]]


# ---------- The directory ----------


@pytest.fixture
def directory():
    """Organisations playing each role, a draft, and one whose only role is in a draft."""
    innovate = OrganisationFactory(name="Innovate UK", kind="funder", nation_region="uk-wide")
    catapult = OrganisationFactory(
        name="Cell and Gene Therapy Catapult", kind="catapult-rto", nation_region="london"
    )
    gsk = OrganisationFactory(name="GSK", kind="company", nation_region="east")
    nhc = OrganisationFactory(
        name="National Horizons Centre", kind="training-provider", nation_region="north-east"
    )
    ktn = OrganisationFactory(name="KTN", kind="network", nation_region="uk-wide")
    bia = OrganisationFactory(name="BIA", kind="trade-association", nation_region="london")
    OrganisationFactory(name="Draft organisation", kind="funder", is_published=False)
    almost = OrganisationFactory(name="Almost funder", kind="funder", nation_region="scotland")

    AwardFactory(funder=innovate, recipient=catapult)
    AwardFactory(funder=almost, recipient=catapult, is_published=False)
    PartnershipFactory(organisation=bia, role="lead")
    PartnershipFactory(
        organisation=ktn, role="lead", workstream=WorkstreamFactory(is_published=False)
    )
    CohortEmployerFactory(organisation=gsk, cohort__programme__lead=catapult)
    TrainingCentreFactory(organisation=nhc)
    OutputFactory().publishers.add(ktn)
    return {"innovate": innovate, "catapult": catapult, "gsk": gsk, "ktn": ktn}


def test_the_directory_lists_published_organisations_by_name_with_kind_region_and_roles(
    client, directory
):
    content = page(client, LIST)

    assert names_listed(content) == [
        "Almost funder",
        "BIA",
        "Cell and Gene Therapy Catapult",
        "GSK",
        "Innovate UK",
        "KTN",
        "National Horizons Centre",
    ]
    assert "Draft organisation" not in content
    assert "8 organisations" not in content and "7 organisations" in content
    assert "Catapult or research and technology organisation · London (England)" in content
    for role in [
        "Funder of an award",
        "Recipient of an award",
        "Workstream lead",
        "Employer of apprentices",
        "Training centre",
        "Publisher of outputs",
    ]:
        assert f'<span class="tag tag--quiet">{role}</span>' in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "funder"}, ["Almost funder", "Innovate UK"]),
        ({"region": "london"}, ["BIA", "Cell and Gene Therapy Catapult"]),
        ({"role": "funder"}, ["Innovate UK"]),
        ({"role": "recipient"}, ["Cell and Gene Therapy Catapult"]),
        ({"role": "workstream-lead"}, ["BIA"]),
        ({"role": "employer"}, ["GSK"]),
        ({"role": "training-centre"}, ["National Horizons Centre"]),
        ({"role": "publisher"}, ["KTN"]),
        ({"kind": "funder", "region": "uk-wide"}, ["Innovate UK"]),
        ({"kind": "company", "role": "funder"}, []),
    ],
)
def test_each_filter_shows_the_organisations_it_names(client, directory, params, expected):
    content = page(client, LIST, params)

    assert names_listed(content) == expected
    if not expected:
        assert "No organisations match the filter" in content


def test_a_draft_award_or_draft_workstream_gives_no_role(client, directory):
    # Almost funder's only award and KTN's only lead role are drafts.
    assert "Almost funder" not in names_listed(page(client, LIST, {"role": "funder"}))
    assert "KTN" not in names_listed(page(client, LIST, {"role": "workstream-lead"}))


def test_each_choice_is_labelled_with_what_it_would_show_given_the_rest_of_the_filter(
    client, directory
):
    content = page(client, LIST)
    assert '<option value="funder">Funder (2)</option>' in content
    assert '<option value="london">London (England) (2)</option>' in content
    assert '<option value="funder">Funder of an award (1)</option>' in content
    assert '<option value="employer">Employer of apprentices (1)</option>' in content
    # Nothing to show, so nothing to offer.
    assert 'value="university"' not in content

    filtered = page(client, LIST, {"region": "london"})
    # The kinds in London; the regions for every kind (the region's own filter is left out).
    assert (
        '<option value="catapult-rto">Catapult or research and technology organisation (1)</option>'
        in filtered
    )
    assert 'value="funder">Funder (' not in filtered
    assert '<option value="uk-wide">UK-wide (2)</option>' in filtered
    assert '<option value="london" selected>London (England) (2)</option>' in filtered


def test_a_chosen_value_that_shows_nothing_stays_chosen(client, directory):
    content = page(client, LIST, {"kind": "company", "role": "funder"})

    assert '<option value="company" selected>Company (0)</option>' in content


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "spaceship"},
        {"region": "atlantis"},
        {"role": "villain"},
        {"kind": "x" * 10_000},
        {"role": "'; DROP TABLE mmip_organisation; --"},
        {"region": "north\x00east"},
        {"kind": ["funder", "company"]},
        {"page": "letters"},
        {"page": "99999"},
        {"page": "-1"},
    ],
)
def test_bad_filter_values_give_the_page_with_a_message_never_an_error(client, directory, params):
    response = client.get(LIST, params)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Organisations</h1>" in content
    if set(params) - {"page"} and params != {"kind": ["funder", "company"]}:
        assert "Part of the filter was left out" in content
        assert "filter was left out." in content


def test_a_bad_part_of_the_filter_is_left_out_and_the_rest_still_applies(client, directory):
    content = page(client, LIST, {"kind": "funder", "role": "villain"})

    assert names_listed(content) == ["Almost funder", "Innovate UK"]
    assert "There is no role “villain” to choose, so the role filter was left out." in content
    # The select with the error points at its message.
    assert 'aria-describedby="id_role_error"' in content
    assert 'id="id_role_error"' in content


def test_a_long_bad_value_is_named_back_shortened(client, directory):
    content = page(client, LIST, {"kind": "x" * 10_000})

    assert "x" * 39 + "…" in content
    assert "x" * 41 not in content


def build_directory_rows(n: int) -> None:
    for i in range(n):
        organisation = OrganisationFactory(parent=OrganisationFactory())
        AwardFactory(funder=organisation)
        PartnershipFactory(organisation=organisation, role="lead")
        CohortEmployerFactory(organisation=organisation)
        TrainingCentreFactory(organisation=organisation)
        OutputFactory().publishers.add(organisation)
        if i % 2:
            organisation.nation_region = "wales"
            organisation.save()


@pytest.mark.parametrize("params", [{}, {"kind": "company", "role": "funder", "region": "zz"}])
def test_directory_query_count_does_not_grow(client, settings, params):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    build_directory_rows(3)
    with_three = count_queries(client, LIST, params)
    build_directory_rows(27)
    # 1 the organisations per kind, 2 per region, 3 per role (each given the rest of the
    # filter), 4 the count for the pager, 5 the page of organisations with their parents
    # and whether they play each role.
    assert count_queries(client, LIST, params) == with_three == 5
    # The counts remembered from an earlier request: the record generation and the cache
    # entry stand in for the three counting queries.
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    client.get(LIST, params)
    assert count_queries(client, LIST, params) == 4


def test_the_directory_counts_follow_the_record(client, settings):
    """Counts are remembered until the record changes, never past it."""
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    OrganisationFactory(kind="company")
    assert "Company (1)" in client.get(LIST).content.decode()
    assert "Company (1)" in client.get(LIST).content.decode()  # from the cache
    OrganisationFactory(kind="company")
    assert "Company (2)" in client.get(LIST).content.decode()


def test_the_directory_pages_at_fifty(client, monkeypatch):
    monkeypatch.setattr(views.OrganisationListView, "paginate_by", 2)
    for name in ["Alpha", "Bravo", "Charlie"]:
        OrganisationFactory(name=name)

    first = page(client, LIST)
    second = page(client, LIST, {"page": 2})

    assert names_listed(first) == ["Alpha", "Bravo"]
    assert names_listed(second) == ["Charlie"]
    assert "Page 2 of 2" in second
    assert 'href="?page=1" rel="prev"' in second


# ---------- One organisation ----------


@pytest.fixture
def catapult():
    return OrganisationFactory(
        name="Cell and Gene Therapy Catapult",
        short_name="CGT Catapult",
        slug="cgt-catapult",
        kind="catapult-rto",
        nation_region="london",
        description="The Catapult grows the UK's cell and gene therapy industry.",
    )


def test_an_organisation_page_joins_every_role_it_plays(client, catapult):
    skills = WorkstreamFactory(name="Skills")
    PartnershipFactory(workstream=skills, organisation=catapult, role="lead", note="Leads it")
    initiative = InitiativeFactory(
        workstream=skills,
        name="Advanced Therapies Skills Training Network",
        start_date=datetime.date(2020, 1, 1),
        start_precision="year",
    )
    initiative.organisations.add(catapult)
    innovate = OrganisationFactory(name="Innovate UK", kind="funder")
    AwardFactory(
        funder=innovate,
        recipient=catapult,
        title="Apprenticeships award",
        amount=Decimal("1500000"),
    )
    AwardFactory(funder=catapult, title="Grant to a partner", amount=Decimal("250000"))
    AwardFactory(routed_through=catapult, title="Money passed on", amount=Decimal("40000"))
    FundingProgrammeFactory(funder=catapult, name="Catapult Skills Fund")
    led = ApprenticeshipProgrammeFactory(lead=catapult, name="AT Manufacturing Apprenticeships")
    community = ApprenticeshipProgrammeFactory(name="Community programme")
    community.community_organisations.add(catapult)
    CohortEmployerFactory(
        organisation=catapult,
        apprentices=3,
        cohort=CohortFactory(programme=led, name="2019 intake", apprentices_started=12),
    )
    CohortFactory(programme=led, name="2020 intake", training_provider=catapult)
    TrainingCentreFactory(
        organisation=catapult, name="Catapult Stevenage centre", place="Stevenage"
    )
    LearningResourceFactory(provider=catapult, title="GMP e-learning", kind="e-learning")
    output = OutputFactory(title="Apprenticeship Guideline booklet", kind="booklet")
    output.publishers.add(catapult)

    content = page(client, catapult.get_absolute_url())

    assert "<h1>Cell and Gene Therapy Catapult (CGT Catapult)</h1>" in content
    assert "London (England)" in content
    assert "The Catapult grows the UK&#x27;s cell and gene therapy industry." in content
    assert "Lead in" in content and "Leads it" in content
    assert "Advanced Therapies Skills Training Network" in content
    assert '<time datetime="2020">2020</time>' in content
    assert in_order(
        content,
        'id="awards-funder-heading">Awards given',
        "1 award worth £250,000 in total.",
        "Grant to a partner",
        'id="awards-recipient-heading">Awards received',
        "1 award worth £1,500,000 in total.",
        "Apprenticeships award",
        'id="awards-routed_through-heading">Awards routed through CGT Catapult',
        "Money passed on",
    )
    assert "Catapult Skills Fund" in content
    assert "Programmes it leads" in content
    assert f'href="{reverse("apprenticeship-programme-detail", args=[led.slug])}"' in content
    assert "Community programme" in content
    assert "Employer of apprentices" in content and "2019 intake" in content
    assert "Training provider" in content and "2020 intake" in content
    assert "Catapult Stevenage centre" in content and "Stevenage" in content
    assert "GMP e-learning" in content and "E-learning" in content
    assert "Apprenticeship Guideline booklet" in content
    # The contents list names only the roles the organisation plays, with counts.
    assert '<a href="#awards-recipient">Awards received (1)</a>' in content
    assert '<a href="#outputs">Outputs published (1)</a>' in content


def test_an_organisation_without_roles_has_no_empty_sections(client):
    organisation = OrganisationFactory(name="Quiet organisation")

    content = page(client, organisation.get_absolute_url())

    for heading in [
        "Its roles in the record",
        "Awards given",
        "Apprenticeships",
        "Outputs published",
    ]:
        assert heading not in content


def test_a_parent_shows_its_parts_and_a_part_links_its_parent(client):
    mhra = OrganisationFactory(
        name="Medicines and Healthcare products Regulatory Agency", short_name="MHRA"
    )
    office = OrganisationFactory(name="MHRA Innovation Office", parent=mhra)
    OrganisationFactory(name="Unannounced unit", parent=mhra, is_published=False)

    parent_page = page(client, mhra.get_absolute_url())
    part_page = page(client, office.get_absolute_url())

    assert "Its parts" in parent_page
    assert f'<a href="{office.get_absolute_url()}">MHRA Innovation Office</a>' in parent_page
    assert "Unannounced unit" not in parent_page
    assert "Part of" in part_page
    assert f'<a href="{mhra.get_absolute_url()}">' in part_page


def test_a_draft_parent_is_not_named_on_an_organisation_page(client):
    organisation = OrganisationFactory(
        parent=OrganisationFactory(name="Unannounced parent", is_published=False)
    )

    content = page(client, organisation.get_absolute_url())

    assert "Unannounced parent" not in content
    assert "Part of" not in content


def test_drafts_of_every_kind_never_appear_on_an_organisation_page(client, catapult):
    OrganisationFactory(name="Draft part", parent=catapult, is_published=False)
    PartnershipFactory(
        organisation=catapult,
        workstream=WorkstreamFactory(name="Draft workstream", is_published=False),
    )
    InitiativeFactory(name="Draft initiative", is_published=False).organisations.add(catapult)
    InitiativeFactory(
        name="Initiative of a draft workstream", workstream=WorkstreamFactory(is_published=False)
    ).organisations.add(catapult)
    AwardFactory(recipient=catapult, title="Draft award received", is_published=False)
    AwardFactory(funder=catapult, title="Draft award given", is_published=False)
    FundingProgrammeFactory(funder=catapult, name="Draft fund", is_published=False)
    ApprenticeshipProgrammeFactory(lead=catapult, name="Draft programme", is_published=False)
    CohortEmployerFactory(
        organisation=catapult, cohort=CohortFactory(name="Draft cohort", is_published=False)
    )
    CohortFactory(
        training_provider=catapult,
        name="Cohort of a draft programme",
        programme=ApprenticeshipProgrammeFactory(is_published=False),
    )
    TrainingCentreFactory(organisation=catapult, name="Draft centre", is_published=False)
    LearningResourceFactory(provider=catapult, title="Draft resource", is_published=False)
    OutputFactory(title="Draft output", is_published=False).publishers.add(catapult)

    content = page(client, catapult.get_absolute_url())

    for hidden in [
        "Draft part",
        "Draft workstream",
        "Draft initiative",
        "Initiative of a draft workstream",
        "Draft award received",
        "Draft award given",
        "Draft fund",
        "Draft programme",
        "Draft cohort",
        "Cohort of a draft programme",
        "Draft centre",
        "Draft resource",
        "Draft output",
    ]:
        assert hidden not in content, hidden
    assert "Its roles in the record" not in content


def test_a_draft_or_unknown_organisation_answers_404(client):
    draft = OrganisationFactory(is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("organisation-detail", args=["nobody"])).status_code == 404


def test_a_big_funder_lists_its_latest_awards_with_the_total_of_all(client, monkeypatch):
    monkeypatch.setattr(selectors, "AWARDS_SHOWN", 2)
    funder = OrganisationFactory(kind="funder")
    for year, title in [(2018, "Oldest"), (2019, "Middle"), (2020, "Newest")]:
        AwardFactory(
            funder=funder, title=title, award_date=datetime.date(year, 1, 1), amount=Decimal(100)
        )

    content = page(client, funder.get_absolute_url())

    assert "3 awards worth £300 in total." in content
    assert "The latest 2 are listed here" in content
    assert "Newest" in content and "Middle" in content
    assert "Oldest" not in content
    # No total row under a table that does not list every award it would add up.
    assert "Total of 3 awards" not in content


def test_a_funder_with_few_awards_gets_a_total_row(client):
    funder = OrganisationFactory(kind="funder")
    AwardFactory(funder=funder, amount=Decimal(100))
    AwardFactory(funder=funder, amount=Decimal(50))

    assert "Total of 2 awards" in page(client, funder.get_absolute_url())


def build_organisation_rows(organisation, n: int) -> None:
    for _ in range(n):
        OrganisationFactory(parent=organisation)
        PartnershipFactory(organisation=organisation)
        InitiativeFactory().organisations.add(organisation)
        AwardFactory(funder=organisation)
        AwardFactory(recipient=organisation)
        AwardFactory(routed_through=organisation)
        FundingProgrammeFactory(funder=organisation)
        programme = ApprenticeshipProgrammeFactory(lead=organisation)
        programme.community_organisations.add(organisation)
        CohortEmployerFactory(organisation=organisation, cohort=CohortFactory(programme=programme))
        CohortFactory(training_provider=organisation)
        TrainingCentreFactory(organisation=organisation)
        LearningResourceFactory(provider=organisation)
        OutputFactory().publishers.add(organisation)


def test_organisation_page_query_count_does_not_grow(client):
    organisation = OrganisationFactory(parent=OrganisationFactory())
    build_organisation_rows(organisation, 3)
    with_three = count_queries(client, organisation.get_absolute_url())
    build_organisation_rows(organisation, 27)
    # 1 the organisation, 2 its parent, 3 which kinds of row it has any of, then its
    # published 4 parts, 5 partnerships with their workstreams, 6 initiatives with theirs,
    # 7 outputs, 8 funding programmes, 9 apprenticeship programmes it leads, 10 those it
    # supports, 11 its cohort places with cohort and programme, 12 the cohorts it trains
    # with their programmes, 13 training centres with their networks, 14 learning
    # resources; 15 to 17 the latest awards it gave, received and routed, with their
    # parties, each with the count and total of all of them; 18 the datasets that name it.
    assert count_queries(client, organisation.get_absolute_url()) == with_three == 18


def test_organisation_page_queries_only_the_kinds_of_row_it_has(client):
    quiet = OrganisationFactory()
    recipient = OrganisationFactory()
    AwardFactory(recipient=recipient, title="Its only award")
    # A draft is a row all the same: its kind is queried, and public() leaves it out.
    FundingProgrammeFactory(funder=recipient, name="Draft fund", is_published=False)

    # 1 the organisation, 2 which kinds of row it has any of, 3 the datasets that name it.
    assert count_queries(client, quiet.get_absolute_url()) == 3
    content = page(client, recipient.get_absolute_url())
    assert "Its only award" in content
    assert "1 award worth" in content
    assert "Draft fund" not in content
    # 3 the awards it received, with their count and total, 4 funding programmes, 5 the
    # datasets that name it.
    assert count_queries(client, recipient.get_absolute_url()) == 5
