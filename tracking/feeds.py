"""The Atom feed of approved progress updates, /feeds/updates/, and one per workstream,
/feeds/updates/<workstream>/: newest approval first. Only approved updates on public records
are read (ProgressUpdate.objects.public()), never a draft, a submitted or a returned one."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from tracking.models import ProgressUpdate
from workstreams.models import Workstream

FEED_SIZE = 50


class UpdateFeed(Feed):
    feed_type = Atom1Feed
    author_name = "MMIP programme tracker"

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        return get_object_or_404(Workstream.objects.public(), slug=slug)

    def title(self, workstream):
        if workstream is None:
            return "MMIP progress updates"
        return f"MMIP progress updates: {workstream.name}"

    def subtitle(self, workstream):
        return (
            "Approved progress updates on the Medicines Manufacturing Industry Partnership's "
            "workstreams and commitments, newest first."
        )

    def link(self, workstream):
        if workstream is None:
            return reverse("progress")
        return f"{reverse('progress')}?workstream={workstream.slug}"

    def items(self, workstream):
        updates = ProgressUpdate.objects.public().with_target_workstreams().latest_approved_first()
        if workstream is not None:
            updates = updates.on_workstream(workstream.slug)
        return updates[:FEED_SIZE]

    def item_title(self, update):
        return f"Update on {update.target}"

    def item_description(self, update):
        # The summary is HTML to feed readers: the staff's text is escaped, never trusted.
        parts = [workstream.name for workstream in update.target_workstreams]
        if update.new_status:
            parts.append(f"status now {update.get_new_status_display().lower()}")
        if update.new_rating:
            parts.append(
                f"rated {update.get_new_rating_display().lower()}: {update.new_rating_reason}"
            )
        return linebreaks(" · ".join(parts) + "\n\n" + update.narrative, autoescape=True)

    def item_link(self, update):
        # Each entry's address is its own, as feed readers tell entries apart by it (it is
        # the Atom id too). An update on a commitment is on the commitment's page, and one on
        # a workstream as a whole among the latest updates of /progress/ for that workstream,
        # each at its own anchor. One on a milestone or an initiative leads to the record's
        # place on its workstream's page, and one on an indicator's period to the
        # indicator's page, where updates are not listed: the update is named in the query.
        if update.workstream_id:
            query = urlencode({"workstream": update.workstream.slug})
            return f"{reverse('progress')}?{query}#update-{update.pk}"
        if update.commitment_id:
            return f"{update.target_url}#update-{update.pk}"
        place, hash_sign, anchor = update.target_url.partition("#")
        return f"{place}?{urlencode({'update': update.pk})}{hash_sign}{anchor}"

    def item_pubdate(self, update):
        return update.reviewed_at

    def item_updateddate(self, update):
        return update.reviewed_at
