"""The public side of tracking: /progress/ with its workstream filter and downloads, a
commitment's page, and the Atom feed of approved updates. What each page shows, that nothing
unapproved or unpublished shows, and that each costs the same queries with 3 commitments as
with 30."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.pages import count_queries, page
from tracking.models import Commitment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


approved = f.approved_update
in_state = f.unapproved_update


# A commitment's page -----------------------------------------------------------------------


def test_a_commitment_page_shows_its_source_owners_status_history_updates_and_evidence():
    owner = f.OrganisationFactory(name="Cell and Gene Therapy Catapult")
    hidden_owner = f.OrganisationFactory(name="Secret Owner Ltd", is_published=False)
    commitment = f.CommitmentFactory(
        title="An end-to-end talent plan",
        source_reference="A recommendation of the Action Plan",
        due_date=datetime.date(2020, 1, 1),
        due_precision="year",
        status=Commitment.Status.IN_PROGRESS,
        rating="amber",
        rating_reason="Funding beyond 2021 is not yet agreed.",
    )
    commitment.owners.add(owner, hidden_owner)
    award = f.AwardFactory(title="Apprenticeships award")
    commitment.evidence_awards.add(award)
    change = f.StatusChangeFactory(commitment=commitment, reason="Apprentices started.")
    update = approved(commitment=commitment, narrative="Forty apprentices enrolled.")
    change.update = update
    change.save()

    content = page(Client(), commitment.get_absolute_url())

    assert commitment.get_absolute_url() == f"/commitments/{commitment.slug}/"
    for text in [
        "An end-to-end talent plan",
        commitment.workstream.name,
        "A recommendation of the Action Plan",
        commitment.source.title,
        "Cell and Gene Therapy Catapult",
        "2020",
        "In progress",
        "Amber",
        "Funding beyond 2021 is not yet agreed.",
        "Late",
        "Apprentices started.",
        "Forty apprentices enrolled.",
        "Apprenticeships award",
        award.get_absolute_url(),
    ]:
        assert text in content, text
    assert "Secret Owner Ltd" not in content
    assert 'href="/progress/"' in content  # the trail: Home, Progress, the commitment


@pytest.mark.parametrize(
    "hidden",
    [
        {"is_published": False},
        {"workstream__is_published": False},
        {"source__is_published": False},
    ],
)
def test_a_commitment_the_public_may_not_see_is_not_found(client, hidden):
    commitment = f.CommitmentFactory(**hidden)
    assert client.get(commitment.get_absolute_url()).status_code == 404


def test_a_commitment_page_never_shows_an_update_not_yet_approved(client):
    commitment = f.CommitmentFactory()
    for state in ["draft", "submitted", "returned"]:
        in_state(state, narrative=f"Unapproved {state} narrative", commitment=commitment)
    content = page(client, commitment.get_absolute_url())
    assert "Unapproved" not in content


def commitments(count: int):
    workstream = f.WorkstreamFactory()
    source = f.OutputFactory()
    owner = f.OrganisationFactory()
    made = []
    for n in range(count):
        commitment = f.CommitmentFactory(
            workstream=workstream,
            source=source,
            due_date=TODAY + datetime.timedelta(days=n - count // 2),
            rating=["red", "amber", "green"][n % 3],
            rating_reason="Because.",
        )
        commitment.owners.add(owner)
        commitment.evidence_outputs.add(source)
        change = f.StatusChangeFactory(commitment=commitment)
        approved(commitment=commitment)
        approved(workstream=workstream)
        made.append(change)
    return workstream, made


def test_a_commitment_page_costs_the_same_queries_however_much_it_holds(client):
    _, few = commitments(3)
    one = few[0].commitment
    before = count_queries(client, one.get_absolute_url())
    for _ in range(27):
        f.StatusChangeFactory(commitment=one, reason="Again.")
        approved(commitment=one)
    # 1 the commitment with its workstream and source; 2 its public owners; 3-6 its public
    # evidence: outputs, awards, milestones, initiatives; 7 its status changes; 8 its
    # approved updates.
    assert before == count_queries(client, one.get_absolute_url()) == 8


# /progress/ ------------------------------------------------------------------------------


def test_progress_shows_counts_late_and_at_risk_delivered_lately_due_next_and_updates(client):
    workstream = f.WorkstreamFactory(name="Skills")
    late = f.CommitmentFactory(
        workstream=workstream,
        title="A late commitment",
        due_date=TODAY - datetime.timedelta(days=400),
        rating="red",
        rating_reason="The provider withdrew.",
    )
    soon = f.CommitmentFactory(
        workstream=workstream,
        title="A commitment due soon",
        due_date=TODAY + datetime.timedelta(days=30),
    )
    delivered = f.CommitmentFactory(
        workstream=workstream, title="A delivered commitment", status=Commitment.Status.DELIVERED
    )
    f.StatusChangeFactory(
        commitment=delivered,
        from_status=Commitment.Status.IN_PROGRESS,
        to_status=Commitment.Status.DELIVERED,
        reason="Done.",
    )
    approved(commitment=soon, narrative="Recruitment is under way.")

    content = page(client, reverse("progress"))

    for text in [
        "3 commitments",
        "A late commitment",
        "The provider withdrew.",
        "A commitment due soon",
        "A delivered commitment",
        "Recruitment is under way.",
        late.get_absolute_url(),
    ]:
        assert text in content, text


def test_progress_filters_by_workstream_in_the_address(client):
    skills = f.CommitmentFactory(title="Skills commitment", workstream__name="Skills").workstream
    f.CommitmentFactory(title="Fiscal commitment", workstream__name="Fiscal")
    content = page(client, reverse("progress"), {"workstream": skills.slug})
    assert "Skills commitment" in content
    assert "Fiscal commitment" not in content
    assert "1 commitment of the workstream chosen" in content
    # The downloads and the feed offered are the workstream's.
    assert f"/progress/progress.csv?workstream={skills.slug}" in content
    assert f"/progress/progress.json?workstream={skills.slug}" in content
    assert f"/feeds/updates/{skills.slug}/" in content


@pytest.mark.parametrize("bad", ["nonsense", "x" * 5000, "'; drop table x; --", "\x00"])
def test_a_bad_workstream_is_left_out_with_a_plain_message(client, bad):
    f.CommitmentFactory(title="Some commitment")
    content = page(client, reverse("progress"), {"workstream": bad})
    assert "was left out" in content
    assert "Some commitment" in content  # the rest of the page still answers


def tracked_work(count: int):
    """count commitments (commitments() above), and for each of them a milestone and an
    initiative in each state /progress/ lists (late, at risk, due next, done lately), an
    indicator with a past and a current period, and a commitment delivered lately."""
    workstream, changes = commitments(count)
    plans = [
        {"delivery_status": "planned", "planned_date": TODAY - datetime.timedelta(days=30)},
        {
            "delivery_status": "at-risk",
            "planned_date": TODAY + datetime.timedelta(days=30),
            "rating": "red",
            "rating_reason": "Short of staff.",
        },
        {"delivery_status": "on-track", "planned_date": TODAY + datetime.timedelta(days=10)},
        {"delivery_status": "done", "actual_date": TODAY - datetime.timedelta(days=5)},
    ]
    for _ in range(count):
        for plan in plans:
            f.MilestoneFactory(workstream=workstream, **plan)
            f.InitiativeFactory(workstream=workstream, **plan)
        indicator = f.IndicatorFactory()
        indicator.workstreams.add(workstream)
        f.IndicatorPeriodFactory(
            indicator=indicator,
            start=TODAY - datetime.timedelta(days=400),
            end=TODAY - datetime.timedelta(days=31),
        )
        f.IndicatorPeriodFactory(
            indicator=indicator,
            start=TODAY - datetime.timedelta(days=30),
            end=TODAY + datetime.timedelta(days=300),
            actual=40,
            actual_source_title="The provider's count",
        )
        delivered = f.CommitmentFactory(
            workstream=workstream, source=changes[0].commitment.source, status="delivered"
        )
        f.StatusChangeFactory(
            commitment=delivered, from_status="in-progress", to_status="delivered"
        )
    return workstream


def test_progress_costs_the_same_queries_with_3_of_each_as_with_30(client, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    workstream = tracked_work(3)
    few = count_queries(client, reverse("progress"))
    filtered_few = count_queries(client, reverse("progress"), {"workstream": workstream.slug})
    tracked_work(27)
    # 1 the workstreams to choose from; 2 how many commitments, for the pages of them; 3-5
    # the counts by status, rating and late of commitments, milestones and initiatives; 6-8
    # late or at risk, of each of the three; 9 commitments delivered lately (their status
    # changes); 10-11 milestones and initiatives done lately; 12-14 due next, of each of
    # the three; 15 the indicators' latest periods; 16 the latest updates; 17 this page of
    # every commitment.
    assert few == count_queries(client, reverse("progress")) == 17
    assert filtered_few == count_queries(
        client, reverse("progress"), {"workstream": workstream.slug}
    )
    # The overview remembered from an earlier request: 1 the record generation; 2 the cache
    # entry, standing in for the counts, the lists, the periods and the updates (3-16); 3 the
    # workstreams to choose from; 4-5 how many commitments and this page of them.
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    client.get(reverse("progress"))
    assert count_queries(client, reverse("progress")) == 5


def test_the_overview_follows_the_record_and_the_day(client, settings):
    """The counts and lists are remembered until the record changes or the day does, never
    past it."""
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    f.CommitmentFactory(
        title="Due in June", due_date=datetime.date(2026, 6, 1), due_precision="day"
    )
    with time_machine.travel(datetime.datetime(2026, 5, 31, 12, tzinfo=datetime.UTC)):
        content = client.get(reverse("progress")).content.decode()
        assert "1 commitment" in content
        assert "None of these is late." in content
        assert "Nothing is late, at risk or rated red or amber." in content
        f.CommitmentFactory(due_date=None)
        content = client.get(reverse("progress")).content.decode()
        assert "2 commitments" in content
        update = approved(
            commitment=f.CommitmentFactory(), narrative="Approved since the page was made."
        )
        assert update.narrative in client.get(reverse("progress")).content.decode()
    with time_machine.travel(datetime.datetime(2026, 6, 3, 12, tzinfo=datetime.UTC)):
        response = client.get(reverse("progress"))
        assert "Of these, 1 commitment is late" in response.content.decode()
        assert [item.title for item in response.context["late_or_at_risk"]] == ["Due in June"]


# The feed --------------------------------------------------------------------------------


def test_the_feed_holds_approved_updates_only_programme_wide_and_per_workstream(client):
    commitment = f.CommitmentFactory()
    other = f.WorkstreamFactory()
    approved(commitment=commitment, narrative="Approved on the commitment.")
    approved(workstream=other, narrative="Approved on another workstream.")
    for state in ["draft", "submitted", "returned"]:
        in_state(state, narrative=f"Unapproved {state} narrative", commitment=commitment)
    approved(commitment=f.CommitmentFactory(is_published=False), narrative="On a draft.")

    everything = page(client, reverse("update-feed"))
    assert "Approved on the commitment." in everything
    assert "Approved on another workstream." in everything
    assert "Unapproved" not in everything
    assert "On a draft." not in everything

    one = page(client, reverse("workstream-update-feed", args=[commitment.workstream.slug]))
    assert "Approved on the commitment." in one
    assert "Approved on another workstream." not in one
    hidden = f.WorkstreamFactory(is_published=False)
    assert client.get(reverse("workstream-update-feed", args=[hidden.slug])).status_code == 404


def test_the_feed_costs_the_same_queries_with_3_updates_as_with_30(client):
    workstream, _ = commitments(3)
    few = count_queries(client, reverse("update-feed"))
    few_one = count_queries(client, reverse("workstream-update-feed", args=[workstream.slug]))
    commitments(27)
    # 1 the approved updates with their targets and those targets' workstreams.
    assert few == count_queries(client, reverse("update-feed")) == 1
    # 1 the workstream; 2 its approved updates.
    assert (
        few_one
        == count_queries(client, reverse("workstream-update-feed", args=[workstream.slug]))
        == 2
    )


# Sitemap and search ----------------------------------------------------------------------


def test_public_commitments_and_the_progress_page_are_in_the_sitemap(client):
    public = f.CommitmentFactory()
    draft = f.CommitmentFactory(is_published=False)
    content = page(client, reverse("sitemap"))
    assert f"http://testserver{reverse('progress')}<" in content
    assert f"http://testserver{public.get_absolute_url()}<" in content
    assert draft.get_absolute_url() not in content


def test_search_finds_public_commitments_only(client):
    public = f.CommitmentFactory(title="A talent plan for technicians")
    f.CommitmentFactory(title="A talent plan kept back", is_published=False)
    content = page(client, reverse("search"), {"q": "talent plan"})
    assert public.get_absolute_url() in content
    assert "kept back" not in content
    content = page(client, reverse("search"), {"q": "talent", "kind": "commitments"})
    assert "Commitment of the" in content


def test_a_workstream_page_lists_its_public_commitments_with_their_status(client):
    commitment = f.CommitmentFactory(
        title="A talent plan",
        status=Commitment.Status.IN_PROGRESS,
        rating="green",
        rating_reason="On course.",
    )
    f.CommitmentFactory(
        workstream=commitment.workstream, title="A commitment kept back", is_published=False
    )
    content = page(client, commitment.workstream.get_absolute_url())
    assert commitment.get_absolute_url() in content
    assert "In progress" in content
    assert "Green" in content
    assert "kept back" not in content


def test_each_feed_entry_leads_to_where_its_update_is_shown(client):
    commitment = f.CommitmentFactory()
    on_commitment = approved(commitment=commitment)
    on_workstream = approved(workstream=commitment.workstream)
    feed = page(client, reverse("update-feed"))
    assert f"{commitment.get_absolute_url()}#update-{on_commitment.pk}" in feed
    workstream_link = (
        f"/progress/?workstream={commitment.workstream.slug}#update-{on_workstream.pk}"
    )
    assert workstream_link in feed
    progress = page(client, reverse("progress"), {"workstream": commitment.workstream.slug})
    assert f'id="update-{on_workstream.pk}"' in progress


def test_an_update_on_a_milestone_or_an_indicator_period_leads_to_where_its_target_is_shown(
    client,
):
    workstream = f.WorkstreamFactory()
    milestone = f.MilestoneFactory(workstream=workstream)
    indicator = f.IndicatorFactory()
    indicator.workstreams.add(workstream)
    period = f.IndicatorPeriodFactory(indicator=indicator)
    on_milestone = approved(milestone=milestone)
    on_period = approved(period=period)

    feed = page(client, reverse("update-feed"))
    progress = page(client, reverse("progress"))

    place, _, anchor = milestone.get_absolute_url().partition("#")
    assert f"{place}?update={on_milestone.pk}#{anchor}" in feed
    assert f"{indicator.get_absolute_url()}?update={on_period.pk}<" in feed
    assert "#update-" not in feed  # neither page lists updates: no anchor that leads nowhere
    assert f'<a href="{milestone.get_absolute_url()}">' in progress
    assert f'<a href="{indicator.get_absolute_url()}">' in progress
    assert 'href=""' not in progress
