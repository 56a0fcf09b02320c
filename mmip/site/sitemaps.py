"""/sitemap.xml: every public page, from the list pages to each public record's page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import ApprenticeshipProgramme
from tracking.models import Commitment
from workstreams.models import Indicator, Workstream

PAGES = (
    "home",
    "workstream-list",
    "organisation-list",
    "funding-explorer",
    "funding-programme-list",
    "funder-list",
    "recipient-list",
    "skills",
    "timeline",
    "output-list",
    "progress",
    "about-data",
)


class PageSitemap(Sitemap):
    def items(self):
        return PAGES

    def location(self, name):
        return reverse(name)


class RecordSitemap(Sitemap):
    """The public records of one model, each at its page. Only the field that makes
    the address is read, so a map of many thousands of awards stays one light query."""

    def __init__(self, queryset, url_name: str, key: str):
        self.queryset = queryset
        self.url_name = url_name
        self.key = key

    def items(self):
        return self.queryset.public().only(self.key).order_by(self.key)

    def location(self, record):
        return reverse(self.url_name, args=[getattr(record, self.key)])


SITEMAPS = {
    "pages": PageSitemap(),
    "workstreams": RecordSitemap(Workstream.objects, "workstream-detail", "slug"),
    "organisations": RecordSitemap(Organisation.objects, "organisation-detail", "slug"),
    "awards": RecordSitemap(Award.objects, "award-detail", "identifier"),
    "funding-programmes": RecordSitemap(
        FundingProgramme.objects, "funding-programme-detail", "slug"
    ),
    "indicators": RecordSitemap(Indicator.objects, "indicator-detail", "slug"),
    "apprenticeship-programmes": RecordSitemap(
        ApprenticeshipProgramme.objects, "apprenticeship-programme-detail", "slug"
    ),
    "commitments": RecordSitemap(Commitment.objects, "commitment-detail", "slug"),
}
