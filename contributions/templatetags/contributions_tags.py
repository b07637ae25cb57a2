"""Template tags that let other apps' pages show contributions without importing them.

The profile page (appel) includes contributions/profile_reviews.html, which
asks for its data here: appel never imports contributions.
"""

from django import template

from contributions import attribution, reviewing

register = template.Library()


@register.simple_tag
def reviews_of_my_versions(user, limit=10):
    """`{% reviews_of_my_versions user as reviews %}`: the latest reviews of their versions."""
    return list(reviewing.reviews_of_versions_by(user, limit=limit))


@register.simple_tag
def may_see_retribution(call, user):
    """`{% may_see_retribution call user as show %}`: the call page links it only then.

    A link that would answer 403 is not shown (stewards always; others once published).
    """
    return attribution.may_see_retribution(call, user)
