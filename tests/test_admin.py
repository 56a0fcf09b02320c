"""The admin as the staff's daily tool: every record's pages, permissions, bulk publishing,
the cohort employer check, protected deletes and changelists that do not grow in queries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from mmip.records import PublishableModel
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from tests import factories
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

# Autocomplete and changelists page through these querysets: they must keep an order.
pytestmark = pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")

RECORD_APPS = {"mmip", "workstreams", "funding", "skills"}

FACTORIES = {
    Organisation: factories.OrganisationFactory,
    Workstream: factories.WorkstreamFactory,
    Partnership: factories.PartnershipFactory,
    Initiative: factories.InitiativeFactory,
    Milestone: factories.MilestoneFactory,
    Output: factories.OutputFactory,
    Indicator: factories.IndicatorFactory,
    IndicatorPeriod: factories.IndicatorPeriodFactory,
    IndicatorValue: factories.IndicatorValueFactory,
    FundingProgramme: factories.FundingProgrammeFactory,
    Award: factories.AwardFactory,
    ApprenticeshipProgramme: factories.ApprenticeshipProgrammeFactory,
    Cohort: factories.CohortFactory,
    CohortEmployer: factories.CohortEmployerFactory,
    TrainingCentre: factories.TrainingCentreFactory,
    LearningResource: factories.LearningResourceFactory,
}

RECORD_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in RECORD_APPS),
    key=lambda model: model._meta.label,
)
PUBLISHABLE_MODELS = [model for model in RECORD_MODELS if issubclass(model, PublishableModel)]


def by_label(models):
    return pytest.mark.parametrize("model", models, ids=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_row(model):
    """One row as a changelist shows it, with the relations its columns read filled in."""
    obj = FACTORIES[model]()
    if model is Output:
        obj.publishers.add(factories.OrganisationFactory())
    elif model is Cohort:
        factories.CohortEmployerFactory(cohort=obj)
    elif model is Award:
        obj.workstreams.add(factories.WorkstreamFactory())
    return obj


def form_data(response) -> dict:
    """What a browser would post back from an admin add or change page left as it is."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def form_errors(response) -> list:
    """The errors an admin page shows, for a failing assertion's message."""
    if response.context is None:
        return []
    return [
        response.context["adminform"].form.errors,
        *(inline.formset.errors for inline in response.context["inline_admin_formsets"]),
        *(inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"]),
    ]


def changelist_rows(response) -> set:
    return set(response.context["cl"].result_list)


def test_every_record_model_has_an_admin():
    assert set(RECORD_MODELS) == set(FACTORIES)


def test_the_admin_says_what_it_is(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "MMIP programme tracker — staff" in response.content.decode()
    assert "Keep the MMIP record" in response.content.decode()


# The pages an editor uses every day.


@by_label(RECORD_MODELS)
def test_editor_opens_the_changelist_add_and_change_pages(editor_client, model):
    obj = make_row(model)

    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ):
        assert editor_client.get(url).status_code == 200, url


@by_label(RECORD_MODELS)
def test_editor_saves_a_change_page_posted_back_unchanged(editor_client, model):
    obj = make_row(model)
    url = admin_url(model, "change", obj.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)))

    assert response.status_code == 302, form_errors(response)


@by_label(RECORD_MODELS)
def test_records_with_a_public_page_offer_view_on_site(editor_client, model):
    obj = make_row(model)
    content_type = ContentType.objects.get_for_model(model)
    link = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])

    content = editor_client.get(admin_url(model, "change", obj.pk)).content.decode()

    if hasattr(model, "get_absolute_url"):
        assert "View on site" in content
        assert link in content
        assert editor_client.get(link)["Location"].endswith(obj.get_absolute_url())
    else:
        assert "View on site" not in content


def test_award_identifier_cannot_change_once_saved(editor_client):
    award = factories.AwardFactory(identifier="360G-MMIP-KEEP")
    url = admin_url(Award, "change", award.pk)
    data = form_data(editor_client.get(url))
    data["identifier"] = "360G-MMIP-CHANGED"

    editor_client.post(url, data)

    award.refresh_from_db()
    assert award.identifier == "360G-MMIP-KEEP"


def test_organisation_autocomplete_finds_by_short_name(editor_client):
    factories.OrganisationFactory(name="Innovate UK", short_name="IUK")
    factories.OrganisationFactory(name="Cell and Gene Therapy Catapult")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "funding", "model_name": "award", "field_name": "funder", "term": "IUK"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Innovate UK"]


AUTOCOMPLETE_FIELDS = [
    (model, field)
    for model in RECORD_MODELS
    for field in admin.site._registry[model].autocomplete_fields
]


