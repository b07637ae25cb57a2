"""Conditional GETs (ETag, 304) and whole cached pages, for readers who are nobody in particular.

A page that has a natural version (the state key of `resources/pagecache.py`
for a resource's pages, the call's phase and the site's change stamp for a
call's, the change stamp alone for what spans calls) answers
`If-None-Match` with 304 before anything is rendered, and an anonymous
visitor's page can be served whole from the cache (`whole=True`). Both are
keyed the same way (`@conditional(state)`):

- `state(request, *url)`: what the page shows depends on, read with the
  fewest queries (it raises Http404 as the page would: a draft stays
  hidden); None to answer without an ETag;
- the language, the path with its query string;
- for the ETag only, the visitor's CSRF secret: the page carries a token
  made from it, so a browser holding another secret must get a new page.

Only anonymous requests take part (`anonymous`): no session cookie, no
`Authorization` header, no flash message waiting in the messages cookie.
A signed-in page shows its reader (the header's counts, their place in a
commun), which changes without any of the above: it gets neither an ETag
nor a cached copy, and signed-in readers keep the parts cache. A response
that adds a flash message, sets a cookie of its own or is not a 200 is
neither tagged nor kept. Responses vary on `Cookie` and `Accept-Language`
and say `Cache-Control: private, no-cache`: browsers ask again each time, a
shared cache keeps nothing.

A whole cached page holds a placeholder where its CSRF tokens were; each
visitor gets their own token in its place (and its cookie, as any page).

The change stamp (`changes`) is replaced by every write a call page
shows: the receivers `connect()` sets up (calls, défis, cut-off dates,
members, users), those `contributions.apps` adds with `renew_on_save`
(threads and posts, retribution), and `resources/pagecache.py` for
everything about resources (a version saved, a review, a team, a
thread, files and links).
ETags also change every `TIMEOUT` seconds (setting `ETAG_WINDOW_SECONDS`),
the bound the parts cache already has: when each process keeps its own
cache (no `REDIS_URL`), a write renews the stamps of its own process only,
and a few pages say how long ago something happened ("2 minutes ago").
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.translation import get_language

from .models import Call, Challenge, Cutoff, Membership
from .precompiled import Precompiled

TIMEOUT = 60
CHANGES_KEY = "pages:changes"
_WHOLE_PREFIX = "pages:whole:"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
_PLACEHOLDER = b'name="csrfmiddlewaretoken" value="\x00csrf\x00"'


def etag_window_seconds():
    """How long an ETag may be answered with 304 at most (0: as long as nothing changes)."""
    return getattr(settings, "ETAG_WINDOW_SECONDS", TIMEOUT)


def anonymous(request) -> bool:
    """A GET or HEAD that cannot depend on who sends it: nobody signed in, no message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def stamp(key):
    """The stamp stored at `key`, started when missing (an evicted stamp never comes back)."""
    found = cache.get(key)
    if found is None:
        # add(): when several processes start one at once, they agree on the first.
        cache.add(key, time.time_ns(), None)
        found = cache.get(key)
    return found


def changes():
    """The site's change stamp: replaced by every write that a call page shows."""
    return stamp(CHANGES_KEY)


def renew_changes(**kwargs):
    """Something a call page shows changed: its ETags and cached copies are stale."""
    cache.set(CHANGES_KEY, time.time_ns(), None)


def site_state(request, *args, **url):
    """The state key of a page that may show anything of the site: the change stamp alone.

    Recent changes of every call, a person's page and feed: what they show
    changes only through the writes that renew the stamp. A person or page
    that does not exist is the view's 404, which is neither tagged nor kept.
    """
    return f"site:{changes()}"


_CALL_STATE = Precompiled(
    lambda slug: (
        Call.objects.filter(slug=slug)
        .order_by()
        .values_list("pk", "status", "opens_at", "closes_at")[:1]
    )
)


def call_state(request, *args, **url):
    """The state key of a call's pages (call page, call export); else Http404 as they would.

    The call's phase (its status with its dates applied: it opens and closes
    without a write) and the change stamp. One small query; a draft's second
    one asks whether the visitor may see it.
    """
    slug = url.get("slug") or url.get("call_slug") or url.get("call")
    for pk, status, opens_at, closes_at in _CALL_STATE.rows(slug):
        draft = status == Call.Status.DRAFT
        if not draft or Call.objects.visible_to(request.user).filter(pk=pk).exists():
            phase = Call.phase_of(status, opens_at, closes_at, timezone.now())
            return f"call:{pk}:{phase}:{changes()}"
    raise Http404("No Call matches the given query.")  # as get_call says it


def _key(request, state):
    return f"{state}|{get_language()}|{request.build_absolute_uri()}"


def _etag(request, key):
    window = etag_window_seconds()
    epoch = int(time.time() // window) if window else 0
    secret = request.META.get("CSRF_COOKIE") or ""
    digest = hashlib.sha256(f"{key}|{epoch}|{secret}".encode()).hexdigest()[:32]
    return quote_etag(digest)


def _whole_key(key):
    return _WHOLE_PREFIX + hashlib.sha256(key.encode()).hexdigest()


def _headers(response):
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _added_messages(request):
    storage = getattr(request, "_messages", None)
    return storage is not None and storage.added_new


def _from_cache(request, cached):
    body, content_type = cached
    if _PLACEHOLDER in body:
        token = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode()
        body = body.replace(_PLACEHOLDER, token)
    return HttpResponse(body, content_type=content_type)


def conditional(state, *, whole=False):
    """Decorate a read view: ETag and 304 for anonymous readers; `whole=True` caches their page.

    `state(request, *args, **kwargs)` returns a string (or None: no ETag) and
    is called before the view, which runs only when the visitor's copy is stale.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not anonymous(request):
                return view(request, *args, **kwargs)
            found = state(request, *args, **kwargs)
            if found is None:
                return view(request, *args, **kwargs)
            key = _key(request, found)
            etag = _etag(request, key)
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:  # 304 (or 412 to a failed If-Match)
                not_modified["ETag"] = etag
                return _headers(not_modified)
            cached = cache.get(_whole_key(key)) if whole else None
            if cached is not None:
                response = _from_cache(request, cached)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.cookies or _added_messages(request):
                    return response
                if whole and not response.streaming and not request.GET:
                    body = _TOKEN.sub(_PLACEHOLDER, response.content)
                    cache.set(_whole_key(key), (body, response["Content-Type"]), TIMEOUT)
            # After the view: the page may have made the visitor's first CSRF secret.
            response["ETag"] = _etag(request, key)
            return _headers(response)

        return wrapper

    return decorator


def _renew_now_and_after_commit():
    # Now, and again once committed: a page rendered meanwhile from the
    # old rows may have been stored under the stamp of the first renewal.
    renew_changes()
    transaction.on_commit(renew_changes)


def _saved(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in shows on no page
    _renew_now_and_after_commit()


def _deleted(sender, **kwargs):
    _renew_now_and_after_commit()


def renew_on_save(*models):
    """Every save or deletion of a row of `models` renews the change stamp (and after commit).

    For what a call page shows besides resources (the higher apps name
    theirs: threads, retribution...).
    """
    for model in models:
        post_save.connect(_saved, sender=model, dispatch_uid=f"changes-{model}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"changes-del-{model}")


def connect():
    """Connects the receivers that renew the change stamp (once, from `appel.apps`)."""
    renew_on_save(get_user_model(), Call, Challenge, Cutoff, Membership)
