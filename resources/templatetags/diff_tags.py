"""`{{ changes|diff_rows }}`: a word diff laid out in rows (resources/diffview.py)."""

from django import template

from resources import diffview

register = template.Library()


@register.filter
def diff_rows(changes):
    return diffview.rows(changes or [])
