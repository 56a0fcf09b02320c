"""Funding programmes and the awards made under them."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum, Window
from django.urls import reverse

from mmip.dates import format_date, precision_condition, precision_field, precision_problem
from mmip.fulltext import search_document
from mmip.models import Organisation
from mmip.records import (
    PublishableModel,
    PublishedQuerySet,
    RecordHistory,
    SlugNaturalKeyManager,
)
from mmip.regions import NationRegion
from workstreams.models import Milestone, Output, Workstream

# 360Giving grant identifiers: 360G-, the publisher's prefix, then its own reference. Ours
# start 360G-MMIP-; awards imported from a funder's file keep the funder's (360G-UKRI-…,
# 360G-Wellcome-215678/Z/19/Z). A dot or a slash only between other characters, so that
# the identifier is always a clean path for the award's page.
AWARD_IDENTIFIER_PATTERN = r"^360G-[A-Za-z0-9][A-Za-z0-9_-]*([./][A-Za-z0-9_-]+)*$"


class FundingProgramme(PublishableModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funding_programmes"
    )
    description = models.TextField(blank=True)
    established = models.DateField(null=True, blank=True)
    established_precision = precision_field()
    workstreams = models.ManyToManyField(Workstream, related_name="funding_programmes", blank=True)
    url = models.URLField("web page", blank=True)
    source_url = models.URLField("source", blank=True)

    # Public when published (the default public() and is_public): a programme has its own
    # page, which names its funder and workstreams only where they are public themselves.
    objects = SlugNaturalKeyManager.from_queryset(PublishedQuerySet)()
    history = RecordHistory(m2m_fields=["workstreams"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="funding_programme_name_unique"),
            models.CheckConstraint(
                condition=precision_condition("established", "established_precision"),
                name="funding_programme_established_matches_precision",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("funding-programme-detail", args=[self.slug])

    @property
    def established_display(self) -> str:
        return format_date(self.established, self.established_precision)

    def clean(self):
        problem = precision_problem(self.established, self.established_precision)
        if problem:
            raise ValidationError({"established": problem})


class AwardQuerySet(PublishedQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Published awards whose funder and recipient are both public. An award is money
        from one to the other: every page, table and download names both, and a 360Giving
        grant must, so an award with a draft party waits for it. The body the money was
        routed through is optional and is named only where public itself; so are the
        programme, the workstreams, the milestones, the outputs and the award it follows
        on from. Must agree with Award.is_public."""
        organisations = Organisation.objects
        return (
            super().public_condition(path)
            & organisations.public_condition(f"{path}funder__")
            & organisations.public_condition(f"{path}recipient__")
        )

    def for_workstream(self, workstream):
        return self.filter(workstreams=workstream)

    def with_parties(self):
        # Every list of awards names funder, recipient and programme: join them once.
        return self.select_related("funder", "recipient", "routed_through", "programme")

    def in_tables(self):
        """Awards as a table of them lists them (includes/award_table.html): the three
        parties it names joined, and only the columns its rows print. A whole row of an award
        and of each party carries descriptions and a search vector many times wider than what
        the table prints, and fetching and building them was a good part of the query's cost."""
        parties = [
            f"{party}__{field}"
            for party in ("funder", "recipient", "routed_through")
            for field in ("is_published", "name", "slug")
        ]
        return self.select_related("funder", "recipient", "routed_through").only(
            "identifier", "title", "amount", "award_date", "award_date_precision", *parties
        )

    def with_totals(self):
        """Each award annotated with the count (count_of_all) and sum (total_of_all) of every
        award the queryset finds, as window aggregates: they are counted before a slice, so
        the latest few awards and the figures of all of them come in one query."""
        return self.annotate(count_of_all=Window(Count("pk")), total_of_all=Window(Sum("amount")))

    def totals(self) -> dict:
        return self.aggregate(count=Count("pk"), total=Sum("amount"))

    def totals_by(self, field: str):
        """The number and total of these awards for each value of field (a programme, a
        funder, a recipient, an annotated year): rows of {field, "count", "total"}. The
        programmes page, the explorer's charts, the funders and recipients tables and the
        admin's columns all add up awards this way. COUNT(*), not of the id: the figures
        indexes do not hold the id, and reading it would turn an index-only scan into a
        pass over the table."""
        return self.order_by().values(field).annotate(count=Count("*"), total=Sum("amount"))


class AwardManager(models.Manager.from_queryset(AwardQuerySet)):
    def get_by_natural_key(self, identifier):
        return self.get(identifier=identifier)


