"""Open data in: the datasets awards and organisations are imported from (a funder's own
360Giving files), and what each imported award and organisation knows of its sources. The
reading of files is in imports/reading.py, the preview in imports/preview.py and the write
in imports/services.py."""

from imports.models.datasets import SHA256_PATTERN, Dataset, DatasetImport, DatasetQuerySet
from imports.models.sources import AwardSource, OrganisationIdentifier, OrganisationSource
from imports.models.uploads import Upload, UploadChunk

__all__ = [
    "SHA256_PATTERN",
    "AwardSource",
    "Dataset",
    "DatasetImport",
    "DatasetQuerySet",
    "OrganisationIdentifier",
    "OrganisationSource",
    "Upload",
    "UploadChunk",
]
