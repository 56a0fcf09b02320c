"""The changelists' computed columns (mmip/admin_base.py): a figure of each row's related
rows comes from the same QuerySet method the pages add up with (Award.objects.totals_by),
and a date or a figure column is one line of list_display."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse

from funding.models import Award, FundingProgramme
from mmip.admin_base import PUBLISHING, PublishableAdmin, column, figure_column, organisation_names
from mmip.formatting import money
from mmip.models import Organisation
from tests.factories import AwardFactory, FundingProgrammeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes():
    challenge = FundingProgrammeFactory(name="Medicines Manufacturing Challenge")
    empty = FundingProgrammeFactory(name="Nothing awarded yet")
    cpi = OrganisationFactory(name="Centre for Process Innovation")
    AwardFactory(programme=challenge, recipient=cpi, amount=Decimal("1500000"))
    AwardFactory(programme=challenge, recipient=cpi, amount=Decimal("500000"))
    AwardFactory(programme=challenge, amount=Decimal("250000"), is_published=False)
    AwardFactory(programme=None, recipient=cpi)
    return {"challenge": challenge, "empty": empty, "cpi": cpi}


def test_awards_add_up_for_each_value_of_a_field_in_one_row_each(programmes):
    rows = Award.objects.totals_by("programme").filter(programme__isnull=False)

    assert list(rows.values_list("programme", "count", "total")) == [
        (programmes["challenge"].pk, 3, Decimal("2250000.00"))
    ]
    public = Award.objects.public().totals_by("programme").filter(programme__isnull=False)
    assert list(public.values_list("count", "total")) == [(2, Decimal("2000000.00"))]


def test_the_programmes_page_and_the_programme_changelist_add_up_the_same_way(
    client, editor_client, programmes
):
    shown = {
        programme.name: (programme.award_count, programme.award_total)
        for programme in client.get(reverse("funding-programme-list")).context["programmes"]
    }
    listed = {
        programme.name: (programme._award_count, programme._award_total)
        for programme in editor_client.get(reverse("admin:funding_fundingprogramme_changelist"))
        .context["cl"]
        .result_list
    }

    # The page counts what the public may see, the admin every award, drafts too.
    assert shown == {
        "Medicines Manufacturing Challenge": (2, Decimal("2000000.00")),
        "Nothing awarded yet": (0, Decimal("0")),
    }
    assert listed == {
        "Medicines Manufacturing Challenge": (3, Decimal("2250000.00")),
        "Nothing awarded yet": (0, Decimal("0")),
    }


def test_the_recipients_table_and_the_organisation_changelist_count_awards_received_alike(
    client, editor_client, programmes
):
    table = client.get(reverse("recipient-list")).context["organisations"]
    received = {organisation.name: organisation.award_count for organisation in table}
    listed = {
        organisation.name: organisation._award_count
        for organisation in editor_client.get(reverse("admin:mmip_organisation_changelist"))
        .context["cl"]
        .result_list
    }

    assert received["Centre for Process Innovation"] == 3
    assert listed["Centre for Process Innovation"] == 3


def test_a_figure_column_is_annotated_named_labelled_and_sortable(editor_client, programmes):
    response = editor_client.get(reverse("admin:funding_fundingprogramme_changelist"), {"o": "4"})
    content = response.content.decode()

    headers = {header["text"]: header for header in result_headers(response.context["cl"])}
    assert headers["total awarded"]["sortable"]
    assert 'class="sortable column-award_total' in content
    assert '<td class="field-award_total">£2,250,000</td>' in content
    # Sorted by the fourth column, the number of awards: none before three.
    assert [row.name for row in response.context["cl"].result_list] == [
        "Nothing awarded yet",
        "Medicines Manufacturing Challenge",
    ]


def test_a_column_shows_an_attribute_through_show_and_sorts_by_its_field():
    when = column("when", "established_display", description="date", ordering="established")
    total = figure_column(
        "award_total",
        Award.objects.totals_by("programme"),
        "total",
        description="total awarded",
        show=money,
    )
    programme = FundingProgramme(
        established=datetime.date(2017, 1, 1), established_precision="year"
    )
    programme._award_total = Decimal("1500000")

    assert (when.__name__, when.short_description, when.admin_order_field) == (
        "when",
        "date",
        "established",
    )
    assert when(programme) == "2017"
    assert total(programme) == "£1,500,000"
    assert total.admin_order_field == "_award_total"


def test_every_publishable_admin_ends_its_form_with_the_same_publishing_section():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, PublishableAdmin):
            assert model_admin.fieldsets[-1] == PUBLISHING, model
    assert isinstance(admin.site._registry[Organisation], PublishableAdmin)


def test_staff_find_a_row_by_the_name_or_abbreviation_of_its_organisations():
    assert organisation_names("funder", "recipient") == [
        "funder__name",
        "funder__short_name",
        "recipient__name",
        "recipient__short_name",
    ]


def test_a_changelist_search_finds_a_row_by_its_organisations_abbreviation(editor_client):
    cpi = OrganisationFactory(name="Centre for Process Innovation", short_name="CPI")
    AwardFactory(title="Continuous manufacturing", recipient=cpi)
    AwardFactory(title="Something else")

    response = editor_client.get(reverse("admin:funding_award_changelist"), {"q": "CPI"})

    assert [award.title for award in response.context["cl"].result_list] == [
        "Continuous manufacturing"
    ]
