"""Staff pages for apprenticeships, training centres and learning resources."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.forms.models import BaseInlineFormSet

from mmip.admin_base import (
    PUBLISHING,
    HistoryAdmin,
    PublishableAdmin,
    column,
    figure_column,
    organisation_names,
    year_filter,
)
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
    employer_total_problem,
)

# Each programme's cohorts, counted and added up, for two columns.
COHORTS = Cohort.objects.values("programme").annotate(
    count=Count("pk"), started=Sum("apprentices_started")
)


@admin.register(ApprenticeshipProgramme)
class ApprenticeshipProgrammeAdmin(PublishableAdmin):
    list_display = [
        "name",
        "lead",
        "workstream",
        figure_column("cohort_count", COHORTS, "count", description="cohorts"),
        figure_column("started", COHORTS, "started", description="apprentices started"),
        "is_published",
    ]
    list_filter = ["is_published", "workstream", ("lead", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "description", *organisation_names("lead")]
    autocomplete_fields = ["lead", "community_organisations", "awards", "workstream", "indicators"]
    list_select_related = ["lead", "workstream"]
    prepopulated_fields = {"slug": ["name"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "url"]}),
        ("Who", {"fields": ["lead", "community_organisations", "workstream"]}),
        ("Money and figures", {"fields": ["awards", "indicators"]}),
        PUBLISHING,
    ]


class CohortEmployerFormSet(BaseInlineFormSet):
    """Checks that the employers' head counts fit within the apprentices who started.

    The database holds the same rule with a deferred trigger, which would only fail the
    save as a whole; this gives staff the reason beside the rows they typed.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        started = self.instance.apprentices_started
        if started is None:
            return  # the cohort's own form already says the number is missing
        head_counts = [
            form.cleaned_data["apprentices"]
            for form in self.forms
            if form.cleaned_data.get("apprentices") is not None
            and not self._should_delete_form(form)
        ]
        problem = employer_total_problem(started, head_counts)
        if problem:
            raise ValidationError(problem)


class CohortEmployerInline(admin.TabularInline):
    model = CohortEmployer
    formset = CohortEmployerFormSet
    fields = ["organisation", "apprentices"]
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Cohort)
class CohortAdmin(PublishableAdmin):
    list_display = [
        "name",
        "programme",
        column("starts", "start_display", description="start", ordering="start_date"),
        "apprentices_started",
        "apprentices_completed",
        "apprentices_withdrawn",
        figure_column(
            "employed",
            CohortEmployer.objects.values("cohort").annotate(total=Sum("apprentices")),
            "total",
            description="with listed employers",
        ),
        "training_provider",
        "is_published",
    ]
    list_filter = ["is_published", "programme", "level"]
    search_fields = [
        "name",
        "standard",
        "programme__name",
        *organisation_names("training_provider"),
    ]
    autocomplete_fields = ["programme", "training_provider"]
    list_select_related = ["programme", "training_provider"]
    date_hierarchy = "start_date"
    inlines = [CohortEmployerInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["programme", "name", ("start_date", "start_precision")]}),
        ("Training", {"fields": [("level", "standard"), "training_provider"]}),
        (
            "Apprentices",
            {
                "description": "Completed and withdrawn together cannot be more than started, "
                "nor can the employers' apprentices below.",
                "fields": [
                    ("apprentices_started", "apprentices_completed", "apprentices_withdrawn")
                ],
            },
        ),
        PUBLISHING,
    ]


class CohortEmployerForm(forms.ModelForm):
    """One employer row on its own: the same head-count rule as the inline, counting the
    cohort's other employers from the database."""

    class Meta:
        model = CohortEmployer
        fields = ["cohort", "organisation", "apprentices"]

    def clean(self):
        cleaned_data = super().clean()
        cohort, apprentices = cleaned_data.get("cohort"), cleaned_data.get("apprentices")
        if cohort is not None and apprentices is not None:
            others = cohort.cohort_employers.exclude(pk=self.instance.pk).values_list(
                "apprentices", flat=True
            )
            problem = employer_total_problem(cohort.apprentices_started, [*others, apprentices])
            if problem:
                self.add_error("apprentices", problem)
        return cleaned_data


@admin.register(CohortEmployer)
class CohortEmployerAdmin(HistoryAdmin):
    form = CohortEmployerForm
    list_display = ["organisation", "cohort", "apprentices"]
    list_filter = ["cohort__programme"]
    search_fields = [*organisation_names("organisation"), "cohort__name"]
    autocomplete_fields = ["cohort", "organisation"]
    list_select_related = ["organisation", "cohort__programme"]


@admin.register(TrainingCentre)
class TrainingCentreAdmin(PublishableAdmin):
    list_display = [
        "name",
        "organisation",
        "network",
        "place",
        "nation_region",
        column("added", "date_added_display", description="added", ordering="date_added"),
        "is_published",
    ]
    list_filter = [
        "is_published",
        "nation_region",
        ("network", admin.RelatedOnlyFieldListFilter),
        year_filter("date_added", "year added"),
    ]
    search_fields = ["name", "place", *organisation_names("organisation")]
    autocomplete_fields = ["organisation", "network"]
    list_select_related = ["organisation", "network"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation", "network", "description"]}),
        (
            "Where and when",
            {"fields": [("place", "nation_region"), ("date_added", "date_added_precision")]},
        ),
        ("Source", {"fields": ["source_url"]}),
        PUBLISHING,
    ]


@admin.register(LearningResource)
class LearningResourceAdmin(PublishableAdmin):
    list_display = ["title", "kind", "provider", "platform", "is_published"]
    list_filter = ["is_published", "kind", ("platform", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "description", *organisation_names("provider")]
    autocomplete_fields = ["provider", "platform"]
    list_select_related = ["provider", "platform"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "provider", "platform"]}),
        ("About", {"fields": ["url", "description"]}),
        PUBLISHING,
    ]
