"""The full-text document of a searchable model, shared by its index and its queries.

Each searchable model declares its search document in its Meta as a named GIN expression
index built by search_document(): title words weigh most (A), then the summary or aim (B),
then the body (C). Queries read that very expression back from the index
(indexed_document()), so their WHERE clause is the indexed expression and PostgreSQL
answers it from the index however large the record grows. Awards, which the funding
explorer also filters by words beside other conditions, keep the same document in a
generated column instead and index that. Nothing here imports a model, so models.py can
import this module.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchVector
from django.db.models import F

CONFIG = "english"


def search_document(*, title, summary=(), body=()):
    """The weighted tsvector of a model's text fields, for its GIN index."""
    vectors = [
        SearchVector(name, weight=weight, config=CONFIG)
        for weight, names in (("A", title), ("B", summary), ("C", body))
        for name in names
    ]
    return reduce(operator.add, vectors)


def index_name(model_name: str) -> str:
    return f"{model_name}_search_idx"


def indexed_document(model):
    """The search document exactly as the model's GIN index holds it: the indexed expression,
    or the stored column the index is built on (a model whose document is filtered on beside
    other conditions keeps it in a generated column, so no row has to work it out again)."""
    name = index_name(model._meta.model_name)
    for index in model._meta.indexes:
        if index.name == name:
            return index.expressions[0] if index.expressions else F(index.fields[0])
    raise LookupError(f"{model.__name__} has no search index named {name}.")
