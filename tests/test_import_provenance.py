"""Where the data is from, in public: an award's and an organisation's page say which
funder's dataset they came from (or that staff entered them here), /about/data/ lists the
datasets, and the downloads say for each grant whether it came from a funder's file, with
360Giving's dataSource carrying the origin."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from funding.exports import awards_csv, awards_json, giving_package
from funding.models import Award
from imports.choices import Choices
from imports.reading import open_grant_file
from imports.services import apply_import
from mmip.models import Organisation
from tests import giving_files as gf
from tests.factories import AwardFactory
from tests.pages import count_queries, page
from tests.test_funding_exports import assert_valid_360giving

pytestmark = pytest.mark.django_db


def imported(tmp_path, grants, **metadata):
    path = gf.write_json(tmp_path, gf.package(grants, **metadata))
    return apply_import(
        grant_file=open_grant_file(path, path.name),
        choices=Choices(),
        user=User.objects.create_user(f"importer-{User.objects.count()}"),
    )


def text(chunks) -> str:
    return "".join(chunks)


def test_an_imported_awards_page_says_which_funders_data_it_is_from(client, tmp_path):
    imported(tmp_path, [gf.grant(0)])
    award = Award.objects.get()
    content = page(client, award.get_absolute_url())

    assert '<h2 id="where-from-heading">Where this data is from</h2>' in content
    assert "Imported from Medicines Innovation Agency's 360Giving data:" in content
    assert '<a href="/about/data/#dataset-' in content
    assert 'Issued <time datetime="2024-02-01">1 February 2024</time>' in content
    assert (
        '<a href="https://grants.example.org/data/2024.json">the publisher\'s file</a>' in content
    )
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">its licence</a>' in content


def test_an_award_entered_here_says_so(client):
    award = AwardFactory(source_url="https://example.org/announcement")
    content = page(client, award.get_absolute_url())
    assert (
        'Entered here by the programme\'s staff, from <a href="https://example.org/announcement">its source</a>.'
        in content
    )


def test_an_organisations_page_says_which_datasets_name_it(client, tmp_path):
    imported(tmp_path, [gf.grant(0)])
    organisation = Organisation.objects.get(name="Teesside Skills Charity")
    content = page(client, organisation.get_absolute_url())
    assert "Imported from Medicines Innovation Agency's 360Giving data:" in content
    assert "Medicines Innovation grants" in content


def test_about_data_lists_the_datasets_with_their_public_awards(client, tmp_path):
    assert "No funder's data has been imported yet" in page(client, reverse("about-data"))
    imported(tmp_path, [gf.grant(0), gf.grant(3)])
    Award.objects.filter(identifier="360G-MIA-1003").update(is_published=False)

    content = page(client, reverse("about-data"))
    assert '<a href="#datasets">Funders\' data</a>' in content
    assert (
        '<a href="https://grants.example.org/data/2024.json">Medicines Innovation grants</a>'
        in content
    )
    # Only the public award is counted and added up.
    assert 'data-label="Awards here" class="numeric">1</td>' in content
    assert "£5,000" in content


def test_the_downloads_say_where_each_award_came_from(tmp_path):
    imported(tmp_path, [gf.grant(0)])
    AwardFactory(identifier="360G-MMIP-HERE", source_url="https://example.org/announcement")
    awards = Award.objects.public().order_by("identifier")

    rows = {
        row["Identifier"]: row
        for row in csv.DictReader(io.StringIO(text(awards_csv(awards)).lstrip("\ufeff")))
    }
    assert (rows["360G-MIA-1000"]["Origin"], rows["360G-MIA-1000"]["Data Source"]) == (
        "Imported from Medicines Innovation grants (Medicines Innovation Agency)",
        "https://grants.example.org/data/2024.json",
    )
    assert (rows["360G-MMIP-HERE"]["Origin"], rows["360G-MMIP-HERE"]["Data Source"]) == (
        "Entered here",
        "https://example.org/announcement",
    )

    listed = {a["identifier"]: a for a in json.loads(text(awards_json(awards)))["awards"]}
    assert listed["360G-MIA-1000"]["origin"].startswith("Imported from Medicines Innovation grants")
    assert listed["360G-MMIP-HERE"]["data_source"] == "https://example.org/announcement"

    package = json.loads(text(giving_package(awards, site_url="https://mmip.example.org")))
    assert_valid_360giving(package)
    sources = {grant["id"]: grant["dataSource"] for grant in package["grants"]}
    assert sources == {
        "360G-MIA-1000": "https://grants.example.org/data/2024.json",
        "360G-MMIP-HERE": "https://example.org/announcement",
    }


def test_markup_and_formulas_in_an_imported_title_are_escaped_on_pages_and_guarded_in_csv(
    client, tmp_path
):
    imported(
        tmp_path,
        [
            gf.grant(0, title='<script>alert("x")</script> Pipettes'),
            gf.grant(1, title='=HYPERLINK("http://evil.example","Click")'),
        ],
    )
    content = page(client, Award.objects.get(identifier="360G-MIA-1000").get_absolute_url())
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Pipettes" in content

    rows = {
        row["Identifier"]: row
        for row in csv.DictReader(
            io.StringIO(text(awards_csv(Award.objects.public())).lstrip("\ufeff"))
        )
    }
    assert rows["360G-NBT-1001"]["Title"] == '\'=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize(
    "name", ["award-download-csv", "award-download-json", "award-download-360giving"]
)
def test_downloads_of_imported_awards_cost_the_same_queries_for_3_as_for_30(client, tmp_path, name):
    imported(tmp_path, [gf.grant(n) for n in range(3)])
    with_three = count_queries(client, reverse(name))
    imported(
        tmp_path,
        [gf.grant(n) for n in range(3, 33)],
        downloadURL="https://grants.example.org/more.json",
        title="More",
    )
    assert count_queries(client, reverse(name)) == with_three
