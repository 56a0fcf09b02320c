"""What this app tells funding about where awards came from (funding/provenance.py)."""

from django.db.models import F, Func, TextField, Value
from django.db.models.functions import NullIf

from imports import selectors


class DatasetOrigins:
    """An award's dataset through its AwardSource (one at most: the constraint
    award_source_one_dataset_per_award), as a LEFT JOIN of the downloads' one query: a
    column of each row, never a query a row."""

    def datasets_of(self, award) -> list:
        return selectors.datasets_of_award(award)

    def dataset_title(self):
        # a || b is NULL when any part is, so an award entered here has none.
        return Func(
            F("sources__dataset__title"),
            Value(" ("),
            F("sources__dataset__publisher_name"),
            Value(")"),
            template="(%(expressions)s)",
            arg_joiner=" || ",
            output_field=TextField(),
        )

    def dataset_address(self):
        return NullIf(F("sources__dataset__source_url"), Value(""), output_field=TextField())
