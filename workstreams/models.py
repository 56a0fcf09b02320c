"""Workstreams and what they do: partners, initiatives, milestones, outputs and indicators."""

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse

from mmip.dates import format_date, precision_condition, precision_field, precision_problem
from mmip.formatting import figure
from mmip.fulltext import search_document
from mmip.models import Organisation
from mmip.records import (
    PublicQuerySet,
    PublishableModel,
    PublishedQuerySet,
    RecordHistory,
    SlugNaturalKeyManager,
)

# An indicator's reporting periods, a model of this app kept in a module of their own.
from workstreams.periods import IndicatorPeriod as IndicatorPeriod
from workstreams.plans import UNDELIVERED, PlannedQuerySetMixin, PlannedWork, plan_constraints


class WorkstreamQuerySet(PublishedQuerySet):
    """A workstream is public when it is published (the default public() and is_public)."""

    def with_partners(self):
        # Workstream pages and the home page list partners by role; one query for them all.
        return self.prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.public()
                .select_related("organisation")
                .order_by("role", "organisation__name"),
            )
        )


class Workstream(PublishableModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    aim = models.CharField(max_length=300, help_text="One line: what the workstream is for.")
    description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    is_overarching = models.BooleanField(
        "overarching work",
        default=False,
        help_text="Work that supports every workstream, such as communications and community.",
    )
    partners = models.ManyToManyField(
        Organisation, through="Partnership", related_name="workstreams", blank=True
    )

    objects = SlugNaturalKeyManager.from_queryset(WorkstreamQuerySet)()
    # Partners are Partnership rows, each with its own history, so the link needs none here.
    history = RecordHistory()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="workstream_name_unique"),
        ]
        indexes = [
            # /search/ matches workstreams by name, aim and description; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(
                search_document(title=["name"], summary=["aim"], body=["description"]),
                name="workstream_search_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("workstream-detail", args=[self.slug])


class PartnershipQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Partnerships of a public workstream with a public organisation: a partnership is
        nothing without both, and names both wherever it is listed. Must agree with
        Partnership.is_public."""
        workstream = Workstream.objects.public_condition(f"{path}workstream__")
        organisation = Organisation.objects.public_condition(f"{path}organisation__")
        return workstream & organisation


class PartnershipManager(models.Manager.from_queryset(PartnershipQuerySet)):
    def get_by_natural_key(self, workstream_slug, organisation_slug, role):
        return self.get(
            workstream__slug=workstream_slug, organisation__slug=organisation_slug, role=role
        )


class Partnership(models.Model):
    class Role(models.TextChoices):
        # Declared in the order pages list them.
        LEAD = "lead", "Lead"
        PARTNER = "partner", "Partner"
        DELIVERY_PARTNER = "delivery-partner", "Delivery partner"
        FUNDER = "funder", "Funder"

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="partnerships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    note = models.CharField(max_length=300, blank=True, help_text="What the partner does here.")

    objects = PartnershipManager()
    history = RecordHistory()

    class Meta:
        ordering = ["workstream", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "organisation", "role"],
                name="partnership_unique_role",
                violation_error_message="This organisation already has that role in this workstream.",
            ),
        ]
        indexes = [
            # /organisations/?role= filters on the role an organisation plays.
            models.Index(fields=["role"], name="partnership_role_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} of {self.workstream}"

    @property
    def is_public(self) -> bool:
        """The rule of PartnershipQuerySet.public_condition(), for one partnership."""
        return self.workstream.is_public and self.organisation.is_public

    def natural_key(self):
        return (self.workstream.slug, self.organisation.slug, self.role)

    natural_key.dependencies = ["workstreams.workstream", "mmip.organisation"]


class DatedRangeModel(models.Model):
    """A start and an optional end, each at its own precision."""

    start_date = models.DateField(null=True, blank=True)
    start_precision = precision_field()
    end_date = models.DateField(null=True, blank=True)
    end_precision = precision_field()

    class Meta:
        abstract = True

    @property
    def start_display(self) -> str:
        return format_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_date(self.end_date, self.end_precision)

    def range_errors(self) -> dict:
        errors = {}
        for field in ("start", "end"):
            problem = precision_problem(
                getattr(self, f"{field}_date"), getattr(self, f"{field}_precision")
            )
            if problem:
                errors[f"{field}_date"] = problem
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        return errors


def range_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(end_date__isnull=True)
            | Q(start_date__isnull=True)
            | Q(end_date__gte=F("start_date")),
            name=f"{prefix}_ends_after_it_starts",
        ),
        models.CheckConstraint(
            condition=precision_condition("start_date", "start_precision"),
            name=f"{prefix}_start_matches_precision",
        ),
        models.CheckConstraint(
            condition=precision_condition("end_date", "end_precision"),
            name=f"{prefix}_end_matches_precision",
        ),
    ]


class InitiativeQuerySet(PlannedQuerySetMixin, PublishedQuerySet):
    name_field = "name"

    def public_condition(self, path: str = "") -> Q:
        """Published initiatives of a public workstream: an initiative's page is an anchor on
        its workstream's page, and every listing names the workstream. A training network
        or a platform is an initiative too, so this is also whether a centre's network or a
        resource's platform may be named. Must agree with Initiative.is_public."""
        workstream = Workstream.objects.public_condition(f"{path}workstream__")
        return super().public_condition(path) & workstream


class Initiative(PublishableModel, DatedRangeModel, PlannedWork):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ONGOING = "ongoing", "Business as usual"

    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="initiatives")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="A larger initiative this one belongs to (a platform within a network).",
    )
    organisations = models.ManyToManyField(Organisation, related_name="initiatives", blank=True)
    url = models.URLField("web page", blank=True)

    objects = SlugNaturalKeyManager.from_queryset(InitiativeQuerySet)()
    history = RecordHistory(m2m_fields=["organisations"])

    class Meta:
        ordering = ["workstream__display_order", "start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="initiative_name_unique"),
            models.CheckConstraint(
                condition=~Q(part_of=F("pk")), name="initiative_not_part_of_itself"
            ),
            *range_constraints("initiative"),
            *plan_constraints("initiative"),
        ]
        indexes = [
            # /search/ matches initiatives by name, summary and description; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(
                search_document(title=["name"], summary=["summary"], body=["description"]),
                name="initiative_search_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return f"{self.workstream.get_absolute_url()}#initiative-{self.slug}"

    @property
    def is_public(self) -> bool:
        """The rule of InitiativeQuerySet.public_condition(), for one initiative. It reads the
        workstream, so lists that ask it select_related() the workstream."""
        return self.is_published and self.workstream.is_public

    def clean(self):
        errors = {**self.range_errors(), **self.plan_errors()}
        if self.part_of_id and self.part_of_id == self.pk:
            errors["part_of"] = "An initiative cannot be part of itself."
        if errors:
            raise ValidationError(errors)


class OutputQuerySet(PublishedQuerySet):
    """An output is public when it is published (the default public() and is_public): it
    has no page of its own, and its publishers and workstreams are named only where they
    are public themselves."""

    def latest_first(self):
        return self.order_by(F("date").desc(nulls_last=True), "title")


class Output(PublishableModel):
    class Kind(models.TextChoices):
        CASE_STUDY = "case-study", "Case study"
        REPORT = "report", "Report"
        STRATEGY = "strategy", "Strategy"
        ROADMAP = "roadmap", "Roadmap"
        ACTION_PLAN = "action-plan", "Action plan"
        BRIEFING_PAPER = "briefing-paper", "Briefing paper"
        POSITION_PAPER = "position-paper", "Position paper"
        PRESS_RELEASE = "press-release", "Press release"
        BOOKLET = "booklet", "Booklet"
        BLOG_POST = "blog-post", "Blog post"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(
        null=True, blank=True, help_text="Leave blank if the source gives none."
    )
    date_precision = precision_field()
    summary = models.TextField(blank=True)
    publishers = models.ManyToManyField(Organisation, related_name="outputs", blank=True)
    workstreams = models.ManyToManyField(Workstream, related_name="outputs", blank=True)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="outputs"
    )
    url = models.URLField("web address", blank=True)
    contact = models.CharField(
        max_length=200, blank=True, help_text="Who to ask about it, as the source names them."
    )
    source_url = models.URLField(
        "source", blank=True, help_text="The page that announces or describes it."
    )

    objects = SlugNaturalKeyManager.from_queryset(OutputQuerySet)()
    history = RecordHistory(m2m_fields=["publishers", "workstreams"])

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=precision_condition("date", "date_precision"),
                name="output_date_matches_precision",
            ),
        ]
        indexes = [
            # /outputs/ filters by kind and year and lists the latest first.
            models.Index(fields=["kind"], name="output_kind_idx"),
            models.Index(fields=["date"], name="output_date_idx"),
            # /search/ matches outputs by title and summary; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(
                search_document(title=["title"], summary=["summary"]),
                name="output_search_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

    def clean(self):
        problem = precision_problem(self.date, self.date_precision)
        if problem:
            raise ValidationError({"date": problem})


class MilestoneQuerySet(PlannedQuerySetMixin, PublishedQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Published milestones of the whole programme or of a public workstream: a
        milestone links to its workstream's page, so one on a draft workstream would lead to
        a 404. Its initiative and output are named only where public themselves. Must agree
        with Milestone.is_public."""
        return super().public_condition(path) & (
            Q(**{f"{path}workstream__isnull": True})
            | Workstream.objects.public_condition(f"{path}workstream__")
        )

    def in_date_order(self):
        return self.order_by("date", "title")

    def latest_first(self):
        return self.order_by("-date", "title")


class Milestone(PublishableModel, PlannedWork):
    class Kind(models.TextChoices):
        SET_UP = "set-up", "Set up"
        LAUNCH = "launch", "Launch"
        EVENT = "event", "Event"
        FUNDING = "funding", "Funding"
        REPORT = "report", "Report released"
        TRANSITION = "transition", "Transition"
        COMPLETED = "completed", "Work completed"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    date_precision = precision_field()
    description = models.TextField(blank=True)
    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Leave blank for a milestone of the whole programme.",
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    output = models.ForeignKey(
        Output, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    place = models.CharField(max_length=200, blank=True)

    objects = SlugNaturalKeyManager.from_queryset(MilestoneQuerySet)()
    history = RecordHistory()

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=precision_condition("date", "date_precision"),
                name="milestone_date_matches_precision",
            ),
            *plan_constraints("milestone"),
        ]
        indexes = [
            # The home page lists the latest milestones; /timeline/ filters by kind and year.
            models.Index(fields=["date"], name="milestone_date_idx"),
            models.Index(fields=["kind"], name="milestone_kind_idx"),
            # late(): the milestones admin's late filter, and the late or at risk and due next
            # lists of /progress/, read undelivered milestones by their planned and forecast
            # dates.
            models.Index(
                fields=["planned_date", "forecast_date"],
                condition=Q(delivery_status__in=UNDELIVERED),
                name="milestone_undelivered_idx",
            ),
            # /search/ matches milestones by title, place and description; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(
                search_document(title=["title"], summary=["place"], body=["description"]),
                name="milestone_search_idx",
            ),
        ]

    def __str__(self):
        return f"{self.date_display}: {self.title}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        if self.workstream_id:
            return f"{self.workstream.get_absolute_url()}#milestone-{self.slug}"
        return f"{reverse('timeline')}#milestone-{self.slug}"

    @property
    def is_public(self) -> bool:
        """The rule of MilestoneQuerySet.public_condition(), for one milestone."""
        return self.is_published and (self.workstream_id is None or self.workstream.is_public)

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

    def clean(self):
        errors = self.plan_errors()
        problem = precision_problem(self.date, self.date_precision)
        if problem:
            errors["date"] = problem
        if (
            self.initiative_id
            and self.workstream_id
            and self.initiative.workstream_id != self.workstream_id
        ):
            errors["initiative"] = "That initiative belongs to a different workstream."
        if errors:
            raise ValidationError(errors)


class IndicatorQuerySet(PublishedQuerySet):
    """An indicator is public when it is published (the default public() and is_public):
    it has its own page, and names its workstreams only where they are public."""

    def with_values(self):
        """Each indicator's values in the order its chart draws them: a count and a
        projection can share a date, and the count comes first."""
        return self.prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("date", "is_projection"))
        )

    def with_periods(self):
        """Each indicator's reporting periods in date order, for its targets and actuals:
        one query for them all, with each period's indicator (its unit, its direction) set
        from the indicator it was fetched for."""
        return self.prefetch_related(
            Prefetch("periods", queryset=IndicatorPeriod.objects.public().order_by("start"))
        )


class Indicator(PublishableModel):
    class Unit(models.TextChoices):
        PEOPLE = "people", "People"
        ORGANISATIONS = "organisations", "Organisations"
        JOBS = "jobs", "Jobs"
        GBP = "gbp", "Pounds sterling"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    description = models.TextField(blank=True)
    workstreams = models.ManyToManyField(Workstream, related_name="indicators", blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True, help_text="When the target is for.")
    target_date_precision = precision_field()
    baseline = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The figure before the work began, in the indicator's unit.",
    )
    baseline_date = models.DateField(
        null=True, blank=True, help_text="When the baseline was true; required with it."
    )
    baseline_precision = precision_field()
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.HIGHER,
        help_text="Whether a higher or a lower figure is better.",
    )
    is_cumulative = models.BooleanField(
        "cumulative",
        default=False,
        help_text="Its figures add up over time (people trained so far), rather than each "
        "standing alone (jobs in a year).",
    )

    objects = SlugNaturalKeyManager.from_queryset(IndicatorQuerySet)()
    history = RecordHistory(m2m_fields=["workstreams"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="indicator_name_unique"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=0),
                name="indicator_target_positive",
            ),
            models.CheckConstraint(
                condition=precision_condition("target_date", "target_date_precision"),
                name="indicator_target_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=precision_condition("baseline_date", "baseline_precision"),
                name="indicator_baseline_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True) | Q(baseline__gte=0),
                name="indicator_baseline_not_negative",
            ),
            # A baseline is a figure at a date: neither means anything alone.
            models.CheckConstraint(
                condition=Q(baseline__isnull=True, baseline_date__isnull=True)
                | Q(baseline__isnull=False, baseline_date__isnull=False),
                name="indicator_baseline_with_its_date",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("indicator-detail", args=[self.slug])

    @property
    def baseline_display(self) -> str:
        if self.baseline is None:
            return ""
        when = format_date(self.baseline_date, self.baseline_precision)
        return f"{figure(self.baseline, 'exact', self.unit)} ({when})"

    def clean(self):
        errors = {}
        if self.target is not None and self.target <= 0:
            errors["target"] = "A target must be more than zero."
        problem = precision_problem(self.target_date, self.target_date_precision)
        if problem:
            errors["target_date"] = problem
        problem = precision_problem(self.baseline_date, self.baseline_precision)
        if problem:
            errors["baseline_date"] = problem
        if self.baseline is not None and self.baseline < 0:
            errors["baseline"] = "A figure cannot be negative."
        if (self.baseline is None) != (self.baseline_date is None):
            field = "baseline_date" if self.baseline_date is None else "baseline"
            errors.setdefault(field, "Give the baseline with the date it was true, or neither.")
        if errors:
            raise ValidationError(errors)


class IndicatorValueQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """The values of public indicators: a value is a figure of its indicator and is
        shown only with it. Must agree with IndicatorValue.is_public."""
        return Indicator.objects.public_condition(f"{path}indicator__")


class IndicatorValueManager(models.Manager.from_queryset(IndicatorValueQuerySet)):
    def get_by_natural_key(self, indicator_slug, date, is_projection):
        return self.get(indicator__slug=indicator_slug, date=date, is_projection=is_projection)


class IndicatorValue(models.Model):
    class Qualifier(models.TextChoices):
        EXACT = "exact", "exactly"
        OVER = "over", "over"
        ABOUT = "about", "about"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=2)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    is_projection = models.BooleanField(
        "projected", default=False, help_text="A forecast rather than a count of what happened."
    )
    date = models.DateField(help_text="When the figure was true, or when it was projected.")
    date_precision = precision_field()
    period = models.CharField(
        max_length=100, blank=True, help_text='The span a figure covers, such as "over ten years".'
    )
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(blank=True)

    objects = IndicatorValueManager()
    history = RecordHistory()

    class Meta:
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date", "is_projection"],
                name="indicator_value_one_per_date",
                violation_error_message="This indicator already has a value for that date.",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(
                condition=precision_condition("date", "date_precision"),
                name="indicator_value_date_matches_precision",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.display} ({self.date_display})"

    def natural_key(self):
        return (self.indicator.slug, self.date.isoformat(), self.is_projection)

    natural_key.dependencies = ["workstreams.indicator"]

    @property
    def is_public(self) -> bool:
        """The rule of IndicatorValueQuerySet.public_condition(), for one value."""
        return self.indicator.is_public

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

    @property
    def display(self) -> str:
        return figure(self.value, self.qualifier, self.indicator.unit)

    def clean(self):
        errors = {}
        if self.value is not None and self.value < 0:
            errors["value"] = "A figure cannot be negative."
        problem = precision_problem(self.date, self.date_precision)
        if problem:
            errors["date"] = problem
        if errors:
            raise ValidationError(errors)
