"""The staff's front page (the admin's index): counts of the progress updates awaiting me and
my own unfinished ones, of what each open round still needs, of what is late, and of records
that need attention, each a link to a list of exactly that many rows. A reporter or reviewer
sees their workstreams only; each count only to whoever may open its list; at a cost that
does not grow with the record."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.test_tracking_review import client_for, staff
from tracking import services

pytestmark = pytest.mark.django_db

TODAY = "2026-11-16 09:00:00+00:00"
INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def some_of_everything(workstream, *, number: int = 0):
    """Of one workstream: a late commitment and one on time, a late milestone, one tracked
    with no planned date, an initiative still to deliver and a period ending in 2026 Q4."""
    f.CommitmentFactory(
        workstream=workstream,
        status="in-progress",
        due_date=datetime.date(2026, 3, 1),
        due_precision="month",
    )
    owned = f.CommitmentFactory(workstream=workstream, due_date=datetime.date(2027, 6, 1))
    owned.owners.add(f.OrganisationFactory())
    f.MilestoneFactory(
        workstream=workstream, delivery_status="on-track", planned_date=datetime.date(2026, 6, 1)
    )
    f.MilestoneFactory(workstream=workstream, delivery_status="planned")
    f.InitiativeFactory(
        workstream=workstream, delivery_status="at-risk", planned_date=datetime.date(2027, 1, 1)
    )
    indicator = f.IndicatorFactory()
    indicator.workstreams.set([workstream])
    f.IndicatorPeriodFactory(
        indicator=indicator, start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31)
    )
    f.OutputFactory()  # with no web address and no source
    f.OutputFactory(url="https://example.org/report")
    f.AwardFactory()  # to a recipient with no organisation identifier
    f.AwardFactory(recipient=f.OrganisationFactory(org_id=f"GB-COH-{number:08d}"))


@pytest.fixture
def programme(db):
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment")
    round_ = f.ReportingRoundFactory(
        name="2026 Q4",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        due_date=datetime.date(2027, 1, 31),
    )
    some_of_everything(skills, number=1)
    some_of_everything(fiscal, number=2)
    people = {
        "reporter": staff("reporter", "Reporters", reports=[skills]),
        "colleague": staff("colleague", "Reporters", reports=[skills]),
        "reviewer": staff("reviewer", "Reviewers", reviews=[skills]),
        "fiscal_reporter": staff("fiscal-reporter", "Reporters", reports=[fiscal]),
        "editor": staff("editor", "Editors"),
        "viewer": staff("viewer", "Viewers"),
        "nobody": staff("nobody"),
    }
    people["admin"] = f.StaffUserFactory(username="admin", is_superuser=True)

    def update(author, **target):
        return f.ProgressUpdateFactory(author=author, **{"workstream": None, **target})

    # The reporter's own: a draft in the round on Skills, and one returned to them.
    update(people["reporter"], workstream=skills, round=round_)
    returned = update(people["reporter"], commitment=skills.commitments.first())
    services.submit_update(update=returned, author=people["reporter"])
    services.return_update(update=returned, reviewer=people["reviewer"], note="Say more.")
    # Awaiting review: a colleague's on Skills, and one on Fiscal Environment.
    awaiting = update(people["colleague"], milestone=skills.milestones.first(), round=round_)
    services.submit_update(update=awaiting, author=people["colleague"])
    on_fiscal = update(people["fiscal_reporter"], workstream=fiscal, round=round_)
    services.submit_update(update=on_fiscal, author=people["fiscal_reporter"])
    return people


def front_page(user) -> dict[str, dict[str, int]]:
    """What the page shows ``user``: each section's counts by label."""
    response = client_for(user).get(INDEX)
    assert response.status_code == 200
    return {
        section.title: {count.label: count.count for count in section.counts}
        for section in response.context["front_page"]
    }


PEOPLE = ["reporter", "reviewer", "editor", "viewer", "admin", "nobody"]


@pytest.mark.parametrize("who", PEOPLE)
def test_each_count_leads_to_a_list_of_exactly_that_many_rows(programme, who):
    client = client_for(programme[who])
    sections = client.get(INDEX).context["front_page"]

    checked = 0
    for section in sections:
        for count in section.counts:
            response = client.get(count.url)
            assert response.status_code == 200, (section.title, count.label, count.url)
            changelist = response.context["cl"]
            assert changelist.result_count == count.count, (section.title, count.label)
            assert len(changelist.result_list) == count.count
            checked += count.count
    assert (checked > 0) == (who != "nobody")


def test_a_reporter_sees_their_workstreams_only(programme):
    shown = front_page(programme["reporter"])

    assert shown == {
        "Your progress updates": {
            "Awaiting your review": 0,
            "Your drafts and returned updates": 2,
        },
        # Skills itself has its draft only; the milestone its colleague's submitted update.
        "Still needs an update in 2026 Q4 (due 31 January 2027), on your workstreams": {
            "Workstreams": 1,
            "Commitments": 2,
            "Milestones": 1,
            "Initiatives": 1,
            "Reporting periods": 1,
        },
        "Late, on your workstreams": {"Commitments": 1, "Milestones": 1},
    }


