"""Template tags that let other apps' pages show contributions without importing them.

The profile page (appel) includes contributions/profile_reviews.html, which
asks for its data here: appel never imports contributions.
"""

from django import template

from contributions import reviewing

register = template.Library()


@register.simple_tag
def reviews_of_my_versions(user, limit=10):
    """`{% reviews_of_my_versions user as reviews %}`: the latest reviews of their versions."""
    return list(reviewing.reviews_of_versions_by(user, limit=limit))
