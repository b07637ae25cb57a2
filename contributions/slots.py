"""What contributions shows on the lower apps' pages, through their slots.

Connected by `contributions.apps`; the slots are defined and documented in
appel/slots.py and resources/slots.py.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from . import attribution, deciding, reviewing
from .api import VersionReviewSerializer

# The resource page's panel names this many authors; the attribution page lists everyone.
PANEL_AUTHORS = 5


def resource_panel(*, resource):
    """The credit panel: license, the authors of the version readers see, links to reuse it.

    One query for the authors (plus one for the version's authorship when
    the page deferred it).
    """
    version = resource.displayed_version
    credits = None
    if version is not None:
        shares = attribution.word_shares(version)
        credits = {
            "version": version,
            "authors": shares[:PANEL_AUTHORS],
            "others": max(len(shares) - PANEL_AUTHORS, 0),
            "license": resource.license_info,
            "source": resource.public_source if resource.derived_from_id else None,
        }
    return render_to_string(
        "contributions/resource_panel.html", {"resource": resource, "credits": credits}
    )


def version_reviews(*, version):
    """The reviews of one version, oldest first (one query)."""
    reviews = list(reviewing.reviews_of(version))
    return render_to_string("includes/review_list.html", {"reviews": reviews})


def version_review_data(*, version):
    """The reviews of one version as the API's version detail lists them."""
    return VersionReviewSerializer(reviewing.reviews_of(version), many=True).data


def profile_reviews(*, request, profile_user):
    """The latest reviews of versions `profile_user` saved, in calls the reader may see."""
    reviews = list(reviewing.reviews_of_versions_by(profile_user, viewer=request.user))
    return render_to_string(
        "contributions/profile_reviews.html",
        {"profile_user": profile_user, "reviews": reviews},
        request=request,
    )


def resource_decisions(*, resource):
    """The published cut-off decisions about `resource`, the latest first (one query)."""
    decisions = list(deciding.published_decisions_about(resource))
    return render_to_string(
        "contributions/resource_decisions.html", {"resource": resource, "decisions": decisions}
    )


def resources_decision_data(*, resources):
    """The API's `decisions` of a list of resources, one query for all."""
    return deciding.public_decisions_by_resource(resources)


def profile_decisions(*, request, profile_user):
    """Published decisions about the communs `profile_user` wrote in (until notifications)."""
    decisions = list(deciding.published_decisions_for(profile_user, request.user))
    return render_to_string(
        "contributions/profile_decisions.html",
        {"profile_user": profile_user, "decisions": decisions},
        request=request,
    )


def _waiting(user):
    """{"total", "calls", "url"} of what waits for `user`'s review, or None (cached per person)."""
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


def header_to_review(*, request):
    """ "To review (N)" for the call's reviewers and funders; nothing (and no query) for others."""
    waiting = _waiting(request.user)
    if waiting is None:
        return ""
    return render_to_string("contributions/header_to_review.html", {"waiting": waiting})


def profile_to_review(*, request, profile_user):
    """On one's own profile: each review queue one works in, with what waits there."""
    if profile_user != request.user:
        return ""
    waiting = _waiting(request.user)
    if waiting is None:
        return ""
    return render_to_string("contributions/profile_to_review.html", {"waiting": waiting})


def call_retribution_link(*, request, call):
    """The Retribution link, only where it would not refuse: funders, everyone once published."""
    if not attribution.may_see_retribution(call, request.user):
        return ""
    return render_to_string("contributions/call_retribution_link.html", {"call": call})


def account_data(*, request):
    """Download one's data, delete one's account."""
    return render_to_string("contributions/profile_data.html", request=request)


def connect():
    from appel.slots import ACCOUNT, CALL_LINKS, HEADER, PROFILE
    from resources.slots import (
        RESOURCE_DECISIONS,
        RESOURCE_PANEL,
        RESOURCES_DECISION_DATA,
        VERSION_REVIEW_DATA,
        VERSION_REVIEWS,
    )

    RESOURCE_PANEL.provide(resource_panel)
    RESOURCE_DECISIONS.provide(resource_decisions)
    RESOURCES_DECISION_DATA.provide(resources_decision_data)
    VERSION_REVIEWS.provide(version_reviews)
    VERSION_REVIEW_DATA.provide(version_review_data)
    PROFILE.provide(profile_to_review)
    PROFILE.provide(profile_reviews)
    PROFILE.provide(profile_decisions)
    HEADER.provide(header_to_review)
    CALL_LINKS.provide(call_retribution_link)
    ACCOUNT.provide(account_data)
