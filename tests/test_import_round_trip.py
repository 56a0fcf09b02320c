"""Our own 360Giving export, imported into an empty database, gives back the same record:
the same awards with their identifiers, amounts and dates at their precision, the same
organisations with their org-ids (or, without one, their slugs, which our identifiers for
them carry), and the same programmes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from funding import exports
from funding.models import Award
from imports.choices import Choices
from imports.reading import open_grant_file
from imports.services import apply_import
from mmip.models import Organisation
from tests.factories import (
    DEMO_FIXTURES,
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def award_facts() -> dict:
    """Each public award as the export carries it."""
    found = {}
    awards = Award.objects.public().select_related(
        "funder", "recipient", "routed_through", "programme"
    )
    for award in awards:
        found[award.identifier] = {
            "title": award.title,
            "description": award.description,
            "amount": award.amount,
            "award_date": (award.award_date, award.award_date_precision),
            "planned": (award.planned_start, award.planned_end),
            "funder": _organisation(award.funder),
            "recipient": _organisation(award.recipient),
            "routed_through": _organisation(award.routed_through)
            if award.routed_through and award.routed_through.is_public
            else None,
            "programme": (award.programme.name, award.programme.funder.name)
            if award.programme and award.programme.is_public
            else None,
            "source_url": award.source_url or None,
            "beneficiary_region": award.beneficiary_region,
        }
    return found


def _organisation(organisation) -> tuple:
    # Without an org-id, our export names it 360G-MMIP-ORG-<slug>, which gives the slug back.
    return (
        organisation.name,
        organisation.org_id,
        organisation.slug if not organisation.org_id else None,
    )


def export_then_empty_then_import(tmp_path) -> dict:
    before = award_facts()
    path = tmp_path / "mmip-360giving.json"
    awards = Award.objects.public().order_by("identifier")
    path.write_text("".join(exports.giving_package(awards, site_url="https://mmip.example.org")))
    with connection.cursor() as cursor:
        # Every organisation and all that names one: awards, programmes, partnerships... (The
        # checks of foreign keys waiting for the test's transaction to end are made first.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE mmip_organisation CASCADE")
    assert not Award.objects.exists()

    result = apply_import(
        grant_file=open_grant_file(path, path.name),
        choices=Choices(),
        user=User.objects.create_user("importer"),
    )
    assert result.preview["problems"] == []
    after = award_facts()
    for identifier, facts in before.items():
        # An award without a source of its own takes its page on our site as its source.
        if facts["source_url"] is None:
            after[identifier]["source_url"] = None
    assert after == before
    return before


def test_the_demo_record_comes_back_the_same(tmp_path):
    call_command("loaddata", *[str(path) for path in DEMO_FIXTURES], verbosity=0)
    before = export_then_empty_then_import(tmp_path)

    assert len(before) >= 3
    atma = Award.objects.get(identifier="360G-MMIP-2018-ATMA")
    assert (atma.award_date, atma.award_date_precision) == (datetime.date(2018, 1, 1), "year")
    assert "The source gives the award date only as" not in atma.description
    assert Organisation.objects.get(slug="cell-and-gene-therapy-catapult").name == (
        "Cell and Gene Therapy Catapult"
    )


def test_a_synthetic_record_comes_back_the_same(tmp_path):
    call_command("generate_synthetic", awards=150, seed=7, verbosity=0)
    before = export_then_empty_then_import(tmp_path)
    assert len(before) == 150


def test_organisations_with_org_ids_and_programmes_come_back_the_same(tmp_path):
    funder = OrganisationFactory(name="Example Fund", org_id="GB-CHC-1234567", kind="funder")
    company = OrganisationFactory(name="Example Biologics Ltd", org_id="GB-COH-01234567")
    programme = FundingProgrammeFactory(name="Bioprocessing Challenge", funder=funder)
    for n, precision in enumerate(["day", "month", "year"]):
        AwardFactory(
            identifier=f"360G-MMIP-RT-{n}",
            funder=funder,
            recipient=company,
            programme=programme,
            amount=Decimal("12345.67") * (n + 1),
            award_date=datetime.date(
                2021, 7 if precision != "year" else 1, 14 if precision == "day" else 1
            ),
            award_date_precision=precision,
            planned_start=datetime.date(2021, 9, 1),
            planned_end=datetime.date(2023, 8, 31),
            source_url="https://example.org/awards",
            beneficiary_region=["wales", "uk-wide", ""][n],
        )
    export_then_empty_then_import(tmp_path)

    assert Organisation.objects.get(org_id="GB-COH-01234567").name == "Example Biologics Ltd"
    assert Award.objects.get(identifier="360G-MMIP-RT-1").award_date_precision == "month"
