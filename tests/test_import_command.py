"""manage.py import_360giving FILE: the same import from the command line, with a
selection, a dry run, skipping problems, workstreams, a progress bar and a summary."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from funding.models import Award
from imports.models import DatasetImport
from tests import giving_files as gf
from tests.factories import WorkstreamFactory
from tests.test_import_jobs_rq import database_url
from tests.test_settings_and_setup import run_manage

pytestmark = pytest.mark.django_db


def command(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_360giving", *[str(arg) for arg in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def realistic(tmp_path):
    return gf.write_json(tmp_path, gf.realistic_package(60))


def test_a_dry_run_shows_the_preview_and_writes_nothing(realistic):
    out, err = command(realistic, "--dry-run")

    assert not Award.objects.exists()
    assert out.splitlines()[:4] == [
        "Dry run: nothing was written. The preview:",
        "Dataset: “Medicines Innovation grants” by Medicines Innovation Agency (new)",
        "Chosen: every grant in the file.",
        "Grants in the file: 60. New: 60. Changed: 0. Unchanged: 0. Not chosen: 0. With problems: 0.",
    ]
    assert (
        "Organisations: 0 matched by identifier, 0 by charity or company number, 0 by name alone, 11 new."
        in out
    )
    assert (
        "Fields the record does not keep: Last Modified, Grant Programme: Code, Planned Dates: "
        "Duration (months)." in out
    )
    # The progress bar, on stderr: each update when in a terminal, else only the last.
    assert err.strip() == "[##############################] 60 of 60 grants (100%)"


def test_the_import_chooses_by_programme_funder_dates_and_text(realistic):
    out, _ = command(
        realistic,
        "--programme",
        "Small Grants",
        "--programme",
        "Skills for Bioprocessing",
        "--funder",
        "GB-GOR-PB9001",
        "--from",
        "2019-01-01",
        "--to",
        "2022-12-31",
        "--text",
        "grant",
    )
    chosen = {
        g["id"]
        for g in (gf.grant(n) for n in range(60))
        if g["grantProgramme"][0]["title"] in ("Small Grants", "Skills for Bioprocessing")
        and g["fundingOrganization"][0]["id"] == "GB-GOR-PB9001"
    }
    assert set(Award.objects.values_list("identifier", flat=True)) == chosen
    assert out.startswith(
        "Imported grants.json into “Medicines Innovation grants (Medicines Innovation Agency)”."
    )
    assert (
        "Chosen: programme “Small Grants” or “Skills for Bioprocessing”; funder GB-GOR-PB9001; "
        "awarded from 2019-01-01 to 2022-12-31; holding “grant”." in out
    )


def test_workstreams_draft_and_user_are_recorded(realistic):
    skills = WorkstreamFactory(slug="skills")
    staff = User.objects.create_user("importer")
    command(realistic, "--workstream", "skills", "--draft", "--user", "importer")

    assert skills.awards.count() == 60
    assert not Award.objects.public().exists()
    record = DatasetImport.objects.get()
    assert record.imported_by == staff
    assert Award.objects.first().history.latest().history_user == staff


def test_a_file_with_problems_changes_nothing_unless_they_are_skipped(tmp_path):
    path = gf.write_csv(tmp_path, [gf.grant(0), gf.grant(1, amountAwarded="-5")])
    with pytest.raises(
        CommandError, match="The file has grants with problems, so nothing was imported"
    ):
        command(path)
    assert not Award.objects.exists()

    out, _ = command(path, "--skip-problems", "--title", "Spreadsheet grants")
    assert Award.objects.count() == 1
    assert "Problems (1 grant):" in out
    assert (
        "  360G-NBT-1001 (row 3, column E (Amount Awarded)): The amount is -5; an award must be more than £0."
        in out
    )


def test_the_same_file_again_writes_nothing_and_says_so(realistic):
    command(realistic)
    out, _ = command(realistic)
    assert out.startswith("This file was imported last time, and nothing in it has changed since")
    assert DatasetImport.objects.count() == 1


def test_a_name_match_is_confirmed_on_the_command_line(tmp_path):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Teesside Skills Charity")
    path = gf.write_json(tmp_path, gf.package([gf.grant(0)]))
    out, _ = command(path, "--dry-run")
    assert (
        "  To confirm: “Teesside Skills Charity” (GB-CHC-1170001) is “Teesside Skills Charity” "
        "in the record? Give --confirm GB-CHC-1170001 if so." in out
    )
    command(path, "--confirm", "GB-CHC-1170001")
    assert Award.objects.get().recipient.name == "Teesside Skills Charity"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-02-30"], "“2021-02-30” is not a date (give it as YYYY-MM-DD)."),
        (["--workstream", "nowhere"], "There is no workstream “nowhere”."),
        (["--user", "nobody"], "There is no user “nobody”."),
        (["--dataset", "999"], "There is no dataset 999."),
    ],
)
def test_bad_options_are_refused_in_words(realistic, args, message):
    with pytest.raises(CommandError) as refused:
        command(realistic, *args)
    assert message in str(refused.value)
    assert not Award.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_in_words(tmp_path):
    path = tmp_path / "grants.json"
    path.write_text("Identifier,Title\n")
    with pytest.raises(CommandError, match=r"grants\.json: The file is not JSON"):
        command(path)
    with pytest.raises(CommandError, match="There is no file at"):
        command(tmp_path / "missing.json")


@pytest.mark.slow
def test_the_size_limit_is_set_from_the_environment(tmp_path):
    path = gf.write_json(tmp_path, gf.realistic_package(3000))
    assert path.stat().st_size > 1024 * 1024

    done = run_manage(
        "import_360giving",
        str(path),
        IMPORT_MAX_MEGABYTES="1",
        DEBUG="true",
        DATABASE_URL=database_url(),
    )

    assert done.returncode != 0
    assert "this site imports files of up to 1 MB" in done.stderr
    assert not Award.objects.exists()
