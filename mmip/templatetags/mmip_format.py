"""Filters every template uses to write money, dates at their precision and figures."""

from django import template

from mmip import formatting
from mmip.dates import format_date

register = template.Library()


@register.filter
def gbp(amount):
    """{{ award.amount|gbp }} -> £1,500,000"""
    return formatting.money(amount)


@register.filter
def gbp_short(amount):
    """{{ total|gbp_short }} -> £6.7 million"""
    return formatting.money(amount, short=True)


@register.simple_tag
def fuzzy_date(value, precision):
    """{% fuzzy_date milestone.date milestone.date_precision %} -> July 2021"""
    return format_date(value, precision)


@register.simple_tag
def figure(value, qualifier="exact", unit=""):
    """{% figure v.value v.qualifier v.indicator.unit %} -> over 150"""
    return formatting.figure(value, qualifier, unit)
