"""The Atom feed of milestones, /feeds/milestones/: what the programme did, latest first."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from workstreams.models import Milestone

FEED_SIZE = 50


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight, London time, at the start of a milestone's date. Atom needs a moment; the
    entry's title carries the date only as precisely as the source gives it."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class MilestoneFeed(Feed):
    feed_type = Atom1Feed
    title = "MMIP milestones"
    subtitle = (
        "What the Medicines Manufacturing Industry Partnership and its workstreams have done, "
        "latest first."
    )
    author_name = "MMIP programme tracker"

    def link(self):
        return reverse("timeline")

    def items(self):
        # Each entry names and links to its workstream.
        return Milestone.objects.public().select_related("workstream").latest_first()[:FEED_SIZE]

    def item_title(self, milestone):
        return str(milestone)  # "July 2021: ...", the date at its precision

    def item_description(self, milestone):
        # The summary is HTML to feed readers: the staff's text is escaped, never trusted.
        parts = [milestone.get_kind_display()]
        if milestone.workstream:
            parts.append(milestone.workstream.name)
        if milestone.place:
            parts.append(milestone.place)
        return linebreaks(" · ".join(parts) + "\n\n" + milestone.description, autoescape=True)

    def item_link(self, milestone):
        return milestone.get_absolute_url()

    def item_pubdate(self, milestone):
        return start_of(milestone.date)

    def item_updateddate(self, milestone):
        return start_of(milestone.date)
