"""The explorer's sorts are served by an index, so a page of a large record reads only its
rows: checked on the plan PostgreSQL makes when told to avoid a sort wherever it can (a small
test record would otherwise be read whole, as is cheapest for it)."""

import pytest
from django.db import connection
from django.http import QueryDict

from funding.filters import AwardFilterSet
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("title", "award_title_idx"),
        ("-title", "award_title_idx"),
        ("-amount", "award_amount_idx"),
        ("-date", "award_date_idx"),
    ],
)
def test_a_sorted_page_of_awards_is_read_through_an_index(sort, index):
    f.AwardFactory.create_batch(3)
    awards = AwardFilterSet(QueryDict(f"sort={sort}")).qs[:25]
    sql, params = awards.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
