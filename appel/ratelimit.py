"""Rate limits on logins (site, admin, API), sign-ups, password resets, edits, reviews and the API.

Fixed windows counted in the cache: with REDIS_URL set, every app host
shares the same counters, so a limit holds across a load-balanced cluster.
Rates come from the environment (`RATE_LIMIT_<SCOPE>=30/m`, or `5/15m` for
a window of 15 minutes); `RATE_LIMITS=off` turns every limit off, for load
tests and acceptance suites that all come from one address.
"""

import contextlib
import functools
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

DEFAULT_RATES = {
    "api": "300/m",  # every API request, per user or per address
    "register": "10/h",  # sign-ups, per address
    "login": "30/m",  # login attempts, per address
    "login_failure_account": "5/15m",  # failed logins, per account
    "login_failure_address": "20/15m",  # failed logins, per address
    "password_reset_address": "10/h",  # password reset mails asked, per client address
    "password_reset_email": "3/h",  # password reset mails asked, per e-mail address
    "edit": "30/m",  # saved edits and new resources, per user
    "preview": "60/m",  # live previews of the editor, per user (each renders up to 2 s)
    "review": "30/m",  # reviews, per user
    "upload": "60/h",  # uploaded files, per user
}
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Exception):
    def __init__(self, retry_after):
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            ngettext(
                "Too many requests. Please wait %(seconds)s second and try again.",
                "Too many requests. Please wait %(seconds)s seconds and try again.",
                self.retry_after,
            )
            % {"seconds": self.retry_after}
        )


def parse_rate(rate):
    """'30/m' -> (30, 60); '5/15m' -> (5, 900)."""
    count, period = rate.split("/")
    multiplier = int(period[:-1] or 1)
    return int(count), multiplier * _PERIODS[period[-1]]


def rate_for(scope):
    return parse_rate(os.environ.get(f"RATE_LIMIT_{scope.upper()}", DEFAULT_RATES[scope]))


def client_address(request):
    """The client's address; behind a trusted proxy, the one it forwarded."""
    if settings.RATE_LIMIT_TRUST_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def identity(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request)}"


def _window(scope, ident):
    limit, window = rate_for(scope)
    now = time.time()
    return limit, window, f"ratelimit:{scope}:{ident}:{int(now // window)}", window - now % window


def hit(scope, ident):
    """Count one request; raise RateLimited once the window's allowance is spent."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, window, key, retry_after = _window(scope, ident)
    cache.add(key, 0, window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after)


def check(scope, ident):
    """Raise RateLimited if the window is already spent, without counting this request."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, _window_seconds, key, retry_after = _window(scope, ident)
    if (cache.get(key) or 0) >= limit:
        raise RateLimited(retry_after)


def check_login(request, username):
    """Before checking a password: refuse while the account or the address failed too often."""
    hit("login", client_address(request))
    check("login_failure_account", username.lower())
    check("login_failure_address", client_address(request))


def record_failed_login(request, username):
    for scope, ident in (
        ("login_failure_account", username.lower()),
        ("login_failure_address", client_address(request)),
    ):
        # Already over the limit: the next attempt is refused by check_login.
        with contextlib.suppress(RateLimited):
            hit(scope, ident)


def too_many_requests(request, error):
    response = render(request, "429.html", {"error": error}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _limit(scope, counts):
    """View decorator: the requests for which `counts(request)` is true are counted
    against `scope` per user (or address), and answered 429 beyond the limit."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if counts(request):
                try:
                    hit(scope, identity(request))
                except RateLimited as error:
                    return too_many_requests(request, error)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def limit_posts(scope):
    """View decorator: count POSTs against `scope` per user (or address) and answer 429 beyond."""
    return _limit(scope, lambda request: request.method == "POST")


def limit_requests(scope):
    """View decorator: count every request against `scope`, as the API counts its own.

    For pages that cost more than a plain read (a diff, a call's export),
    whoever asks, signed in or not.
    """
    return _limit(scope, lambda request: True)


class ApiThrottle(BaseThrottle):
    """Every API request counts against "api"; writes also against the view's `throttle_scope`."""

    def allow_request(self, request, view):
        try:
            hit("api", identity(request))
            scope = getattr(view, "throttle_scope", None)
            if scope and request.method not in ("GET", "HEAD", "OPTIONS"):
                hit(scope, identity(request))
        except RateLimited as error:
            self.retry_after = error.retry_after
            return False
        return True

    def wait(self):
        return self.retry_after
