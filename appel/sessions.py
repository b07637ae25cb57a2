"""Sign-in sessions a person can see and end, one by one, from their profile.

Django's session engine keeps the sessions themselves (database or cache)
and does not know whose each one is without decoding them all; a
UserSession row, written at sign-in and removed at sign-out by the
receivers below (connected in apps.py), names the person. Ending a session
deletes it from the engine, whatever the engine: that browser is signed out
at its next request.
"""

import ipaddress
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import ratelimit
from .models import UserSession

# A browser names itself at length; the start is what a person recognises.
USER_AGENT_CHARS = 300


def _store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _address(request):
    try:
        return str(ipaddress.ip_address(ratelimit.client_address(request)))
    except ValueError:  # none (a test client), or a forwarded header that is no address
        return None


def remember(request, user):
    """Record (or refresh) the request's session as `user`'s.

    Called at sign-in, and by the profile page for the session it is read
    in: a password change gives the browser a new session key.
    """
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip_address": _address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_CHARS],
        },
    )


def signed_in(sender, request, user, **kwargs):
    """Receiver of user_logged_in: remember this browser's session as theirs."""
    remember(request, user)


def signed_out(sender, request, user, **kwargs):
    """Receiver of user_logged_out: that session is over."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_of(user):
    """`user`'s sessions that may still be alive (older ones expired in the engine)."""
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, created_at__gte=since)


def end_session(*, user, session_id: int) -> bool:
    """End one of `user`'s sessions (never anyone else's); False when it is not theirs."""
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _store(row.session_key).delete()
    row.delete()
    return True


@transaction.atomic
def end_all_sessions(user) -> int:
    """Every browser of `user` signed out (account deletion); the number ended."""
    rows = list(UserSession.objects.filter(user=user))
    for row in rows:
        _store(row.session_key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(rows)
