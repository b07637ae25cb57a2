"""The call page as a hub, and each défi's page: which communs answer what, and how far along.

appel owns the call page and the défi pages but cannot read resources: it
names two slots (`appel.slots.CALL_COMMUNS`, `CHALLENGE_COMMUNS`) that this
module fills (`resources.apps`). Each part costs a fixed number of queries
whatever the number of communs: the communs shown with their team sizes
(one query), their défis (one), and on a défi's page its counts (one) and
the open threads of its communs (`slots.CHALLENGE_THREADS`, one).
"""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from . import loaders, reading, slots
from .models import Resource, ResourceVersion

# The call page lists the latest active communs; the resource list has them all.
CALL_COMMUNS_SHOWN = 20
CHALLENGE_COMMUNS_SHOWN = 50


def communs_of(user, call, *, challenge=None):
    """The communs of `call` (of one of its défis) `user` may see, the latest active first."""
    queryset = reading.resources_of(call, loaders.resources(user))
    if challenge is not None:
        queryset = queryset.filter(challenges=challenge)
    return queryset


def state_of(resource):
    """Where its latest version stands: `validated`, `pending` or `changes_requested`."""
    latest = resource.latest_version
    return latest.state if latest else ResourceVersion.State.PENDING


def _shown(user, call, *, challenge=None, limit):
    communs = list(communs_of(user, call, challenge=challenge)[:limit])
    for resource in communs:
        resource.call = call  # their URLs name the call: no query
        resource.state = state_of(resource)
    reading.attach_challenges(communs)
    for resource in communs:
        for answered in resource.answered:
            answered.call = call
    return communs


def challenge_counts(call, challenge):
    """{communs, validated, participants} of the communs answering `challenge` (one query)."""
    return Resource.objects.filter(call=call, challenges=challenge).aggregate(
        communs=Count("pk", distinct=True),
        validated=Count("pk", filter=Q(stable_version__isnull=False), distinct=True),
        participants=Count("participations__user", distinct=True),
    )


def call_communs(*, request, call):
    communs = _shown(request.user, call, limit=CALL_COMMUNS_SHOWN)
    ctx = {"call": call, "communs": communs, "capped": len(communs) == CALL_COMMUNS_SHOWN}
    return render_to_string("resources/includes/call_communs.html", ctx, request=request)


def challenge_communs(*, request, call, challenge):
    communs = _shown(request.user, call, challenge=challenge, limit=CHALLENGE_COMMUNS_SHOWN)
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