@pytest.mark.parametrize(
    ("model", "field"),
    AUTOCOMPLETE_FIELDS,
    ids=[f"{model._meta.label}.{field}" for model, field in AUTOCOMPLETE_FIELDS],
)
def test_every_autocomplete_field_answers_in_order(editor_client, model, field):
    target = model._meta.get_field(field).related_model
    for _ in range(2):
        FACTORIES[target]()

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
        },
    )

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 2


# What a viewer may and may not do.


@by_label(RECORD_MODELS)
def test_viewer_reads_changelist_and_change_page_without_a_save_button(viewer_client, model):
    obj = make_row(model)

    changelist = viewer_client.get(admin_url(model, "changelist"))
    change = viewer_client.get(admin_url(model, "change", obj.pk))

    assert changelist.status_code == 200
    assert "Publish selected" not in changelist.content.decode()
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    assert 'name="_save"' not in change.content.decode()


@by_label(RECORD_MODELS)
def test_viewer_is_refused_adding_changing_and_deleting(client, editor, viewer, model):
    obj = make_row(model)
    change_url = admin_url(model, "change", obj.pk)
    client.force_login(editor)
    data = form_data(client.get(change_url))
    client.force_login(viewer)

    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), data).status_code == 403
    assert client.post(change_url, data).status_code == 403
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


# Publishing in bulk.


def post_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0},
        follow=True,
    )


@by_label(PUBLISHABLE_MODELS)
def test_editor_publishes_and_unpublishes_in_bulk(editor_client, editor, model):
    drafts = [FACTORIES[model](is_published=False) for _ in range(2)]
    published = FACTORIES[model](is_published=True)
    selected = [*drafts, published]
    plural = model._meta.verbose_name_plural

    response = post_action(editor_client, model, "publish_selected", selected)

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"2 {plural} published. 1 already published, left as it was."]
    assert all(model.objects.get(pk=obj.pk).is_published for obj in selected)
    # Only the rows that changed go into the history, under the editor's name.
    logged = LogEntry.objects.filter(user=editor, action_flag=CHANGE)
    assert {int(entry.object_id) for entry in logged} == {obj.pk for obj in drafts}

    response = post_action(editor_client, model, "unpublish_selected", selected)

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"3 {plural} unpublished."]
    assert not any(model.objects.get(pk=obj.pk).is_published for obj in selected)


@by_label(PUBLISHABLE_MODELS)
def test_viewer_cannot_publish_or_unpublish(viewer_client, model):
    draft = FACTORIES[model](is_published=False)
    published = FACTORIES[model](is_published=True)

    post_action(viewer_client, model, "publish_selected", [draft])
    post_action(viewer_client, model, "unpublish_selected", [published])

    assert model.objects.get(pk=draft.pk).is_published is False
    assert model.objects.get(pk=published.pk).is_published is True
    assert not LogEntry.objects.exists()


# A cohort and its employers, edited together.


def post_cohort(client, cohort, rows, **changes):
    """Post the cohort's change page with its employer rows given as (target, apprentices,
    delete): a CohortEmployer for a row already saved (these come first, as on the page),
    an Organisation for a new row."""
    url = admin_url(Cohort, "change", cohort.pk)
    page = client.get(url)
    data = {key: value for key, value in form_data(page).items() if "-" not in key}
    data.update(changes)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    existing = [row for row in rows if isinstance(row[0], CohortEmployer)]
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(existing)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, (target, apprentices, delete) in enumerate(rows):
        if isinstance(target, CohortEmployer):
            data[f"{prefix}-{index}-id"] = str(target.pk)
            organisation = target.organisation
        else:
            organisation = target
        data[f"{prefix}-{index}-cohort"] = str(cohort.pk)
        data[f"{prefix}-{index}-organisation"] = str(organisation.pk)
        data[f"{prefix}-{index}-apprentices"] = str(apprentices)
        if delete:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return client.post(url, data)


def inline_errors(response) -> list[str]:
    return list(response.context["inline_admin_formsets"][0].formset.non_form_errors())


def test_cohort_employers_adding_up_to_more_than_started_are_refused(editor_client):
    cohort = factories.CohortFactory(name="2019 intake", apprentices_started=10)
    first, second = factories.OrganisationFactory(), factories.OrganisationFactory()

    response = post_cohort(
        editor_client, cohort, [(first, 6, False), (second, 5, False)], name="Renamed"
    )

    assert response.status_code == 200
    assert inline_errors(response) == [
        "The employers' apprentices add up to 11, more than the 10 who started in this cohort."
    ]
    assert "add up to 11, more than the 10 who started" in response.content.decode()
    assert not CohortEmployer.objects.exists()
    cohort.refresh_from_db()
    assert cohort.name == "2019 intake"


