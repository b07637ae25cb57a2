"""What contributions shows on the lower apps' pages, through their slots.

Connected by `contributions.apps`; the slots are defined and documented in
appel/slots.py and resources/slots.py.
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from appel.loaders import visible_calls
from resources.models import Participation, Resource

from . import (
    activity,
    attribution,
    deciding,
    discussing,
    funding,
    ledger,
    notifying,
    retribution,
    reviewing,
)
from .api import VersionReviewSerializer
from .models import Watch

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
    if not retribution.may_see_retribution(call, request.user):
        return ""
    return render_to_string("contributions/call_retribution_link.html", {"call": call})


def account_data(*, request):
    """Download one's data, delete one's account."""
    return render_to_string("contributions/profile_data.html", request=request)


# The people around a commun

OPEN_THREADS_SHOWN = 50


def resource_threads(*, resource):
    """The commun's open threads, the latest active first (one query; in the cached parts,
    which discussing.py renews through `pagecache.renew_resource`)."""
    threads = list(discussing.open_threads(resource)[:OPEN_THREADS_SHOWN])
    return render_to_string(
        "contributions/resource_threads.html", {"resource": resource, "threads": threads}
    )


def challenge_threads(*, challenge):
    """The open threads of the communs answering a défi, the latest active first (one query)."""
    threads = list(discussing.challenge_threads(challenge)[:OPEN_THREADS_SHOWN])
    return render_to_string(
        "contributions/challenge_threads.html", {"challenge": challenge, "threads": threads}
    )


def reader_place(*, request, resource_id, call_slug, resource_slug, call_open):
    """The reader's place in a commun: joined (and how), watching; one query."""
    user = request.user
    role = Participation.objects.filter(resource=OuterRef("pk"), user=user).values("role")[:1]
    watching = Watch.objects.filter(resource=OuterRef("pk"), user=user)
    place = (
        Resource.objects.filter(pk=resource_id)
        .annotate(role=Subquery(role), watching=Exists(watching))
        .values("role", "watching")
        .first()
    ) or {"role": None, "watching": False}
    ctx = {
        "place": place,
        "call_slug": call_slug,
        "resource_slug": resource_slug,
        "call_open": call_open,
    }
    return render_to_string("contributions/your_place.html", ctx, request=request)


def discuss_passage(*, request, version):
    """On a version's page: open a thread about a passage of it."""
    ctx = {"version": version, "resource": version.resource, "call": version.resource.call}
    return render_to_string("contributions/discuss_passage.html", ctx, request=request)


def call_watch(*, request, call):
    """On the call page: watch the call, or stop (one query, signed-in readers only)."""
    if not request.user.is_authenticated:
        return ""
    ctx = {"call": call, "watching": notifying.is_watching(request.user, call=call)}
    return render_to_string("contributions/call_watch.html", ctx, request=request)


def profile_people(*, request, profile_user):
    """The teams a person is in (as the reader may see them); one's e-mail preferences."""
    participations = list(
        Participation.objects.filter(
            user=profile_user, resource__call__in=visible_calls(request.user)
        )
        .select_related("resource__call")
        .defer("resource__content", "resource__search_document")
        .order_by("-joined_at", "-pk")[:100]
    )
    prefs = None
    if request.user.is_authenticated and request.user.pk == profile_user.pk:
        from .views.people import PreferencesForm

        prefs = PreferencesForm(instance=request.user)
    ctx = {"profile_user": profile_user, "participations": participations, "prefs": prefs}
    return render_to_string("contributions/profile_people.html", ctx, request=request)


def profile_activity(*, request, profile_user):
    """What a person wrote: counts, their latest versions, reviews and threads, their feed."""
    lists, counts = activity.person_activity(profile_user, viewer=request.user)
    ctx = {"profile_user": profile_user, "counts": counts, **lists}
    return render_to_string("contributions/profile_activity.html", ctx, request=request)


def header_bell(*, request):
    """The bell and its unread count: read with the user (`User.unread_notifications`), no query."""
    return render_to_string("contributions/header_bell.html", request=request)


def resource_money(*, resource):
    """The commun's grant, milestones (met or not) and split, from the ledger.

    One query for a commun never granted anything (milestones need a grant),
    three or four otherwise.
    """
    call = resource.call
    entries = list(
        ledger.effective_entries(call)
        .filter(resource=resource)
        .prefetch_related("shares__user")
        .only("pk", "counts_as", "amount")
    )
    if not entries:
        return ""
    milestones = list(funding.milestones_of(resource))

    def total(kind):
        return sum((e.amount for e in entries if e.counts_as == kind), Decimal("0.00"))

    return render_to_string(
        "contributions/resource_money.html",
        {
            "resource": resource,
            "currency": call.budget_currency,
            "granted": total("grant"),
            "paid": total("milestone"),
            "milestones": milestones,
            "shares": [s for e in entries if e.counts_as == "split" for s in e.shares.all()],
        },
    )


def profile_received(*, request, profile_user):
    """What `profile_user` received, commun by commun, in the calls the reader may see."""
    received = ledger.received_by(profile_user, request.user)
    if not received:
        return ""
    return render_to_string(
        "contributions/profile_received.html",
        {"profile_user": profile_user, "received": received},
        request=request,
    )


def call_money(*, request, call):
    """Who funds what, on the call page, once it has co-funders."""
    funders = list(funding.funders_of(call))
    if not funders:
        return ""
    return render_to_string(
        "contributions/call_money.html", {"call": call, "funders": funders}, request=request
    )


def call_money_links(*, request, call):
    """Links to the funders and, once it is public (or for the stewards), the ledger."""
    return render_to_string(
        "contributions/call_money_links.html",
        {"call": call, "ledger_readable": ledger.can_read(call, request.user)},
        request=request,
    )


def connect():
    from appel.slots import ACCOUNT, CALL_LINKS, CALL_PAGE, HEADER, PROFILE
    from resources.slots import (
        CHALLENGE_THREADS,
        RESOURCE_DECISIONS,
        RESOURCE_PANEL,
        RESOURCE_READER,
        RESOURCES_DECISION_DATA,
        VERSION_ASIDE,
        VERSION_REVIEW_DATA,
        VERSION_REVIEWS,
    )

    RESOURCE_PANEL.provide(resource_threads)
    RESOURCE_PANEL.provide(resource_panel)
    RESOURCE_READER.provide(reader_place)
    RESOURCE_DECISIONS.provide(resource_decisions)
    RESOURCE_DECISIONS.provide(resource_money)
    RESOURCES_DECISION_DATA.provide(resources_decision_data)
    VERSION_REVIEWS.provide(version_reviews)
    VERSION_REVIEW_DATA.provide(version_review_data)
    VERSION_ASIDE.provide(discuss_passage)
    PROFILE.provide(profile_to_review)
    PROFILE.provide(profile_reviews)
    PROFILE.provide(profile_people)
    PROFILE.provide(profile_activity)
    PROFILE.provide(profile_decisions)
    PROFILE.provide(profile_received)
    HEADER.provide(header_bell)
    HEADER.provide(header_to_review)
    CALL_LINKS.provide(call_retribution_link)
    CALL_LINKS.provide(call_money_links)
    CALL_PAGE.provide(call_watch)
    CALL_PAGE.provide(call_money)
    ACCOUNT.provide(account_data)
    CHALLENGE_THREADS.provide(challenge_threads)
