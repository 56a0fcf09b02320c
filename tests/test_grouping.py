"""Rows grouped under a TextChoices field's labels (mmip/grouping.py), as a workstream's
partners by role and the skills page's learning resources by kind are."""

from types import SimpleNamespace

from mmip.grouping import grouped_by_choice
from workstreams.models import Partnership


def partner(name: str, role: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, role=role)


def test_groups_follow_the_declared_order_not_the_stored_values_order():
    # Stored values sort "delivery-partner", "funder", "lead", "partner"; pages list the lead first.
    rows = [
        partner("CPI", "delivery-partner"),
        partner("UKRI", "funder"),
        partner("ABPI", "lead"),
        partner("MHRA", "partner"),
        partner("BIA", "lead"),
    ]

    groups = grouped_by_choice(rows, "role", Partnership.Role)

    assert [(label, [row.name for row in members]) for label, members in groups] == [
        ("Lead", ["ABPI", "BIA"]),
        ("Partner", ["MHRA"]),
        ("Delivery partner", ["CPI"]),
        ("Funder", ["UKRI"]),
    ]


def test_a_choice_no_row_has_is_left_out_and_no_rows_give_no_groups():
    groups = grouped_by_choice(iter([partner("MHRA", "partner")]), "role", Partnership.Role)

    assert [label for label, _ in groups] == ["Partner"]
    assert grouped_by_choice([], "role", Partnership.Role) == []