def test_cohort_employers_within_started_are_saved(editor_client):
    cohort = factories.CohortFactory(apprentices_started=10)
    first, second = factories.OrganisationFactory(), factories.OrganisationFactory()

    response = post_cohort(editor_client, cohort, [(first, 6, False), (second, 4, False)])

    assert response.status_code == 302, form_errors(response)
    assert sorted(cohort.cohort_employers.values_list("apprentices", flat=True)) == [4, 6]


def test_cohort_employers_being_deleted_do_not_count(editor_client):
    cohort = factories.CohortFactory(apprentices_started=10)
    leaving = factories.CohortEmployerFactory(cohort=cohort, apprentices=8)
    joining = factories.OrganisationFactory()

    response = post_cohort(editor_client, cohort, [(leaving, 8, True), (joining, 5, False)])

    assert response.status_code == 302, form_errors(response)
    assert list(cohort.cohort_employers.values_list("organisation", "apprentices")) == [
        (joining.pk, 5)
    ]


def test_cohort_started_cannot_drop_below_its_employers(editor_client):
    cohort = factories.CohortFactory(apprentices_started=10)
    employer = factories.CohortEmployerFactory(cohort=cohort, apprentices=8)

    response = post_cohort(editor_client, cohort, [(employer, 8, False)], apprentices_started="5")

    assert response.status_code == 200
    assert inline_errors(response) == [
        "The employers' apprentices add up to 8, more than the 5 who started in this cohort."
    ]
    cohort.refresh_from_db()
    assert cohort.apprentices_started == 10


def test_cohort_employer_on_its_own_page_is_checked_against_the_others(editor_client):
    cohort = factories.CohortFactory(apprentices_started=10)
    factories.CohortEmployerFactory(cohort=cohort, apprentices=8)
    url = admin_url(CohortEmployer, "add")
    data = form_data(editor_client.get(url))
    data.update(
        cohort=str(cohort.pk),
        organisation=str(factories.OrganisationFactory().pk),
        apprentices="3",
    )

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["apprentices"] == [
        "The employers' apprentices add up to 11, more than the 10 who started in this cohort."
    ]
    assert cohort.cohort_employers.count() == 1


# Deleting what other records depend on.

PROTECTED_TEXT = "would require deleting the following protected related objects"


def test_organisation_with_awards_cannot_be_deleted(editor_client):
    recipient = factories.OrganisationFactory(name="Centre for Process Innovation")
    factories.AwardFactory(recipient=recipient, identifier="360G-MMIP-CPI-1")
    url = admin_url(Organisation, "delete", recipient.pk)

    page = editor_client.get(url)
    response = editor_client.post(url, {"post": "yes"})

    for answer in (page, response):
        assert answer.status_code == 200
        assert PROTECTED_TEXT in answer.content.decode()
        assert "360G-MMIP-CPI-1" in answer.content.decode()
    assert Organisation.objects.filter(pk=recipient.pk).exists()


