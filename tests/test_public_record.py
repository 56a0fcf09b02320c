"""What the public may see, decided once per model: its QuerySet's public() (through
public_condition()) and its is_public, which must agree, and every page, download, search,
sitemap and feed read through them.

The record here puts a draft at every level of the record, each named with a word no other
text holds, then walks every public page and download and checks that no draft is named and
that each draft's own address answers 404.
"""

import datetime
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Award, FundingProgramme
from imports.models import AwardSource, Dataset, OrganisationSource
from mmip.models import Organisation
from mmip.records import record_models
from mmip.site.filters import ROLES
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
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
    TrainingCentreFactory,
    WorkstreamFactory,
    approved_update,
    unapproved_update,
)
from tracking.models import (
    Commitment,
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    WorkstreamRole,
)
from workstreams.models import (
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
# Plans that put work in each list of /progress/: late or at risk (with a rating's reason),
# due next, and done lately.
AT_RISK = {"delivery_status": "at-risk", "planned_date": TODAY - DAY, "rating": "red"}
DUE_NEXT = {"delivery_status": "on-track", "planned_date": TODAY + DAY}
DONE_LATELY = {"delivery_status": "done", "actual_date": TODAY}
PUBLIC_MODELS = [
    Organisation,
    Workstream,
    Partnership,
    Initiative,
    Output,
    Milestone,
    Indicator,
    IndicatorValue,
    IndicatorPeriod,
    FundingProgramme,
    Award,
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    TrainingCentre,
    LearningResource,
]
# Tracking's models: whether their public() and is_public agree is checked, on a record of
# their own, in tests/test_tracking_rules.py.
TRACKING_MODELS = [Commitment, ProgressUpdate, ReportingRound, StatusChange, WorkstreamRole]
# Imports' datasets and their links: checked in tests/test_import_models.py.
IMPORT_MODELS = [Dataset, AwardSource, OrganisationSource]
DOWNLOADS = (
    "award-download-csv",
    "award-download-json",
    "award-download-360giving",
    "progress-csv",
    "progress-json",
)


# ---------- The record: published throughout, with a draft at every level ----------


@dataclass
class Context:
    """The published records the drafts hang from."""

    workstream: Workstream
    organisation: Organisation
    funder: Organisation
    recipient: Organisation
    network: Initiative
    output: Output
    indicator: Indicator
    fund: FundingProgramme
    award: Award
    programme: ApprenticeshipProgramme
    cohort: Cohort
    commitment: Commitment


@dataclass
class Drafts:
    hidden: list[str] = field(default_factory=list)  # texts that must appear nowhere
    addresses: list[str] = field(default_factory=list)  # drafts' own pages: each a 404
    searches: list[str] = field(default_factory=list)  # names a search must not find

    def name(self, text: str, *, search: bool = True) -> str:
        self.hidden.append(text)
        if search:
            self.searches.append(text)
        return text


def build_context() -> Context:
    workstream = WorkstreamFactory(name="Open workstream", slug="open-workstream")
    organisation = OrganisationFactory(name="Open Organisation", slug="open-organisation")
    funder = OrganisationFactory(name="Open Funder", kind=Organisation.Kind.FUNDER)
    recipient = OrganisationFactory(name="Open Recipient")
    PartnershipFactory(workstream=workstream, organisation=organisation, role="lead")
    network = InitiativeFactory(workstream=workstream, name="Open network")
    network.organisations.add(organisation)
    output = OutputFactory(title="Open output")
    output.workstreams.add(workstream)
    output.publishers.add(organisation)
    indicator = IndicatorFactory(name="Open indicator")
    indicator.workstreams.add(workstream)
    IndicatorValueFactory(indicator=indicator)
    IndicatorPeriodFactory(indicator=indicator, actual=150, actual_source_title="Open count")
    fund = FundingProgrammeFactory(name="Open fund", funder=funder)
    fund.workstreams.add(workstream)
    award = AwardFactory(title="Open award", funder=funder, recipient=recipient, programme=fund)
    award.workstreams.add(workstream)
    programme = ApprenticeshipProgrammeFactory(
        name="Open apprenticeships", lead=organisation, workstream=workstream
    )
    programme.awards.add(award)
    programme.indicators.add(indicator)
    cohort = CohortFactory(programme=programme, name="Open cohort", training_provider=recipient)
    CohortEmployerFactory(cohort=cohort, organisation=organisation)
    TrainingCentreFactory(name="Open centre", organisation=organisation, network=network)
    LearningResourceFactory(title="Open resource", provider=organisation, platform=network)
    MilestoneFactory(
        title="Open milestone", workstream=workstream, **AT_RISK, rating_reason="Open reason"
    )
    MilestoneFactory(title="Open programme milestone", workstream=None)
    commitment = CommitmentFactory(
        title="Open commitment", slug="open-commitment", workstream=workstream, source=output
    )
    approved_update(commitment=commitment, narrative="Open update on the commitment")
    approved_update(workstream=workstream, narrative="Open update on the workstream")
    return Context(
        workstream=workstream,
        organisation=organisation,
        funder=funder,
        recipient=recipient,
        network=network,
        output=output,
        indicator=indicator,
        fund=fund,
        award=award,
        programme=programme,
        cohort=cohort,
        commitment=commitment,
    )


def build_drafts(c: Context, copy: int = 0) -> Drafts:
    """One draft at each level of the record, and published records beneath drafts. Every
    name holds a word found nowhere else, so a page that names a draft is caught. copy makes
    another set of the same shape, for counting queries with more rows."""
    d = Drafts()
    n = f" {copy}" if copy else ""
    key = f"-{copy}" if copy else ""

    def draft_organisation(name: str) -> Organisation:
        slug = name.lower().replace(" ", "-") + key
        organisation = OrganisationFactory(
            name=d.name(name + n), slug=d.name(slug, search=False), is_published=False
        )
        d.addresses.append(organisation.get_absolute_url())
        return organisation

    # A draft workstream, with published records beneath it and published records that
    # mention it.
    workstream = WorkstreamFactory(
        name=d.name(f"Quillwort workstream{n}"),
        slug=d.name(f"quillwort-workstream{key}", search=False),
        is_published=False,
    )
    d.addresses.append(workstream.get_absolute_url())
    InitiativeFactory(workstream=workstream, name=d.name(f"Bryony initiative{n}"), **DONE_LATELY)
    d.addresses.append(reverse("workstream-update-feed", args=[workstream.slug]))
    approved_update(workstream=workstream, narrative=d.name(f"Sneezewort update{n}"))
    commitment_of_draft = CommitmentFactory(
        workstream=workstream,
        source=c.output,
        title=d.name(f"Figwort commitment{n}"),
        slug=d.name(f"figwort-commitment{key}", search=False),
    )
    d.addresses.append(commitment_of_draft.get_absolute_url())
    approved_update(commitment=commitment_of_draft, narrative=d.name(f"Toadflax update{n}"))
    MilestoneFactory(
        workstream=workstream,
        title=d.name(f"Campion milestone{n}"),
        **AT_RISK,
        rating_reason=d.name(f"Cowslip reason{n}", search=False),
    )
    PartnershipFactory(
        workstream=workstream, organisation=OrganisationFactory(name=f"Partner of a draft{n}")
    )
    network_of_draft = InitiativeFactory(
        workstream=workstream, name=d.name(f"Dittany network{n}"), **DUE_NEXT
    )
    TrainingCentreFactory(
        name=f"Centre of a network of a draft workstream{n}",
        organisation=c.organisation,
        network=network_of_draft,
    )
    ApprenticeshipProgrammeFactory(
        name=f"Apprenticeships of a draft workstream{n}", workstream=workstream
    )
    for record in (c.output, c.indicator, c.fund, c.award):
        record.workstreams.add(workstream)

    # A draft initiative (a training network), with published records that mention it.
    initiative = InitiativeFactory(
        workstream=c.workstream, name=d.name(f"Eyebright network{n}"), is_published=False
    )
    initiative.organisations.add(c.organisation)
    TrainingCentreFactory(
        name=f"Centre of a draft network{n}", organisation=c.organisation, network=initiative
    )
    InitiativeFactory(
        workstream=c.workstream, part_of=initiative, name=f"Part of a draft initiative{n}"
    )
    MilestoneFactory(
        workstream=c.workstream, initiative=initiative, title=f"Milestone of a draft initiative{n}"
    )
    LearningResourceFactory(title=f"Resource of a draft platform{n}", platform=initiative)

    # A draft organisation in every role an organisation plays. A published award of a
    # draft funder or to a draft recipient is not public either.
    for award in (
        AwardFactory(
            funder=draft_organisation("Feverfew Funder"),
            recipient=c.recipient,
            title=d.name(f"Gromwell award{n}"),
            identifier=d.name(f"360G-MMIP-GROMWELL{key}", search=False),
        ),
        AwardFactory(
            funder=c.funder,
            recipient=draft_organisation("Henbane Recipient"),
            title=d.name(f"Knapweed award{n}"),
            identifier=d.name(f"360G-MMIP-KNAPWEED{key}", search=False),
        ),
    ):
        d.addresses.append(award.get_absolute_url())
    AwardFactory(
        funder=c.funder,
        recipient=c.recipient,
        routed_through=draft_organisation("Lovage Agency"),
        title=f"Award routed through a draft{n}",
    )
    PartnershipFactory(
        workstream=c.workstream, organisation=draft_organisation("Madder Partner"), role="partner"
    )
    PartnershipFactory(
        workstream=c.workstream, organisation=draft_organisation("Navelwort Lead"), role="lead"
    )
    c.output.publishers.add(draft_organisation("Orpine Press"))
    CohortEmployerFactory(cohort=c.cohort, organisation=draft_organisation("Pennyroyal Pharma"))
    CohortFactory(
        programme=c.programme,
        training_provider=draft_organisation("Ramsons College"),
        name=f"Cohort of a draft provider{n}",
    )
    ApprenticeshipProgrammeFactory(
        lead=draft_organisation("Samphire Trust"),
        workstream=c.workstream,
        name=f"Apprenticeships of a draft lead{n}",
    )
    OrganisationFactory(parent=draft_organisation("Tormentil Holdings"), name=f"Part of a draft{n}")
    c.programme.community_organisations.add(draft_organisation("Valerian Network"))
    TrainingCentreFactory(
        organisation=draft_organisation("Woad Labs"),
        network=c.network,
        name=f"Centre of a draft organisation{n}",
    )
    LearningResourceFactory(
        provider=draft_organisation("Yarrow Learning"), title=f"Resource of a draft provider{n}"
    )
    FundingProgrammeFactory(
        funder=draft_organisation("Zinnia Foundation"), name=f"Fund of a draft{n}"
    )
    c.network.organisations.add(draft_organisation("Agrimony Ltd"))
    draft_organisation("Betony Ltd")

    # A draft funding programme with a published award.
    fund = FundingProgrammeFactory(
        name=d.name(f"Chicory Fund{n}"),
        slug=d.name(f"chicory-fund{key}", search=False),
        funder=c.funder,
        is_published=False,
    )
    d.addresses.append(fund.get_absolute_url())
    AwardFactory(
        funder=c.funder, recipient=c.recipient, programme=fund, title=f"Award of a draft fund{n}"
    )

    # A draft apprenticeship programme with a published cohort and its employer.
    programme = ApprenticeshipProgrammeFactory(
        name=d.name(f"Comfrey Apprenticeships{n}"),
        slug=d.name(f"comfrey-apprenticeships{key}", search=False),
        workstream=c.workstream,
        is_published=False,
    )
    d.addresses.append(programme.get_absolute_url())
    CohortEmployerFactory(
        cohort=CohortFactory(
            programme=programme, name=d.name(f"Daisy cohort{n}"), training_provider=c.recipient
        ),
        organisation=OrganisationFactory(name=f"Employer in a draft programme{n}"),
    )

    # A draft indicator with a value, on a workstream's and a programme's pages.
    indicator = IndicatorFactory(
        name=d.name(f"Elecampane indicator{n}"),
        slug=d.name(f"elecampane-indicator{key}", search=False),
        is_published=False,
    )
    d.addresses.append(indicator.get_absolute_url())
    IndicatorValueFactory(indicator=indicator, source_title=d.name(f"Fumitory survey{n}"))
    # Its reporting period, with an actual whose source must show nowhere either.
    IndicatorPeriodFactory(
        indicator=indicator, actual=150, actual_source_title=d.name(f"Tansy count{n}")
    )
    indicator.workstreams.add(c.workstream)
    c.programme.indicators.add(indicator)

    # A draft award, in a workstream and a programme, followed by a published one.
    award = AwardFactory(
        funder=c.funder,
        recipient=c.recipient,
        programme=c.fund,
        title=d.name(f"Goldenrod award{n}"),
        identifier=d.name(f"360G-MMIP-GOLDENROD{key}", search=False),
        is_published=False,
    )
    d.addresses.append(award.get_absolute_url())
    award.workstreams.add(c.workstream)
    c.programme.awards.add(award)
    AwardFactory(
        funder=c.funder, recipient=c.recipient, follow_on_of=award, title=f"Follow-on of a draft{n}"
    )

    # A draft output, milestone, cohort, centre and learning resource beside published ones.
    output = OutputFactory(title=d.name(f"Hawkweed output{n}"), is_published=False)
    output.workstreams.add(c.workstream)
    output.publishers.add(c.organisation)
    c.award.outputs.add(output)
    MilestoneFactory(
        workstream=c.workstream, output=output, title=f"Milestone of a draft output{n}"
    )
    milestone = MilestoneFactory(
        workstream=c.workstream,
        title=d.name(f"Kingcup milestone{n}"),
        is_published=False,
        **AT_RISK,
        rating_reason=d.name(f"Oxlip reason{n}", search=False),
    )
    MilestoneFactory(
        workstream=c.workstream,
        title=d.name(f"Burdock milestone{n}"),
        is_published=False,
        **DUE_NEXT,
    )
    c.award.milestones.add(milestone)
    CohortFactory(programme=c.programme, name=d.name(f"Lungwort cohort{n}"), is_published=False)
    TrainingCentreFactory(
        organisation=c.organisation,
        network=c.network,
        name=d.name(f"Meadowsweet centre{n}"),
        is_published=False,
    )
    LearningResourceFactory(
        provider=c.organisation, title=d.name(f"Jacobsladder resource{n}"), is_published=False
    )
    InitiativeFactory(
        workstream=c.workstream,
        name=d.name(f"Juniper initiative{n}"),
        is_published=False,
        **DONE_LATELY,
    )

    # A draft commitment, a commitment traced to a draft output, and updates on a published
    # commitment that are a draft, awaiting review or returned: none approved.
    commitment = CommitmentFactory(
        workstream=c.workstream,
        source=c.output,
        title=d.name(f"Gentian commitment{n}"),
        slug=d.name(f"gentian-commitment{key}", search=False),
        is_published=False,
    )
    d.addresses.append(commitment.get_absolute_url())
    approved_update(commitment=commitment, narrative=d.name(f"Vervain update{n}"))
    commitment_of_draft_source = CommitmentFactory(
        workstream=c.workstream,
        source=output,
        title=d.name(f"Mugwort commitment{n}"),
        slug=d.name(f"mugwort-commitment{key}", search=False),
    )
    d.addresses.append(commitment_of_draft_source.get_absolute_url())
    for state, word in [("draft", "Wormwood"), ("submitted", "Bugloss"), ("returned", "Xanthium")]:
        unapproved_update(state, narrative=d.name(f"{word} update{n}"), commitment=c.commitment)
        unapproved_update(state, narrative=d.name(f"{word} note{n}"), workstream=c.workstream)
    return d


@pytest.fixture
def context(db) -> Context:
    return build_context()


@pytest.fixture
def drafts(context) -> Drafts:
    return build_drafts(context)


# ---------- Walking the public site ----------


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def sitemap_paths(client) -> list[str]:
    root = ET.fromstring(text_of(client.get(reverse("sitemap"))))
    return sorted(loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc"))


def api_addresses(client) -> list[str]:
    """The API's root, the awards' summary, every list (a page of 100, more than any list
    here holds) and the address of every record the lists give."""
    root = json.loads(text_of(client.get("/api/v1/")))
    addresses = ["/api/", "/api/v1/", "/api/v1/awards/summary/"]
    for key, url in root["endpoints"].items():
        if key in ("awardsSummary", "schema"):
            continue
        path = url.removeprefix("http://testserver") + "?per_page=100"
        listed = json.loads(text_of(client.get(path)))
        assert listed["next"] is None, path
        addresses.append(path)
        addresses.extend(r["apiUrl"].removeprefix("http://testserver") for r in listed["results"])
    return addresses


def public_addresses(client) -> list[str]:
    """Every public page: the sitemap's, which lists the pages of every public record, and
    those it leaves out (the feed, each role of the directory, the downloads), and the
    API's answers."""
    return [
        *api_addresses(client),
        *sitemap_paths(client),
        reverse("sitemap"),
        reverse("milestone-feed"),
        reverse("update-feed"),
        reverse("workstream-update-feed", args=["open-workstream"]),
        reverse("progress"),
        reverse("commitment-detail", args=["open-commitment"]),
        *(f"{reverse('organisation-list')}?role={role.key}" for role in ROLES),
        *(reverse(name) for name in DOWNLOADS),
    ]


def test_the_walk_reaches_every_kind_of_public_page(client, context, drafts):
    paths = public_addresses(client)

    for url in [
        reverse("home"),
        reverse("workstream-list"),
        context.workstream.get_absolute_url(),
        reverse("organisation-list"),
        context.organisation.get_absolute_url(),
        context.funder.get_absolute_url(),
        reverse("funding-explorer"),
        context.award.get_absolute_url(),
        reverse("funding-programme-list"),
        context.fund.get_absolute_url(),
        reverse("funder-list"),
        reverse("recipient-list"),
        reverse("skills"),
        context.programme.get_absolute_url(),
        context.indicator.get_absolute_url(),
        reverse("timeline"),
        reverse("output-list"),
        reverse("about-data"),
        reverse("milestone-feed"),
        reverse("update-feed"),
        reverse("progress"),
        context.commitment.get_absolute_url(),
        *(reverse(name) for name in DOWNLOADS),
    ]:
        assert url in paths, url


def test_no_page_or_download_names_a_draft(client, drafts):
    named = []
    for url in public_addresses(client):
        content = text_of(client.get(url))
        named.extend((url, text) for text in drafts.hidden if text in content)

    assert named == []


def test_search_finds_no_draft_and_names_none(client, drafts):
    for name in drafts.searches:
        response = client.get(reverse("search"), {"q": name})
        content = text_of(response)

        assert response.context["outcome"].total == 0, name
        # The page repeats what was typed; nothing else it says may name a draft.
        rest = content.replace(name, "")
        assert [text for text in drafts.hidden if text in rest] == [], name


def test_each_drafts_own_address_answers_404(client, drafts):
    # The draft workstream, 16 draft organisations, the awards of a draft funder and of a
    # draft recipient, the draft fund, apprenticeship programme, indicator and award; the
    # draft workstream's update feed, and three commitments: a draft, one of the draft
    # workstream and one traced to a draft output.
    assert len(drafts.addresses) == 27
    for url in drafts.addresses:
        assert client.get(url).status_code == 404, url


def test_the_organisation_page_leaves_out_a_network_of_a_draft_workstream(client, context):
    workstream = WorkstreamFactory(is_published=False)
    network = InitiativeFactory(name="Network of a draft workstream", workstream=workstream)
    TrainingCentreFactory(organisation=context.organisation, network=network, name="The centre")

    for url in (context.organisation.get_absolute_url(), reverse("skills")):
        content = text_of(client.get(url))
        assert "The centre" in content, url
        assert "Network of a draft workstream" not in content, url


@pytest.mark.parametrize(
    ("role", "organisation"),
    [("workstream-partner", "Partner of a draft"), ("employer", "Employer in a draft programme")],
)
def test_a_row_beneath_a_draft_gives_no_role_in_the_directory(client, drafts, role, organisation):
    everyone = text_of(client.get(reverse("organisation-list")))
    in_role = text_of(client.get(reverse("organisation-list"), {"role": role}))

    assert organisation in everyone
    assert organisation not in in_role


def test_a_public_award_names_only_public_parties_in_every_download(client, drafts):
    rows = {
        award["title"]: award
        for award in json.loads(text_of(client.get(reverse("award-download-json"))))["awards"]
    }
    package = json.loads(text_of(client.get(reverse("award-download-360giving"))))
    grants = {grant["title"]: grant for grant in package["grants"]}

    assert rows["Award routed through a draft"]["routed_through"] is None
    assert "routedThrough" not in grants["Award routed through a draft"]
    assert rows["Award of a draft fund"]["programme"] is None
    assert "grantProgramme" not in grants["Award of a draft fund"]
    assert rows["Follow-on of a draft"]["follow_on_of"] is None
    assert "relatedActivity" not in grants["Follow-on of a draft"]
    assert rows["Open award"]["workstreams"] == ["open-workstream"]
    assert [c["code"] for c in grants["Open award"]["classifications"]] == ["open-workstream"]
    for title in ("Gromwell award", "Knapweed award", "Goldenrod award"):
        assert title not in rows
        assert title not in grants


# ---------- public() and is_public agree ----------


def test_every_model_of_the_record_says_what_is_public():
    models = {model for model in record_models() if not model._meta.auto_created}
    assert models == set(PUBLIC_MODELS) | set(TRACKING_MODELS) | set(IMPORT_MODELS)
    for model in models:
        assert callable(getattr(model._default_manager, "public", None)), model
        assert isinstance(getattr(model, "is_public", None), property), model


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=lambda model: model.__name__)
def test_public_and_is_public_agree(drafts, model):
    public = set(model._default_manager.public().values_list("pk", flat=True))
    every = list(model._default_manager.all())

    assert public == {record.pk for record in every if record.is_public}
    # Neither rule is trivially true or false here: the record has rows on both sides.
    assert public
    assert len(public) < len(every)


def relations_to(model) -> list[tuple[type, str]]:
    """(model, foreign key) for every foreign key of the record that points at model."""
    return [
        (relation.related_model, relation.field.name)
        for relation in model._meta.related_objects
        if relation.one_to_many and relation.related_model in PUBLIC_MODELS
    ]


@pytest.mark.parametrize(
    ("child", "key", "model"),
    [(child, key, model) for model in PUBLIC_MODELS for child, key in relations_to(model)],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_public_condition_along_a_relation_agrees_with_public(drafts, child, key, model):
    """A model's rule joined along a foreign key picks the same rows as its public()."""
    manager = model._default_manager
    joined = child._default_manager.filter(manager.public_condition(f"{key}__"))
    chosen = child._default_manager.filter(**{f"{key}__in": manager.public()})

    assert set(joined.values_list("pk", flat=True)) == set(chosen.values_list("pk", flat=True))


# ---------- What it costs ----------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        text_of(client.get(url))
    return len(queries.captured_queries)


def test_public_costs_no_query_per_row_on_any_page(client, settings, context):
    """Every page and download costs the same queries with one set of drafts and published
    records beneath them as with three: the parents' rules are joins, and what is_public
    reads is joined where a page asks it."""
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    build_drafts(context)
    urls = [
        *public_addresses(client),
        f"{reverse('search')}?q=open",
        f"{reverse('search')}?q=open&kind=awards",
    ]
    with_one = {url: count_queries(client, url) for url in urls}
    build_drafts(context, copy=1)
    build_drafts(context, copy=2)

    assert {url: count_queries(client, url) for url in urls} == with_one
