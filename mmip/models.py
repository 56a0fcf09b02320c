"""The shared directory of organisations that every other app points at."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from mmip.fulltext import search_document
from mmip.records import (
    PublishableModel,
    PublishedQuerySet,
    RecordHistory,
    SlugNaturalKeyManager,
)
from mmip.regions import NationRegion
from mmip.standards import list_problem

# org-id.guide identifiers: a list code such as GB-COH, GB-CHC or GB-GOR, then the
# identifier within that list (letters, digits and hyphens). The database holds the form;
# that the list is one the register has and still uses is checked in clean() alone
# (mmip/standards.py), as the register changes without a migration.
ORG_ID_PATTERN = r"^[A-Z]{2}-[A-Z]{2,6}-[A-Za-z0-9][A-Za-z0-9-]*$"


class Organisation(PublishableModel):
    class Kind(models.TextChoices):
        GOVERNMENT_DEPARTMENT = "government-department", "Government department"
        PUBLIC_BODY = "public-body", "Public body"
        FUNDER = "funder", "Funder"
        TRADE_ASSOCIATION = "trade-association", "Trade association"
        CATAPULT = "catapult-rto", "Catapult or research and technology organisation"
        UNIVERSITY = "university", "University"
        TRAINING_PROVIDER = "training-provider", "Training provider"
        COMPANY = "company", "Company"
        CHARITY = "charity-foundation", "Charity or foundation"
        NETWORK = "network", "Network or partnership"

    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="The abbreviation people use, such as MHRA or BIA."
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="The organisation this one is part of (MHRA Innovation Office is part of MHRA).",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    org_id = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        help_text="In org-id.guide form, such as GB-COH-01234567 or GB-GOR-EA1. Leave blank if unknown.",
    )
    nation_region = models.CharField(
        "UK nation or region", max_length=20, choices=NationRegion.choices, blank=True
    )
    source_url = models.URLField(
        "source", blank=True, help_text="Where facts not in the programme's own pages came from."
    )

    # Public when published (the default public() and is_public): a draft parent does not
    # hide its parts, it is only left unnamed.
    objects = SlugNaturalKeyManager.from_queryset(PublishedQuerySet)()
    history = RecordHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="organisation_name_unique"),
            models.UniqueConstraint(
                fields=["org_id"],
                condition=~Q(org_id=""),
                name="organisation_org_id_unique_when_present",
            ),
            models.CheckConstraint(
                condition=Q(org_id="") | Q(org_id__regex=ORG_ID_PATTERN),
                name="organisation_org_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organisation_not_its_own_parent"
            ),
        ]
        indexes = [
            # /organisations/ filters by kind and by nation or region.
            models.Index(fields=["kind"], name="organisation_kind_idx"),
            models.Index(fields=["nation_region"], name="organisation_region_idx"),
            # /search/ matches organisations by name and description; mmip/site/search.py
            # queries this very expression, so the index serves it.
            GinIndex(
                search_document(title=["name", "short_name"], body=["description"]),
                name="organisation_search_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("organisation-detail", args=[self.slug])

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def clean(self):
        errors = {}
        if self.org_id:
            if not re.fullmatch(ORG_ID_PATTERN, self.org_id):
                errors["org_id"] = (
                    "Enter the identifier in org-id.guide form: a country code, a list code and "
                    "the number, such as GB-COH-01234567 or GB-CHC-1234567."
                )
            elif problem := list_problem(self.org_id):
                errors["org_id"] = problem
            elif Organisation.objects.filter(org_id=self.org_id).exclude(pk=self.pk).exists():
                errors["org_id"] = "Another organisation already has this identifier."
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "An organisation cannot be part of itself."
        elif self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors["parent"] = "That would make the organisation part of itself."
                    break
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)
