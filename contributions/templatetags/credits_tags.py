"""The resource page's credit panel, filled without the resources app importing contributions.

`templates/contributions/resource_panel.html` asks here for the short
credit of the version readers see: one query for the authors (plus one for
the version's authorship when the page deferred it).
"""

from django import template
from django.utils.formats import number_format

from contributions import attribution

register = template.Library()

# The panel names this many authors; the attribution page lists everyone.
PANEL_AUTHORS = 5


@register.simple_tag
def resource_credits(resource):
    """`{% resource_credits resource as credits %}` for the panel of `resource`'s page."""
    version = resource.displayed_version
    if version is None:
        return None
    shares = attribution.word_shares(version)
    # Joined by resources.reading on the resource page; one query otherwise.
    source = resource.public_source if resource.derived_from_id else None
    return {
        "version": version,
        "authors": shares[:PANEL_AUTHORS],
        "others": max(len(shares) - PANEL_AUTHORS, 0),
        "license": resource.license_info,
        "source": source,
    }


@register.filter
def percent(share):
    """0.3333 -> "33.3 %" (localized): shares are stored as fractions of 1."""
    return f"{number_format(round(share * 100, 1), 1)}\u00a0%"
