"""The provenance records: datasets, the files imported from them, and what each imported
award and organisation knows of where it came from. Every rule is a named constraint and
the same rule in clean(); the admin shows them, and lets staff change only a dataset's
description of itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import (
    AwardSource,
    Dataset,
    DatasetImport,
    OrganisationIdentifier,
    OrganisationSource,
)
from tests import factories as f
from tests import import_factories as imf
from tests.test_record_rules import assert_clean_message, assert_violates

pytestmark = pytest.mark.django_db


# Datasets ---------------------------------------------------------------------------------


def test_a_dataset_has_a_title_and_a_publisher():
    assert_violates("dataset_has_a_title", lambda: imf.DatasetFactory(title=""))
    assert_violates("dataset_has_a_publisher", lambda: imf.DatasetFactory(publisher_name=""))
    assert_clean_message(imf.DatasetFactory.build(title=" "), "title", "Give the dataset a title")
    assert_clean_message(
        imf.DatasetFactory.build(publisher_name=" "), "publisher_name", "Name the dataset"
    )


def test_one_dataset_per_source_address_when_there_is_one():
    imf.DatasetFactory(source_url="")
    imf.DatasetFactory(source_url="")  # a spreadsheet from nowhere in particular
    imf.DatasetFactory(source_url="https://example.org/ukri.json")
    assert_violates(
        "dataset_source_url_unique_when_present",
        lambda: imf.DatasetFactory(source_url="https://example.org/ukri.json"),
    )
    assert_clean_message(
        imf.DatasetFactory.build(source_url="https://example.org/ukri.json"),
        "source_url",
        "Another dataset is published at this address",
    )


def test_a_publishers_dataset_titles_are_unique():
    imf.DatasetFactory(publisher_name="UKRI", title="Grants")
    imf.DatasetFactory(publisher_name="Wellcome", title="Grants")
    assert_violates(
        "dataset_title_unique_per_publisher",
        lambda: imf.DatasetFactory(publisher_name="UKRI", title="Grants"),
    )
    assert_clean_message(
        imf.DatasetFactory.build(publisher_name="UKRI", title="Grants"), "title", "already has"
    )


def test_every_dataset_is_public_by_both_rules():
    datasets = imf.DatasetFactory.create_batch(2)
    assert set(Dataset.objects.public()) == set(datasets)
    assert all(dataset.is_public for dataset in datasets)


# Files imported ---------------------------------------------------------------------------


def test_a_files_checksum_is_a_sha256():
    assert_violates("dataset_import_sha256_format", lambda: imf.DatasetImportFactory(sha256="abc"))
    assert_clean_message(imf.DatasetImportFactory.build(sha256="ABC"), "sha256", "64 hexadecimal")


def test_a_files_counts_add_up_to_its_grants():
    assert_violates(
        "dataset_import_counts_add_up", lambda: imf.DatasetImportFactory(grants_in_file=5)
    )
    assert_clean_message(
        imf.DatasetImportFactory.build(dataset=imf.DatasetFactory(), grants_in_file=5),
        "grants_in_file",
        "must add up",
    )
    imf.DatasetImportFactory(
        grants_in_file=10, new=3, changed=2, unchanged=1, skipped=3, with_problems=1
    )


# Awards and organisations from datasets -----------------------------------------------------


def test_an_award_comes_from_one_dataset_at_most():
    source = imf.AwardSourceFactory()
    assert_violates(
        "award_source_one_dataset_per_award", lambda: imf.AwardSourceFactory(award=source.award)
    )
    assert_clean_message(
        imf.AwardSourceFactory.build(award=source.award, first_import=imf.DatasetImportFactory()),
        "award",
        "already came from another dataset",
    )


def test_an_award_source_is_last_seen_no_earlier_than_first():
    first = imf.DatasetImportFactory()
    later = imf.DatasetImportFactory(dataset=first.dataset)
    assert_violates(
        "award_source_last_import_not_before_first",
        lambda: imf.AwardSourceFactory(first_import=later, last_import=first),
    )
    assert_clean_message(
        imf.AwardSourceFactory.build(award=f.AwardFactory(), first_import=later, last_import=first),
        "last_import",
        "cannot come before the first",
    )


def test_an_award_sources_imports_are_of_its_dataset():
    other = imf.DatasetImportFactory()
    assert_clean_message(
        imf.AwardSourceFactory.build(
            award=f.AwardFactory(),
            dataset=imf.DatasetFactory(),
            first_import=other,
            last_import=other,
        ),
        "first_import",
        "same dataset",
    )


def test_an_organisation_is_linked_to_a_dataset_once():
    source = imf.OrganisationSourceFactory()
    assert_violates(
        "organisation_source_once_per_dataset",
        lambda: imf.OrganisationSourceFactory(
            organisation=source.organisation,
            first_import=source.first_import,
        ),
    )


def test_a_link_is_public_with_its_award_or_organisation_by_both_rules():
    public = imf.AwardSourceFactory()
    imf.AwardSourceFactory(award=f.AwardFactory(is_published=False))
    imf.AwardSourceFactory(
        award=f.AwardFactory(recipient=f.OrganisationFactory(is_published=False))
    )
    named = imf.OrganisationSourceFactory()
    imf.OrganisationSourceFactory(organisation=f.OrganisationFactory(is_published=False))

    for model, expected in ((AwardSource, public), (OrganisationSource, named)):
        assert list(model.objects.public()) == [expected]
        assert [link for link in model.objects.all() if link.is_public] == [expected]


def test_the_datasets_of_an_award_and_an_organisation():
    award_source = imf.AwardSourceFactory()
    organisation_source = imf.OrganisationSourceFactory(
        dataset=award_source.dataset, first_import=award_source.first_import
    )

    assert list(award_source.award.datasets.all()) == [award_source.dataset]
    assert list(organisation_source.organisation.datasets.all()) == [award_source.dataset]


def test_an_identifier_names_one_organisation_and_is_not_its_org_id():
    known = imf.OrganisationIdentifierFactory(identifier="360G-UKRI-ORG-1")
    assert_violates(
        "organisation_identifier_unique",
        lambda: imf.OrganisationIdentifierFactory(identifier="360G-UKRI-ORG-1"),
    )
    assert_violates(
        "organisation_identifier_not_blank",
        lambda: imf.OrganisationIdentifierFactory(identifier=""),
    )
    assert_clean_message(
        OrganisationIdentifier(
            organisation=f.OrganisationFactory(), identifier="360G-UKRI-ORG-1", scheme="360G"
        ),
        "identifier",
        "Another organisation is known by this identifier",
    )
    with_org_id = f.OrganisationFactory(org_id="GB-CHC-1234567")
    assert_clean_message(
        OrganisationIdentifier(
            organisation=with_org_id, identifier="GB-CHC-1234567", scheme="GB-CHC"
        ),
        "identifier",
        "already the organisation's org-id",
    )
    assert_clean_message(
        OrganisationIdentifier(
            organisation=known.organisation, identifier="GB-CHC-1234567", scheme="GB-CHC"
        ),
        "identifier",
        "Another organisation has this as its org-id",
    )


# The admin --------------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:imports_{model._meta.model_name}_{view}", args=args)


def test_editors_correct_a_dataset_but_never_add_or_delete_one(editor_client):
    dataset = imf.DatasetImportFactory().dataset

    assert editor_client.get(admin_url(Dataset, "changelist")).status_code == 200
    page = editor_client.get(admin_url(Dataset, "change", dataset.pk))
    assert page.status_code == 200
    assert editor_client.get(admin_url(Dataset, "add")).status_code == 403
    assert editor_client.get(admin_url(Dataset, "delete", dataset.pk)).status_code == 403

    response = editor_client.post(
        admin_url(Dataset, "change", dataset.pk),
        {
            "title": "UKRI grants",
            "publisher_name": dataset.publisher_name,
            "publisher_identifier": "",
            "source_url": dataset.source_url,
            "licence": dataset.licence,
            "record_version": page.context["adminform"].form["record_version"].value(),
            "imports-TOTAL_FORMS": "1",
            "imports-INITIAL_FORMS": "1",
            "imports-MIN_NUM_FORMS": "0",
            "imports-MAX_NUM_FORMS": "1000",
            "imports-0-id": str(dataset.imports.get().pk),
            "imports-0-dataset": str(dataset.pk),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    dataset.refresh_from_db()
    assert dataset.title == "UKRI grants"
    assert dataset.history.latest().history_user.username == "editor"


def test_what_a_file_did_and_the_identifiers_are_only_read(editor_client, viewer_client):
    record = imf.DatasetImportFactory()
    identifier = imf.OrganisationIdentifierFactory()
    for client in (editor_client, viewer_client):
        assert client.get(admin_url(DatasetImport, "change", record.pk)).status_code == 200
        assert client.get(admin_url(DatasetImport, "add")).status_code == 403
        response = client.get(admin_url(OrganisationIdentifier, "change", identifier.pk))
        assert response.status_code == 200
        assert b'name="_save"' not in response.content


def test_viewers_read_datasets_without_a_save_button(viewer_client):
    dataset = imf.DatasetFactory()
    response = viewer_client.get(admin_url(Dataset, "change", dataset.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Dataset, lambda: imf.AwardSourceFactory().dataset),
        (DatasetImport, imf.DatasetImportFactory),
        (OrganisationIdentifier, imf.OrganisationIdentifierFactory),
    ],
    ids=["dataset", "dataset-import", "organisation-identifier"],
)
def test_changelists_cost_the_same_queries_for_3_rows_as_for_30(editor_client, model, make):
    url = admin_url(model, "changelist")
    for _ in range(3):
        make()
    editor_client.get(url)

    # The session, the user, the user's permissions, the counts, the page of rows with their
    # joined dataset or organisation (the datasets' award counts are a subquery of it), and
    # for the import log its dataset filter's choices and its date hierarchy.
    with CaptureQueriesContext(connection) as three:
        assert editor_client.get(url).context["cl"].result_count == 3
    for _ in range(27):
        make()
    with CaptureQueriesContext(connection) as thirty:
        assert editor_client.get(url).context["cl"].result_count == 30

    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)
