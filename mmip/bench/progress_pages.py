"""The pages of the programme against its plan, timed at scale beside the explorer: /progress/
and the page of the workstream with the most milestones, whose roadmap draws them all."""

from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from workstreams.models import Workstream

URL_NAMES = ["progress", "workstream-detail"]


def check_urls():
    for name in URL_NAMES:
        try:
            reverse(name, args=["x"] if name == "workstream-detail" else [])
        except NoReverseMatch:
            raise CommandError(
                f"There is no URL named “{name}”, so the progress pages cannot be measured."
            ) from None


def busiest_workstream() -> Workstream:
    """The public workstream with the most published milestones (the first slug of equals):
    its page shows the most of the plan."""
    busiest = (
        Workstream.objects.public()
        .annotate(planned=Count("milestones", filter=Q(milestones__is_published=True)))
        .order_by("-planned", "slug")
        .first()
    )
    if busiest is None:
        raise CommandError("The record has no published workstream.")
    return busiest


def pages() -> list[tuple[str, str]]:
    """(label, path) of the progress pages measured, chosen from whatever record is in use."""
    workstream = busiest_workstream()
    return [
        ("Progress", reverse("progress")),
        (
            "Workstream page (the most milestones)",
            reverse("workstream-detail", args=[workstream.slug]),
        ),
    ]
