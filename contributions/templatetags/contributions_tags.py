"""Template tags that let other apps' pages show contributions without importing them.

The profile page (appel) includes contributions/profile_reviews.html, which
asks for its data here: appel never imports contributions.
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from contributions import reviewing

register = template.Library()


@register.simple_tag(takes_context=True)
def reviews_of_my_versions(context, user, limit=10):
    """`{% reviews_of_my_versions user as reviews %}`: the latest reviews of their versions.

    Only in calls the reader (the template's `user`) may see.
    """
    viewer = context.get("user") or AnonymousUser()
    return list(reviewing.reviews_of_versions_by(user, viewer=viewer, limit=limit))
