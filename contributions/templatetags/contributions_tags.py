"""Template tags that let other apps' pages show contributions without importing them.

The profile page (appel) includes contributions/profile_reviews.html, which
asks for its data here: appel never imports contributions.
"""

from django import template
from django.urls import reverse

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


@register.simple_tag
def to_review(user):
    """`{% to_review user as waiting %}`: {"total", "calls", "url"} for the header, or None.

    None for anyone who reviews no running call. Cached per person for a few
    seconds (reviewing.waiting_for_cached), so most pages cost no query.
    """
    if not user.is_authenticated:
        return None
    calls = reviewing.waiting_for_cached(user)
    if not calls:
        return None
    if len(calls) == 1:
        url = reverse("contributions:review-queue", args=[calls[0]["slug"]])
    else:
        url = reverse("appel:profile") + "#to-review"
    return {"total": sum(c["count"] for c in calls), "calls": calls, "url": url}