def test_a_reviewer_sees_what_awaits_them_and_neither_their_own_nor_another_workstreams(
    programme,
):
    shown = front_page(programme["reviewer"])

    assert shown["Your progress updates"] == {
        "Awaiting your review": 1,
        "Your drafts and returned updates": 0,
    }
    # Reviewers read commitments, but not workstreams, milestones or periods.
    assert shown["Still needs an update in 2026 Q4 (due 31 January 2027), on your workstreams"] == {
        "Commitments": 2
    }
    assert shown["Late, on your workstreams"] == {"Commitments": 1}
    assert "Records that need attention" not in shown
    # Their own submitted update is not for them to review.
    skills = programme["reporter"].workstream_roles.get().workstream
    f.ProgressUpdateFactory(
        author=programme["reviewer"],
        workstream=None,
        commitment=skills.commitments.last(),
        state="submitted",
        submitted_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        started_from={},
    )
    assert front_page(programme["reviewer"])["Your progress updates"]["Awaiting your review"] == 1


def test_editors_see_the_whole_programme_and_what_needs_attention(programme):
    shown = front_page(programme["editor"])

    assert "Your progress updates" not in shown
    assert shown["Still needs an update in 2026 Q4 (due 31 January 2027)"] == {
        "Workstreams": 1,
        "Commitments": 4,
        "Milestones": 3,
        "Initiatives": 2,
        "Reporting periods": 2,
    }
    assert shown["Late"] == {"Commitments": 2, "Milestones": 2}
    assert shown["Records that need attention"] == {
        # One a workstream, and the source of each commitment, which the factory leaves bare.
        "Outputs with no web address and no source": 6,
        "Awards whose recipient has no organisation identifier": 2,
        "Commitments with no owner named": 2,
        "Milestones tracked with no planned date": 2,
        "Initiatives tracked with no planned date": 0,
    }


def test_who_may_not_change_records_is_not_shown_what_needs_attention(programme):
    shown = front_page(programme["viewer"])

    assert "Records that need attention" not in shown
    assert shown["Late"] == {"Commitments": 2, "Milestones": 2}


def test_who_may_open_no_list_is_shown_nothing(programme):
    response = client_for(programme["nobody"]).get(INDEX)

    assert response.context["front_page"] == []
    assert "What awaits you" not in response.content.decode()


def test_the_page_says_when_a_round_is_overdue_and_leaves_out_closed_rounds(programme):
    f.ReportingRoundFactory(name="2026 Q3 (closed)", is_open=False)
    with time_machine.travel("2027-02-10 09:00:00+00:00", tick=False):
        shown = front_page(programme["editor"])

    assert "Still needs an update in 2026 Q4 (due 31 January 2027, overdue)" in shown
    assert not any("closed" in title for title in shown)


def test_the_page_shows_counts_as_links(programme):
    content = client_for(programme["editor"]).get(INDEX).content.decode()

    assert "What awaits you" in content
    assert '<a href="/admin/tracking/commitment/?late=yes">Commitments</a>' in content
    assert (
        '<a href="/admin/workstreams/output/?url__isempty=1&amp;source_url__isempty=1">'
        "Outputs with no web address and no source</a>"
    ) in content


@pytest.mark.parametrize("who", ["reporter", "admin"])
def test_the_page_costs_the_same_with_3_and_30_of_everything(programme, who):
    client = client_for(programme[who])
    skills = programme["reporter"].workstream_roles.get().workstream

    def cost():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INDEX)
        assert response.status_code == 200
        return len(queries), response.context["front_page"]

    for number in range(3):
        some_of_everything(skills, number=10 + number)
    client.get(INDEX)
    # The user (and, for staff in groups, their permissions), whether they hold a role, two
    # counts of updates, one query for every open round's count of each kind, two counts of
    # late work and five of records needing attention (those they may see), whether they
    # report anywhere (asked by the list of records, for adding an update) and the recent
    # actions. None grows with the record.
    three, before = cost()
    for number in range(27):
        some_of_everything(skills, number=20 + number)
    thirty, after = cost()

    assert thirty == three
    assert before != after  # the counts grew; the queries did not


@pytest.mark.parametrize("value", ["", "yes", "no-owner; DROP", "\u0661"])
def test_a_bad_attention_value_leaves_the_list_unfiltered(programme, value):
    client = client_for(programme["editor"])
    url = reverse("admin:workstreams_milestone_changelist")
    everything = client.get(url).context["cl"].result_count

    response = client.get(url, {"attention": value})

    assert response.status_code == 200
    assert response.context["cl"].result_count == everything


def test_the_lists_filters_show_their_counts_on_request(programme):
    client = client_for(programme["admin"])
    for name in ("commitment", "milestone", "initiative"):
        app = "tracking" if name == "commitment" else "workstreams"
        response = client.get(reverse(f"admin:{app}_{name}_changelist"), {"_facets": "True"})
        assert response.status_code == 200
