"""factory_boy factories for the records of imports (datasets and their links)."""

import factory

from imports.models import (
    AwardSource,
    Dataset,
    DatasetImport,
    OrganisationIdentifier,
    OrganisationSource,
)
from tests.factories import AwardFactory, OrganisationFactory


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    title = factory.Sequence(lambda n: f"Grants data {n}")
    publisher_name = "Example Funder"
    source_url = factory.Sequence(lambda n: f"https://example.org/grants-{n}.json")
    licence = "https://creativecommons.org/licenses/by/4.0/"


class DatasetImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatasetImport

    dataset = factory.SubFactory(DatasetFactory)
    file_name = "grants.json"
    file_format = DatasetImport.Format.JSON
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    grants_in_file = 1
    new = 1
    changed = 0
    unchanged = 0
    skipped = 0
    with_problems = 0
    no_longer_in_file = 0
    organisations_new = 2
    organisations_matched = 0


class AwardSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardSource

    award = factory.SubFactory(AwardFactory)
    first_import = factory.SubFactory(DatasetImportFactory)
    dataset = factory.SelfAttribute("first_import.dataset")
    last_import = factory.SelfAttribute("first_import")


class OrganisationSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationSource

    organisation = factory.SubFactory(OrganisationFactory)
    first_import = factory.SubFactory(DatasetImportFactory)
    dataset = factory.SelfAttribute("first_import.dataset")
    last_import = factory.SelfAttribute("first_import")
    identifier = factory.Sequence(lambda n: f"360G-EXAMPLE-ORG-{n}")
    name = factory.SelfAttribute("organisation.name")


class OrganisationIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    identifier = factory.Sequence(lambda n: f"360G-EXAMPLE-ORG-{n}")
    scheme = "360G"
