"""What each imported award and organisation knows of where it came from, and the other
identifiers organisations are known by in the files."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from funding.models import Award
from imports.models.datasets import Dataset, DatasetImport
from mmip.models import Organisation
from mmip.records import PublicQuerySet


class AwardSourceQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """That a public award came from a dataset: public with the award. Must agree with
        AwardSource.is_public."""
        return Award.objects.public_condition(f"{path}award__")


class OrganisationSourceQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """That a public organisation is named in a dataset: public with the organisation.
        Must agree with OrganisationSource.is_public."""
        return Organisation.objects.public_condition(f"{path}organisation__")


class AwardSource(models.Model):
    """An award taken from a dataset. An award has one dataset at most: a grant identifier
    another dataset already holds is refused at the preview.

    ``imported_values`` is what the funder's file said of each field the import keeps, at
    the last import: a newer file changes a field only where the funder changed it, so what
    staff corrected by hand stays unless the funder changes that very field too.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="award_sources")
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="sources")
    imported_values = models.JSONField(default=dict, blank=True)
    first_import = models.ForeignKey(
        DatasetImport, on_delete=models.PROTECT, related_name="awards_first_imported"
    )
    last_import = models.ForeignKey(
        DatasetImport,
        on_delete=models.PROTECT,
        related_name="awards_last_imported",
        help_text="The newest file of the dataset that held the grant.",
    )

    objects = AwardSourceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award"], name="award_source_one_dataset_per_award"),
            # Imports are numbered in the order they ran.
            models.CheckConstraint(
                condition=Q(last_import__gte=F("first_import")),
                name="award_source_last_import_not_before_first",
            ),
        ]
        indexes = [
            # A dataset's awards: /about/data/ counts them; a newer file looks them up.
            models.Index(fields=["dataset", "award"], name="award_source_dataset_idx"),
        ]

    def __str__(self):
        return f"{self.award_id} from {self.dataset}"

    @property
    def is_public(self) -> bool:
        return self.award.is_public

    def clean(self):
        errors = {}
        if self.first_import_id and self.last_import_id:
            if self.last_import_id < self.first_import_id:
                errors["last_import"] = "The last import cannot come before the first."
            if self.first_import.dataset_id != self.dataset_id:
                errors["first_import"] = "The import must be of the same dataset."
        if self.award_id and (
            AwardSource.objects.filter(award_id=self.award_id).exclude(pk=self.pk).exists()
        ):
            errors["award"] = "This award already came from another dataset."
        if errors:
            raise ValidationError(errors)


class OrganisationSource(models.Model):
    """An organisation named in a dataset, with the identifier and name the file gives it."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="organisation_sources"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    identifier = models.CharField("identifier in the file", max_length=200)
    name = models.CharField("name in the file", max_length=300)
    first_import = models.ForeignKey(
        DatasetImport, on_delete=models.PROTECT, related_name="organisations_first_imported"
    )
    last_import = models.ForeignKey(
        DatasetImport, on_delete=models.PROTECT, related_name="organisations_last_imported"
    )

    objects = OrganisationSourceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dataset"], name="organisation_source_once_per_dataset"
            ),
            models.CheckConstraint(
                condition=Q(last_import__gte=F("first_import")),
                name="organisation_source_last_import_not_before_first",
            ),
        ]

    def __str__(self):
        return f"{self.name} in {self.dataset}"

    @property
    def is_public(self) -> bool:
        return self.organisation.is_public

    def clean(self):
        if (
            self.first_import_id
            and self.last_import_id
            and self.last_import_id < self.first_import_id
        ):
            raise ValidationError({"last_import": "The last import cannot come before the first."})


class OrganisationIdentifier(models.Model):
    """An identifier an organisation has in the files besides its org-id: a publisher's own
    (360G-…), or an org-id the record keeps apart (a second one, or one of a register list
    whose code the org-id field does not take). The next import matches by it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="other_identifiers"
    )
    identifier = models.CharField(max_length=200)
    scheme = models.CharField(
        max_length=20,
        help_text="The org-id register's list code (GB-CHC, GB-COH…), or 360G for a publisher's own.",
    )
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identifiers",
        help_text="The dataset that gave it.",
    )

    class Meta:
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(fields=["identifier"], name="organisation_identifier_unique"),
            models.CheckConstraint(
                condition=~Q(identifier="") & ~Q(scheme=""),
                name="organisation_identifier_not_blank",
            ),
        ]

    def __str__(self):
        return self.identifier

    def clean(self):
        errors = {}
        if not self.identifier.strip():
            errors["identifier"] = "Enter the identifier."
        elif self.organisation_id and self.organisation.org_id == self.identifier:
            errors["identifier"] = "This is already the organisation's org-id."
        elif (
            OrganisationIdentifier.objects.filter(identifier=self.identifier)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["identifier"] = "Another organisation is known by this identifier."
        elif Organisation.objects.filter(org_id=self.identifier).exists():
            errors["identifier"] = "Another organisation has this as its org-id."
        if not self.scheme.strip():
            errors["scheme"] = "Say which list the identifier is from."
        if errors:
            raise ValidationError(errors)
