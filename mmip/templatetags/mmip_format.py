"""Filters every template uses to write money and figures. Dates are printed by the
{% dated %} tag (mmip_widgets), the one way a page prints a date."""

from django import template

from mmip import formatting

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
def figure(value, qualifier="exact", unit=""):
    """{% figure v.value v.qualifier v.indicator.unit %} -> over 150"""
    return formatting.figure(value, qualifier, unit)
