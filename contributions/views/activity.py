"""Recent changes, site-wide and per call, with their filters.

The list, its filters and what a reader may see are contributions/activity.py,
which the API calls too; these views read the query string and show the page,
or the filters' errors (400) next to the form.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appel.conditional import call_state, conditional, site_state
from appel.loaders import get_call

from .. import activity


@require_GET
@conditional(site_state, whole=True)
def site_changes(request):
    return _changes_page(request, call=None)


@require_GET
@conditional(call_state, whole=True)
def call_changes(request, call_slug):
    return _changes_page(request, call=get_call(request.user, call_slug))


def _changes_page(request, *, call):
    params = request.GET
    errors, page = {}, None
    try:
        filters = activity.parse_filters(params, viewer=request.user, call=call)
        before = after = None
        if params.get("before"):
            before = activity.parse_cursor(params["before"], field="before")
        elif params.get("after"):
            after = activity.parse_cursor(params["after"], field="after")
        page = activity.page(
            viewer=request.user,
            filters=filters,
            call=call,
            before=before,
            after=after,
            size=activity.PAGE_SIZE,
        )
    except ValidationError as error:
        errors = error.message_dict
    ctx = {
        "call": call,
        "page": page,
        "errors": errors,
        "values": {key: params.get(key, "") for key in ("user", "challenge", "kind")},
        "unreviewed": params.get("unreviewed", "") in activity.TRUE_WORDS,
        "kinds": activity.KINDS,
        "challenges": list(call.challenges.all()) if call is not None else None,
        "feed": call_feed(call) if call is not None else None,
    }
    return render(request, "contributions/changes.html", ctx, status=400 if errors else 200)


def call_feed(call):
    """The Atom feed of a call's changes, as pages link it (none for a draft: feeds are public)."""
    if call.status == call.Status.DRAFT:
        return None
    return {
        "url": reverse("contributions:call-feed", args=[call.slug]),
        "title": _("Recent changes in “%(call)s”") % {"call": call.title},
    }
