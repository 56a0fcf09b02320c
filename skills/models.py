"""Apprenticeships, the training network's centres and the online platform's resources."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from funding.models import Award
from mmip.dates import format_date, precision_condition, precision_field, precision_problem
from mmip.models import Organisation
from mmip.records import (
    PublicQuerySet,
    PublishableModel,
    PublishedQuerySet,
    RecordHistory,
    SlugNaturalKeyManager,
)
from mmip.regions import NationRegion
from workstreams.models import Indicator, Initiative, Workstream


class ApprenticeshipProgramme(PublishableModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="apprenticeships_led"
    )
    community_organisations = models.ManyToManyField(
        Organisation,
        related_name="apprenticeship_communities",
        blank=True,
        help_text="Communities that support the programme, such as ATAC.",
    )
    awards = models.ManyToManyField(Award, related_name="apprenticeship_programmes", blank=True)
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="apprenticeship_programmes"
    )
    indicators = models.ManyToManyField(
        Indicator,
        related_name="apprenticeship_programmes",
        blank=True,
        help_text="Programme-level figures, such as apprentices benefiting so far.",
    )
    url = models.URLField("web page", blank=True)
    source_url = models.URLField("source", blank=True)

    # Public when published (the default public() and is_public): a programme has its own
    # page, which names its lead and its workstream only where they are public themselves.
    objects = SlugNaturalKeyManager.from_queryset(PublishedQuerySet)()
    history = RecordHistory(m2m_fields=["community_organisations", "awards", "indicators"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="apprenticeship_programme_name_unique"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("apprenticeship-programme-detail", args=[self.slug])


class CohortQuerySet(PublishedQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Published cohorts of a public programme: a cohort is a row of its programme's
        section and page. Its training provider is named only where public itself. Must
        agree with Cohort.is_public."""
        programme = ApprenticeshipProgramme.objects.public_condition(f"{path}programme__")
        return super().public_condition(path) & programme


class CohortManager(models.Manager.from_queryset(CohortQuerySet)):
    def get_by_natural_key(self, programme_slug, name):
        return self.get(programme__slug=programme_slug, name=name)


class Cohort(PublishableModel):
    programme = models.ForeignKey(
        ApprenticeshipProgramme, on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(max_length=200, help_text="Such as “2019 intake”.")
    start_date = models.DateField()
    start_precision = precision_field()
    apprentices_started = models.PositiveIntegerField()
    apprentices_completed = models.PositiveIntegerField(default=0)
    apprentices_withdrawn = models.PositiveIntegerField(default=0)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The apprenticeship level, 2 to 7."
    )
    standard = models.CharField(
        max_length=200, blank=True, help_text="The apprenticeship standard followed."
    )
    training_provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts_trained",
    )
    employers = models.ManyToManyField(
        Organisation, through="CohortEmployer", related_name="cohorts_employed", blank=True
    )

    objects = CohortManager()
    # Employers are CohortEmployer rows, each with its own history, so the link needs none here.
    history = RecordHistory()

    class Meta:
        ordering = ["programme", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_name_unique"),
            models.CheckConstraint(
                condition=Q(
                    apprentices_started__gte=F("apprentices_completed") + F("apprentices_withdrawn")
                ),
                name="cohort_outcomes_within_started",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=2, level__lte=7),
                name="cohort_level_2_to_7",
            ),
            models.CheckConstraint(
                condition=precision_condition("start_date", "start_precision"),
                name="cohort_start_matches_precision",
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.name}"

    def natural_key(self):
        return (self.programme.slug, self.name)

    natural_key.dependencies = ["skills.apprenticeshipprogramme"]

    @property
    def is_public(self) -> bool:
        """The rule of CohortQuerySet.public_condition(), for one cohort."""
        return self.is_published and self.programme.is_public

    @property
    def start_display(self) -> str:
        return format_date(self.start_date, self.start_precision)

    def clean(self):
        errors = {}
        started = self.apprentices_started or 0
        if (self.apprentices_completed or 0) + (self.apprentices_withdrawn or 0) > started:
            errors["apprentices_completed"] = (
                "Completed and withdrawn apprentices together cannot be more than those who started."
            )
        if self.level is not None and not 2 <= self.level <= 7:
            errors["level"] = "Apprenticeship levels run from 2 to 7."
        problem = precision_problem(self.start_date, self.start_precision)
        if problem:
            errors["start_date"] = problem
        if errors:
            raise ValidationError(errors)


class CohortEmployerQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """An employer's place in a public cohort, when the employer is public: the row
        names the employer and adds to the cohort's figures. Must agree with
        CohortEmployer.is_public."""
        cohort = Cohort.objects.public_condition(f"{path}cohort__")
        organisation = Organisation.objects.public_condition(f"{path}organisation__")
        return cohort & organisation


class CohortEmployerManager(models.Manager.from_queryset(CohortEmployerQuerySet)):
    def get_by_natural_key(self, programme_slug, cohort_name, organisation_slug):
        return self.get(
            cohort__programme__slug=programme_slug,
            cohort__name=cohort_name,
            organisation__slug=organisation_slug,
        )


class CohortEmployer(models.Model):
    """An employer's apprentices in a cohort.

    That the head counts of a cohort's employers add up to no more than the apprentices who
    started is a rule across rows: a deferred constraint trigger (migration 0002) holds it in
    the database, and the admin's inline formset checks it with a message.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="cohort_employers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cohort_places"
    )
    apprentices = models.PositiveIntegerField()

    objects = CohortEmployerManager()
    history = RecordHistory()

    class Meta:
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"],
                name="cohort_employer_unique",
                violation_error_message="This employer is already listed for the cohort.",
            ),
            models.CheckConstraint(
                condition=Q(apprentices__gt=0), name="cohort_employer_apprentices_positive"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.apprentices}"

    def natural_key(self):
        return (*self.cohort.natural_key(), self.organisation.slug)

    natural_key.dependencies = ["skills.cohort", "mmip.organisation"]

    @property
    def is_public(self) -> bool:
        """The rule of CohortEmployerQuerySet.public_condition(), for one row."""
        return self.cohort.is_public and self.organisation.is_public

    def clean(self):
        if self.apprentices is not None and self.apprentices <= 0:
            raise ValidationError(
                {"apprentices": "An employer listed must have at least one apprentice."}
            )


def employer_total_problem(started: int, head_counts: list[int]) -> str | None:
    """The staff message when employers' head counts exceed the apprentices who started."""
    total = sum(head_counts)
    if total > started:
        return (
            f"The employers' apprentices add up to {total}, more than the {started} "
            "who started in this cohort."
        )
    return None


class TrainingCentre(PublishableModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_centres"
    )
    network = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_centres",
        help_text="The training network the centre belongs to.",
    )
    place = models.CharField(max_length=200, blank=True)
    nation_region = models.CharField(
        "UK nation or region", max_length=20, choices=NationRegion.choices, blank=True
    )
    date_added = models.DateField(null=True, blank=True)
    date_added_precision = precision_field()
    description = models.TextField(blank=True)
    source_url = models.URLField("source", blank=True)

    # Public when published (the default public() and is_public): the skills page lists
    # every public centre, naming its organisation and its network only where they are
    # public themselves.
    objects = SlugNaturalKeyManager.from_queryset(PublishedQuerySet)()
    history = RecordHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="training_centre_name_unique"),
            models.CheckConstraint(
                condition=precision_condition("date_added", "date_added_precision"),
                name="training_centre_date_matches_precision",
            ),
        ]
        indexes = [
            # The staff list of training centres filters by nation or region. No public page
            # does: /skills/ lists every public centre, /organisations/ filters organisations.
            models.Index(fields=["nation_region"], name="training_centre_region_idx"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        # Its row on the skills page, which lists every public centre; its organisation's
        # page may not be public.
        return f"{reverse('skills')}#centre-{self.slug}"

    @property
    def date_added_display(self) -> str:
        return format_date(self.date_added, self.date_added_precision)

    def clean(self):
        problem = precision_problem(self.date_added, self.date_added_precision)
        if problem:
            raise ValidationError({"date_added": problem})


class LearningResource(PublishableModel):
    class Kind(models.TextChoices):
        E_LEARNING = "e-learning", "E-learning"
        VIDEO = "video", "Video"
        FACE_TO_FACE = "face-to-face", "Face to face"
        VR_IR = "vr-ir", "Virtual or immersive reality (VR/IR)"
        ONLINE_COURSE = "online-course", "Online training programme"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="learning_resources"
    )
    platform = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_resources",
        help_text="The online training platform that lists it.",
    )
    url = models.URLField("web address")
    description = models.TextField(blank=True)

    # Public when published (the default public() and is_public): its provider is named
    # only where public itself.
    objects = SlugNaturalKeyManager.from_queryset(PublishedQuerySet)()
    history = RecordHistory()

    class Meta:
        ordering = ["title"]
        indexes = [
            # The staff list of learning resources filters by kind. /skills/ groups every
            # public resource by kind as it reads them, so it filters on nothing here.
            models.Index(fields=["kind"], name="learning_resource_kind_idx"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)