def test_organisation_with_awards_cannot_be_deleted_in_bulk(editor_client):
    recipient = factories.AwardFactory().recipient

    response = editor_client.post(
        admin_url(Organisation, "changelist"),
        {"action": "delete_selected", "_selected_action": [recipient.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert PROTECTED_TEXT in response.content.decode()
    assert Organisation.objects.filter(pk=recipient.pk).exists()


def test_organisation_without_dependants_can_be_deleted(editor_client):
    organisation = factories.OrganisationFactory()

    response = editor_client.post(
        admin_url(Organisation, "delete", organisation.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


# Changelists cost the same number of queries however many rows they show.


@by_label(RECORD_MODELS)
def test_changelist_query_count_does_not_grow_with_rows(editor_client, model):
    url = admin_url(model, "changelist")
    for _ in range(3):
        make_row(model)
    # The first request fills per-process caches (content types); measure after it.
    editor_client.get(url)

    # Each request: the session, the user, the user's group permissions, the result count
    # (and the unfiltered count), the page of rows with its joined relations, one query per
    # prefetched many-to-many column, one per sidebar filter that lists related records or
    # years, and the date hierarchy's dates. None of them is per row.
    with CaptureQueriesContext(connection) as three:
        response = editor_client.get(url)
    assert response.context["cl"].result_count == 3

    for _ in range(27):
        make_row(model)
    with CaptureQueriesContext(connection) as thirty:
        response = editor_client.get(url)
    assert response.context["cl"].result_count == 30

    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)


# Finding awards.


@pytest.fixture
def awards():
    innovate = factories.OrganisationFactory(name="Innovate UK", short_name="IUK")
    ols = factories.OrganisationFactory(name="Office for Life Sciences", short_name="OLS")
    cpi = factories.OrganisationFactory(name="Centre for Process Innovation", short_name="CPI")
    strathclyde = factories.OrganisationFactory(name="University of Strathclyde")
    challenge = factories.FundingProgrammeFactory(
        name="Medicines Manufacturing Challenge", funder=innovate
    )
    return {
        "centre": factories.AwardFactory(
            identifier="360G-MMIP-MMIC-2018",
            funder=innovate,
            recipient=cpi,
            amount=Decimal("1500000"),
            award_date=datetime.date(2018, 1, 1),
            programme=challenge,
            status=Award.Status.ACTIVE,
        ),
        "closed": factories.AwardFactory(
            identifier="360G-MMIP-CMAC-2019",
            funder=ols,
            recipient=strathclyde,
            award_date=datetime.date(2019, 7, 1),
            award_date_precision="month",
            status=Award.Status.CLOSED,
            is_published=False,
        ),
        "follow_on": factories.AwardFactory(
            identifier="360G-MMIP-MMIC-2021",
            funder=innovate,
            recipient=strathclyde,
            amount=Decimal("500000"),
            award_date=datetime.date(2021, 10, 14),
            award_date_precision="day",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Strathclyde"}, {"closed", "follow_on"}),
        ({"q": "IUK"}, {"centre", "follow_on"}),
        ({"q": "360G-MMIP-CMAC"}, {"closed"}),
        ({"status__exact": "closed"}, {"closed"}),
        ({"is_published__exact": "0"}, {"closed"}),
        ({"award_date__year": "2018"}, {"centre"}),
        ({"q": "Strathclyde", "status__exact": "awarded"}, {"follow_on"}),
    ],
)
def test_award_changelist_search_and_filters(editor_client, awards, query, expected):
    response = editor_client.get(admin_url(Award, "changelist"), query)

    assert response.status_code == 200
    assert changelist_rows(response) == {awards[name] for name in expected}


def test_award_changelist_filters_by_funder_and_programme(editor_client, awards):
    centre = awards["centre"]
    url = admin_url(Award, "changelist")

    by_funder = editor_client.get(url, {"funder__id__exact": centre.funder_id})
    by_programme = editor_client.get(url, {"programme__id__exact": centre.programme_id})

    assert changelist_rows(by_funder) == {centre, awards["follow_on"]}
    assert changelist_rows(by_programme) == {centre}


def test_award_changelist_shows_pounds_and_dates_at_their_precision(editor_client, awards):
    content = editor_client.get(admin_url(Award, "changelist")).content.decode()

    assert "£1,500,000" in content
    assert "£500,000" in content
    assert "July 2019" in content
    assert "14 October 2021" in content


# Other sidebar filters staff lean on.


def test_organisation_changelist_filters_by_role_without_repeating_rows(editor_client):
    lead = factories.OrganisationFactory(name="Association of the British Pharmaceutical Industry")
    partner = factories.OrganisationFactory(
        name="Medicines and Healthcare products Regulatory Agency"
    )
    for workstream in factories.WorkstreamFactory.create_batch(2):
        factories.PartnershipFactory(workstream=workstream, organisation=lead, role="lead")
        factories.PartnershipFactory(workstream=workstream, organisation=partner, role="partner")

    response = editor_client.get(
        admin_url(Organisation, "changelist"), {"partnerships__role": "lead"}
    )

    assert list(response.context["cl"].result_list) == [lead]
    assert response.context["cl"].result_list[0]._workstream_count == 2


def test_initiative_changelist_filters_by_year_started(editor_client):
    taskforce = factories.InitiativeFactory(start_date=datetime.date(2016, 1, 1))
    factories.InitiativeFactory(start_date=datetime.date(2021, 7, 1), start_precision="month")

    response = editor_client.get(admin_url(Initiative, "changelist"), {"start_date_year": "2016"})

    assert changelist_rows(response) == {taskforce}
    assert "2021" in response.content.decode()  # the other year is still offered


# ---------- Published, but not yet public ----------


def test_saving_a_published_award_whose_funder_is_a_draft_says_what_keeps_it_hidden(
    editor_client,
):
    award = factories.AwardFactory(
        funder=factories.OrganisationFactory(name="Draft Fund", is_published=False)
    )
    url = admin_url(Award, "change", award.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert any(
        "will not appear on the public site until these are published too: funder “Draft Fund”"
        in text
        for text in shown
    ), shown


def test_saving_a_public_award_gives_no_such_warning(editor_client):
    award = factories.AwardFactory()
    url = admin_url(Award, "change", award.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)

    assert not any("will not appear" in str(m) for m in response.context["messages"])


def test_publishing_awards_in_bulk_counts_those_their_parties_still_hide(editor_client):
    hidden = factories.AwardFactory(
        is_published=False, recipient=factories.OrganisationFactory(is_published=False)
    )
    shown = factories.AwardFactory(is_published=False)

    response = post_action(editor_client, Award, "publish_selected", [hidden, shown])

    messages = [str(m) for m in response.context["messages"]]
    assert any(
        text.startswith("1 of them will not appear on the public site") for text in messages
    ), messages
