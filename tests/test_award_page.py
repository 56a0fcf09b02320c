"""One award's page: its parties, amount, dates, programme, follow-on chain and linked
milestones and outputs, public rows only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page

pytestmark = pytest.mark.django_db


# ---------- One award ----------


def test_award_page_shows_parties_amount_date_programme_and_workstreams(client):
    workstream = WorkstreamFactory(name="Skills")
    award = AwardFactory(
        identifier="360G-MMIP-2020-ATSTN",
        title="Advanced Therapies Skills Training Network",
        funder=OrganisationFactory(name="BEIS"),
        routed_through=OrganisationFactory(name="UKRI"),
        recipient=OrganisationFactory(name="Cell and Gene Therapy Catapult"),
        amount=Decimal("4700000"),
        award_date=datetime.date(2020, 1, 1),
        award_date_precision="year",
        programme=FundingProgrammeFactory(name="Medicines Manufacturing Challenge"),
    )
    award.workstreams.add(
        workstream, WorkstreamFactory(name="Draft workstream", is_published=False)
    )

    content = page(client, reverse("award-detail", args=["360G-MMIP-2020-ATSTN"]))

    assert "<h1>Advanced Therapies Skills Training Network</h1>" in content
    assert "360G-MMIP-2020-ATSTN" in content
    assert "£4,700,000" in content
    assert "BEIS" in content
    assert "UKRI" in content
    assert "Cell and Gene Therapy Catapult" in content
    assert '<time datetime="2020">2020</time>' in content
    assert "Medicines Manufacturing Challenge" in content
    assert f'href="{workstream.get_absolute_url()}"' in content
    assert "Draft workstream" not in content


def test_an_award_waits_for_its_funder_and_recipient_to_be_published(client):
    # Every page and download names an award's funder and recipient, and a 360Giving grant
    # must, so an award with a draft party is not public until both are.
    recipient = OrganisationFactory(name="Newly added recipient", is_published=False)
    award = AwardFactory(recipient=recipient)

    assert client.get(award.get_absolute_url()).status_code == 404

    recipient.is_published = True
    recipient.save()
    content = page(client, award.get_absolute_url())

    assert f'<a href="{recipient.get_absolute_url()}">Newly added recipient</a>' in content


def test_award_page_leaves_out_a_draft_body_the_money_was_routed_through(client):
    award = AwardFactory(routed_through=OrganisationFactory(name="Draft body", is_published=False))

    content = page(client, award.get_absolute_url())

    assert "Draft body" not in content
    assert "Routed through" not in content
    assert " through " not in content


def test_award_page_hides_a_draft_programme(client):
    award = AwardFactory(
        programme=FundingProgrammeFactory(name="Unlaunched fund", is_published=False)
    )

    assert "Unlaunched fund" not in page(client, award.get_absolute_url())


def test_award_page_says_where_the_award_benefits_only_when_known(client):
    known = AwardFactory(beneficiary_region="northern-ireland")
    unknown = AwardFactory(beneficiary_region="")

    assert "<dt>Where it benefits</dt><dd>Northern Ireland</dd>" in page(
        client, known.get_absolute_url()
    )
    assert "Where it benefits" not in page(client, unknown.get_absolute_url())


def test_award_page_shows_the_follow_on_chain_published_only(client):
    first = AwardFactory(title="2018 apprenticeships", award_date=datetime.date(2018, 1, 1))
    draft = AwardFactory(
        title="Draft middle award",
        follow_on_of=first,
        award_date=datetime.date(2019, 1, 1),
        is_published=False,
    )
    award = AwardFactory(
        title="2020 award", follow_on_of=draft, award_date=datetime.date(2020, 1, 1)
    )
    AwardFactory(title="2021 follow-on", follow_on_of=award, award_date=datetime.date(2021, 1, 1))
    AwardFactory(title="Unrelated award")

    content = page(client, award.get_absolute_url())

    assert in_order(
        content, "This award continues", "2018 apprenticeships", "Continued by", "2021 follow-on"
    )
    assert "Draft middle award" not in content
    assert "Unrelated award" not in content


def test_a_mistaken_loop_of_follow_ons_still_renders(client):
    first = AwardFactory(title="First of the loop")
    second = AwardFactory(title="Second of the loop", follow_on_of=first)
    first.follow_on_of = second
    first.save()

    assert "Second of the loop" in page(client, first.get_absolute_url())


def test_award_page_lists_published_milestones_and_outputs(client):
    award = AwardFactory()
    award.milestones.add(
        MilestoneFactory(title="Investment announced"),
        MilestoneFactory(title="Draft milestone", is_published=False),
        MilestoneFactory(
            title="Milestone of a draft workstream",
            workstream=WorkstreamFactory(is_published=False),
        ),
    )
    award.outputs.add(
        OutputFactory(title="Apprenticeships report"),
        OutputFactory(title="Draft output", is_published=False),
    )

    content = page(client, award.get_absolute_url())

    assert "Investment announced" in content
    assert "Apprenticeships report" in content
    for hidden in ["Draft milestone", "Milestone of a draft workstream", "Draft output"]:
        assert hidden not in content, hidden


def test_a_draft_or_unknown_award_answers_404(client):
    draft = AwardFactory(is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("award-detail", args=["360G-MMIP-NONE"])).status_code == 404


def test_an_award_whose_identifier_has_slashes_has_its_page_at_that_address(client):
    # Publishers' own references often hold slashes (Wellcome's 215678/Z/19/Z), and an
    # imported award keeps its publisher's identifier.
    award = AwardFactory(identifier="360G-Wellcome-215678/Z/19/Z", title="Bioprocessing")

    assert award.get_absolute_url() == "/funding/360G-Wellcome-215678/Z/19/Z/"
    assert "Bioprocessing" in page(client, award.get_absolute_url())


def build_award_rows(award, n: int) -> None:
    for _ in range(n):
        award.workstreams.add(WorkstreamFactory())
        award.milestones.add(MilestoneFactory())
        award.outputs.add(OutputFactory())
    # Lengthen the chain at both ends: n more awards before and n more after.
    earliest = award
    while earliest.follow_on_of_id:
        earliest = earliest.follow_on_of
    latest = award
    while latest.follow_ons.exists():
        latest = latest.follow_ons.get()
    for _ in range(n):
        new_first = AwardFactory()
        earliest.follow_on_of = new_first
        earliest.save()
        earliest = new_first
        latest = AwardFactory(follow_on_of=latest)


def test_award_page_query_count_does_not_grow(client):
    award = AwardFactory()
    build_award_rows(award, 3)
    with_three = count_queries(client, award.get_absolute_url())
    build_award_rows(award, 27)
    # 1 the award with funder, recipient, routed-through and programme, 2 its published
    # workstreams, 3 its milestones with their workstreams, 4 its outputs, 5 the earlier
    # awards of its chain, 6 the later ones (each one recursive query with its parties),
    # 7 the datasets it was imported from.
    assert count_queries(client, award.get_absolute_url()) == with_three == 7
