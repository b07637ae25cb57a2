"""What contributions shows on the lower apps' pages, through their slots.

Connected by `contributions.apps`; the slots are defined and documented in
appel/slots.py and resources/slots.py.
"""

from django.template.loader import render_to_string

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


def connect():
    from appel.slots import PROFILE
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
    PROFILE.provide(profile_reviews)
    PROFILE.provide(profile_decisions)