class Award(PublishableModel):
    class Status(models.TextChoices):
        AWARDED = "awarded", "Awarded"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    identifier = models.CharField(
        max_length=100,
        unique=True,
        help_text="Stable and never reused, in 360Giving form: 360G-MMIP- then letters, digits or hyphens for our own awards; an imported award keeps its publisher's.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField()
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards_given")
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="awards_received"
    )
    routed_through = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards_routed",
        help_text='The body the money passed through ("from BEIS through UKRI").',
    )
    amount = models.DecimalField(
        "amount (£)", max_digits=14, decimal_places=2, help_text="In pounds sterling."
    )
    award_date = models.DateField()
    award_date_precision = precision_field()
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    workstreams = models.ManyToManyField(Workstream, related_name="awards", blank=True)
    beneficiary_region = models.CharField(
        "where it benefits",
        max_length=20,
        choices=NationRegion.choices,
        blank=True,
        help_text="The UK nation or region whose people or places the award's work is for, "
        "where that is one and known. The recipient's own region is on the organisation.",
    )
    follow_on_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ons",
        help_text="The earlier award this one continues.",
    )
    milestones = models.ManyToManyField(Milestone, related_name="awards", blank=True)
    outputs = models.ManyToManyField(Output, related_name="awards", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWARDED)
    source_url = models.URLField("source", blank=True)

    objects = AwardManager()
    # The weighted words of the award, kept in its row: the funding explorer filters on it
    # beside other conditions, where working it out again for each candidate row cost
    # ~30 µs a row. /search/ and the explorer read it through award_search_idx.
    search_vector = models.GeneratedField(
        expression=search_document(title=["title", "identifier"], body=["description"]),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    history = RecordHistory(
        m2m_fields=["workstreams", "milestones", "outputs"],
        # Derived from the fields beside it, so the history says nothing new by keeping it.
        excluded_fields=["search_vector"],
    )

    class Meta:
        ordering = ["-award_date", "identifier"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(identifier__regex=AWARD_IDENTIFIER_PATTERN),
                name="award_identifier_format",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="award_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(follow_on_of=F("pk")), name="award_not_follow_on_of_itself"
            ),
            models.CheckConstraint(
                condition=~Q(funder=F("recipient")), name="award_funder_is_not_recipient"
            ),
            models.CheckConstraint(
                condition=precision_condition("award_date", "award_date_precision"),
                name="award_date_matches_precision",
            ),
        ]
        indexes = [
            # The funding explorer filters on award date and amount and sorts by them.
            models.Index(fields=["award_date"], name="award_date_idx"),
            models.Index(fields=["amount"], name="award_amount_idx"),
            # ... and by title, A to Z or Z to A, the identifier breaking ties: without it a
            # page of 100,000 awards by title sorts them all.
            models.Index(fields=["title", "identifier"], name="award_title_idx"),
            # The explorer's totals and charts read only these columns of published awards,
            # so an index-only scan serves them at a fraction of a pass over the table; and
            # it finds one funder's awards over a range of years without reading the rest.
            # The recipient is there for public_condition(), which asks whether it is public;
            # the programme, status and id for the counts beside the explorer's choices
            # (funding/facets.py), the id for the awards in a workstream.
            models.Index(
                fields=["funder", "award_date"],
                include=["amount", "recipient", "programme", "status", "id"],
                condition=Q(is_published=True),
                name="award_figures_idx",
            ),
            # The same for the recipients' table (stats.organisation_summary), which adds up
            # every public award by recipient; the funder for public_condition() again.
            models.Index(
                fields=["recipient"],
                include=["amount", "funder"],
                condition=Q(is_published=True),
                name="award_recipient_figures_idx",
            ),
            # /search/ matches awards by title, identifier and description; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(fields=["search_vector"], name="award_search_idx"),
        ]

    def __str__(self):
        return f"{self.identifier}: {self.title}"

    def natural_key(self):
        return (self.identifier,)

    def get_absolute_url(self):
        return reverse("award-detail", args=[self.identifier])

    @property
    def is_public(self) -> bool:
        """The rule of AwardQuerySet.public_condition(), for one award. It reads the funder
        and the recipient, which with_parties() joins."""
        return self.is_published and self.funder.is_public and self.recipient.is_public

    @property
    def award_date_display(self) -> str:
        return format_date(self.award_date, self.award_date_precision)

    def clean(self):
        errors = {}
        if self.identifier and not re.fullmatch(AWARD_IDENTIFIER_PATTERN, self.identifier):
            errors["identifier"] = (
                "The identifier must start 360G- and go on with letters, digits, hyphens or "
                "underscores (a dot or a slash only between them), such as 360G-MMIP-2021-ATMA."
            )
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = "The amount must be more than £0."
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = "The planned end cannot be before the planned start."
        if self.funder_id and self.funder_id == self.recipient_id:
            errors["recipient"] = "The recipient cannot be the funder itself."
        if self.follow_on_of_id and self.follow_on_of_id == self.pk:
            errors["follow_on_of"] = "An award cannot follow on from itself."
        problem = precision_problem(self.award_date, self.award_date_precision)
        if problem:
            errors["award_date"] = problem
        if errors:
            raise ValidationError(errors)
