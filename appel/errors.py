"""The site's own error pages: 400, 403, 404, 500 and the refused CSRF check.

A visitor who meets an error sees it inside the normal layout, in their
language, with what happened in plain words and a way on: log in, ask the
call's stewards, go back to the call. Under /api/ the same errors answer in
the API's JSON shape, so a client never has to parse a page. The 429 page is
rendered by appel/ratelimit.py, which knows the wait.
"""

import logging

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .loaders import visible_calls
from .models import Membership

logger = logging.getLogger(__name__)

# The words of each status code for the API, where a page would say more.
API_DETAILS = {
    400: lambda: _("Bad request."),
    403: lambda: _("You do not have permission to perform this action."),
    404: lambda: _("Not found."),
    500: lambda: _("Server error: nothing was changed. Try again in a moment."),
}


def _is_api(request):
    return request.path.startswith("/api/")


def _call_of(request):
    """The call the failed address belongs to, when the visitor may see it (one query)."""
    match = getattr(request, "resolver_match", None)
    # Pages of a call name it `slug` (appel) or `call_slug` (resources, contributions).
    slug = match and (match.kwargs.get("call_slug") or match.kwargs.get("slug"))
    if not isinstance(slug, str):
        return None
    stewards = Membership.objects.filter(role=Membership.Role.STEWARD).select_related("user")
    calls = visible_calls(request.user).prefetch_related(
        Prefetch("memberships", queryset=stewards, to_attr="steward_memberships")
    )
    return calls.filter(slug=slug).first()


def _page(request, template, status, **context):
    """The page in the layout; a bare one if the layout itself fails (a broken database)."""
    try:
        call = _call_of(request) if status in (403, 404) else None
        if call is not None:
            context["call"] = call
            context["stewards"] = [m.user for m in call.steward_memberships]
        html = render_to_string(template, context, request=request)
    except Exception:  # noqa: BLE001 - an error page must never fail in turn
        logger.exception("Error page %s could not be rendered", template)
        html = render_to_string("errors/plain.html", {"status": status})
    return HttpResponse(html, status=status)


def _json(status, detail=None):
    return JsonResponse({"detail": detail or str(API_DETAILS[status]())}, status=status)


def bad_request(request, exception):
    if _is_api(request):
        return _json(400)
    return _page(request, "400.html", 400)


def permission_denied(request, exception):
    """Shows the reason the code gave (`PermissionDenied("Only the stewards…")`), if any."""
    reason = str(exception) if exception is not None else ""
    if _is_api(request):
        return _json(403, reason)
    return _page(request, "403.html", 403, reason=reason)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(404)
    return _page(request, "404.html", 404)


def server_error(request):
    if _is_api(request):
        return _json(500)
    return _page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    """The form was sent without a valid token: usually an old page or blocked cookies.

    Nothing was saved; the page says so and how to send the form again.
    """
    if _is_api(request):
        return _json(403, _("CSRF check failed: send the session's CSRF token, or use a token."))
    return _page(request, "403_csrf.html", 403)
