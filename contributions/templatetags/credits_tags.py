"""Filters of the credit pages (attribution, retribution, the resource page's panel)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share):
    """0.3333 -> "33.3 %" (localized): shares are stored as fractions of 1."""
    return f"{number_format(round(share * 100, 1), 1)}\u00a0%"
