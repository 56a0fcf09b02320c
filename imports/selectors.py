"""The public reads of provenance: which datasets an award or an organisation came from, and
the datasets /about/data/ lists. Each is one query."""

from django.db.models import Count, Max, Sum

from funding.models import Award
from imports.models import Dataset


def datasets_of_award(award) -> list[Dataset]:
    return list(Dataset.objects.public().filter(award_sources__award=award).order_by("pk"))


def datasets_of_organisation(organisation) -> list[Dataset]:
    return list(
        Dataset.objects.public()
        .filter(organisation_sources__organisation=organisation)
        .order_by("title", "pk")
    )


def public_datasets() -> list[Dataset]:
    """Every dataset with the number and total of its public awards (public_awards,
    public_total) and when its newest file was imported."""
    public = Award.objects.public_condition("award_sources__award__")
    return list(
        Dataset.objects.public()
        .annotate(
            public_awards=Count("award_sources", filter=public),
            public_total=Sum("award_sources__award__amount", filter=public),
            imported=Max("imports__imported_at"),
        )
        .newest_first()
    )


def any_datasets() -> bool:
    return Dataset.objects.public().exists()
