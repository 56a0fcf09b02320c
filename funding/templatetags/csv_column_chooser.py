"""The CSV column chooser's form on the explorer (templates/funding/includes/csv_columns.html)."""

from django import template

from funding import csv_columns

register = template.Library()


@register.simple_tag
def csv_column_chooser(download_query: str, left_out=()) -> dict:
    """{% csv_column_chooser download_query filter.left_out as chooser %}: see
    csv_columns.chooser()."""
    return csv_columns.chooser(download_query, left_out or ())


@register.simple_tag
def csv_columns_listed() -> tuple[csv_columns.Column, ...]:
    """{% csv_columns_listed as columns %}: every column of the CSV, in its order."""
    return csv_columns.COLUMNS
