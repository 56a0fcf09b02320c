"""manage.py generate_synthetic: a labelled, repeatable synthetic record that never lands in
the real one by accident."""

import io
from glob import glob

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db


def generate(**options) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate_synthetic", stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def snapshot() -> list[tuple]:
    """Everything that makes the record what it is, without database ids."""
    return list(
        Award.objects.order_by("identifier")
        .annotate(workstream_count=Count("workstreams"))
        .values_list(
            "identifier",
            "title",
            "amount",
            "award_date",
            "award_date_precision",
            "planned_start",
            "planned_end",
            "status",
            "funder__name",
            "recipient__name",
            "routed_through__slug",
            "programme__slug",
            "follow_on_of__identifier",
            "workstream_count",
        )
    )


def load_demo_record():
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)


def test_builds_a_published_record_spread_over_years_precisions_and_parties():
    stdout, _ = generate(awards=3000, seed=1)
    assert "Created a synthetic record of" in stdout and "3,000 awards" in stdout
    awards = Award.objects.all()
    assert awards.count() == 3000
    assert not awards.filter(is_published=False).exists()
    years = {date.year for date in awards.values_list("award_date", flat=True)}
    assert min(years) == 2005 and max(years) == 2025 and len(years) == 21
    assert set(awards.values_list("award_date_precision", flat=True)) == {"year", "month", "day"}
    assert set(awards.values_list("status", flat=True)) == set(Award.Status.values)
    assert awards.filter(routed_through__isnull=False).exists()
    assert awards.filter(follow_on_of__isnull=False).exists()
    assert awards.filter(programme__isnull=False).exists()
    assert awards.filter(workstreams__isnull=False).exists()
    assert awards.filter(planned_start__isnull=False).exists()
    amounts = sorted(awards.values_list("amount", flat=True))
    # Log-normal: the median is modest and the largest awards are far above it.
    assert 50_000 < amounts[1500] < 500_000 and amounts[-1] > 10 * amounts[1500]
    for award in awards.order_by("?")[:25]:
        award.full_clean()


def test_everything_it_makes_is_labelled_synthetic():
    generate(awards=500, seed=2)
    for model in (Organisation, FundingProgramme, Workstream):
        assert model.objects.exists()
        for name, slug in model.objects.values_list("name", "slug"):
            assert name.startswith("Synthetic") and slug.startswith("synthetic-"), (name, slug)
    for identifier, description in Award.objects.values_list("identifier", "description"):
        assert identifier.startswith("360G-MMIP-SYN-")
        assert description.startswith("Synthetic record, not a real award")
    assert Organisation.objects.filter(name__regex=r" [0-9]{4}$").count() == (
        Organisation.objects.count()
    )


def test_the_same_seed_gives_the_same_record_and_another_seed_a_different_one():
    generate(awards=800, seed=42)
    first = snapshot()
    generate(awards=800, seed=42)  # replaces the earlier synthetic record
    assert snapshot() == first
    assert Award.objects.count() == 800
    generate(awards=800, seed=43)
    assert snapshot() != first


def test_refuses_the_real_record_without_force_and_changes_nothing():
    load_demo_record()
    before = (Award.objects.count(), Organisation.objects.count())
    with pytest.raises(CommandError, match="--force") as raised:
        generate(awards=50, seed=1)
    assert "looks like the real record" in str(raised.value)
    assert (Award.objects.count(), Organisation.objects.count()) == before


def test_with_force_adds_synthetic_records_beside_the_real_ones_untouched():
    load_demo_record()
    real = list(Award.objects.order_by("identifier").values_list("identifier", "amount"))
    generate(awards=50, seed=1, force=True)
    generate(awards=50, seed=1, force=True)
    synthetic = Award.objects.filter(identifier__startswith="360G-MMIP-SYN-")
    assert synthetic.count() == 50
    assert (
        list(
            Award.objects.exclude(pk__in=synthetic)
            .order_by("identifier")
            .values_list("identifier", "amount")
        )
        == real
    )
    assert Organisation.objects.filter(slug="ukri").exists()


def test_refuses_when_even_one_real_award_is_present():
    generate(awards=20, seed=1)
    synthetic_funder = Organisation.objects.filter(awards_given__isnull=False).first()
    recipient = Organisation.objects.exclude(pk=synthetic_funder.pk).first()
    Award.objects.create(
        identifier="360G-MMIP-REAL-1",
        title="A real award",
        description="Real.",
        funder=synthetic_funder,
        recipient=recipient,
        amount=1000,
        award_date="2020-01-01",
        award_date_precision="year",
    )
    with pytest.raises(CommandError, match=r"1 award\b"):
        generate(awards=20, seed=1)


def test_dry_run_writes_nothing():
    stdout, _ = generate(awards=300, seed=5, dry_run=True)
    assert "Dry run" in stdout and "300 awards" in stdout
    assert not Award.objects.exists()
    assert not Organisation.objects.exists()
    assert not Workstream.objects.exists()


def test_dry_run_leaves_an_earlier_synthetic_record_in_place():
    generate(awards=100, seed=5)
    before = snapshot()
    generate(awards=300, seed=6, dry_run=True)
    assert snapshot() == before


def test_progress_goes_to_stderr_and_verbosity_0_is_silent():
    stdout, stderr = generate(awards=4500, seed=1, verbosity=2)
    assert "Synthetic awards: 2,000 of 4,500 (44%)" in stderr
    assert "Synthetic awards: 4,500 of 4,500 (100%)" in stderr
    assert "Removed" not in stdout
    stdout, stderr = generate(awards=100, seed=1, verbosity=0)
    assert (stdout, stderr) == ("", "")


def test_a_silly_number_of_awards_is_refused():
    with pytest.raises(CommandError, match="between 1 and"):
        generate(awards=0, seed=1)


@pytest.mark.django_db(transaction=True)
def test_refuses_to_replace_synthetic_records_that_real_ones_point_at():
    # A real transaction: PostgreSQL checks foreign keys when it commits.
    generate(awards=30, seed=1)
    synthetic_funder = Organisation.objects.filter(awards_given__isnull=False).first()
    recipient = Organisation.objects.create(name="A real recipient", slug="real", kind="company")
    Award.objects.create(
        identifier="360G-MMIP-REAL-1",
        title="A real award from a synthetic funder",
        description="Real.",
        funder=synthetic_funder,
        recipient=recipient,
        amount=1000,
        award_date="2020-01-01",
        award_date_precision="year",
    )
    before = snapshot()
    with pytest.raises(CommandError, match="points at a synthetic one"):
        generate(awards=30, seed=2, force=True)
    assert snapshot() == before
