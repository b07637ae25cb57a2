"""The call page as a hub, and each défi's page: which communs answer what, and how far along.

appel owns the call page and the défi pages but cannot read resources: it
names two slots (`appel.slots.CALL_COMMUNS`, `CHALLENGE_COMMUNS`) that this
module fills (`resources.apps`). Each part costs a fixed number of queries
whatever the number of communs: the communs shown with their team sizes
(one query), their défis (one), and on a défi's page its counts (one) and
the open threads of its communs (`slots.CHALLENGE_THREADS`, one).
"""

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string

from . import slots
from .models import Participation, Resource, ResourceChallenge, ResourceVersion

# The call page lists the latest active communs; the resource list has them all.
CALL_COMMUNS_SHOWN = 20
CHALLENGE_COMMUNS_SHOWN = 50


def communs_of(call, *, challenge=None):
    """The communs of `call` (of one of its défis), the latest active first, as plain rows.

    `call` is already loaded for its reader (drafts refused by `get_call`), so
    its communs are theirs to see. Rows, not models: a list of fifty costs
    what its few columns cost.
    """
    team_size = (
        Participation.objects.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Resource.objects.filter(call=call)
    if challenge is not None:
        queryset = queryset.filter(challenges=challenge)
    return (
        queryset.order_by("-updated_at", "-pk")
        .annotate(
            participants_count=Coalesce(Subquery(team_size), 0),
            state=Coalesce(F("latest_version__state"), Value(ResourceVersion.State.PENDING)),
        )
        .values("pk", "slug", "title", "updated_at", "state", "participants_count")
    )


def _shown(call, *, challenge=None, limit):
    communs = list(communs_of(call, challenge=challenge)[:limit])
    by_pk = {row["pk"]: row for row in communs}
    for row in communs:
        row["answered"] = []
    answered = (
        ResourceChallenge.objects.filter(resource_id__in=by_pk)
        .order_by("challenge__position", "challenge__pk")
        .values_list("resource_id", "challenge__slug", "challenge__title")
    )
    for resource_id, slug, title in answered if by_pk else ():
        by_pk[resource_id]["answered"].append({"slug": slug, "title": title})
    return communs


def challenge_counts(call, challenge):
    """{communs, validated, participants} of the communs answering `challenge` (one query)."""
    return Resource.objects.filter(call=call, challenges=challenge).aggregate(
        communs=Count("pk", distinct=True),
        validated=Count("pk", filter=Q(stable_version__isnull=False), distinct=True),
        participants=Count("participations__user", distinct=True),
    )


def call_communs(*, request, call):
    communs = _shown(call, limit=CALL_COMMUNS_SHOWN)
    ctx = {"call": call, "communs": communs, "capped": len(communs) == CALL_COMMUNS_SHOWN}
    return render_to_string("resources/includes/call_communs.html", ctx, request=request)


def challenge_communs(*, request, call, challenge):
    communs = _shown(call, challenge=challenge, limit=CHALLENGE_COMMUNS_SHOWN)
    ctx = {
        "call": call,
        "challenge": challenge,
        "communs": communs,
        "counts": challenge_counts(call, challenge),
        "capped": len(communs) == CHALLENGE_COMMUNS_SHOWN,
        "threads": slots.CHALLENGE_THREADS.fill(challenge=challenge),
    }
    return render_to_string("resources/includes/challenge_communs.html", ctx, request=request)


def connect():
    """Fills appel's slots of the call and défi pages (once, from `resources.apps`)."""
    from appel.slots import CALL_COMMUNS, CHALLENGE_COMMUNS

    CALL_COMMUNS.provide(call_communs)
    CHALLENGE_COMMUNS.provide(challenge_communs)
