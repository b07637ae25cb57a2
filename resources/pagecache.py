"""The resource page's parts, rendered once for each state of what they show.

Readers far outnumber writers, and the resource page (the text, its meta
line, the credit panel) is the page they read. Rendering it costs more than
everything else in the request together, so its parts are kept in the cache
under a key made of what they depend on. This module is the one place that
says what that is, and it renews the cache itself:

- the resource's own state, read in one small query on every request
  (`page_state`): the version pointers (every save moves `latest_version`,
  a validation moves `stable_version`), the review states of both, the
  call's phase (its status with its dates applied: edit button, read-only
  notice);
- the language;
- a stamp per resource, replaced when its team or its discussion changes
  (`renew_resource`): the team list and the open threads are in the parts;
- a generation, replaced whenever a name the parts show changes outside
  the resource: a user's display name, a call, a défi, a cut-off date (its
  publication shows the decisions about each commun), a file uploaded, a
  link between resources added or removed (the receivers that `connect()`
  sets up, called from `resources.apps`), and when stored HTML is
  rewritten in bulk (the `html_rewritten` signal, sent by
  `rerender_markdown` and `links.rerender_linking_to`).

Besides `renew_resource`, nothing renews by hand, and a stale text cannot be served: a new
version is a new key. Entries live `TIMEOUT` seconds at most, which also
bounds how long a process-local cache (no `REDIS_URL`, several processes)
can show a renamed author's old name.
"""

import functools
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appel import conditional
from appel.loaders import visible_calls
from appel.models import Call, Challenge, Cutoff
from appel.precompiled import Precompiled

from .models import FileRevision, Participation, Resource, ResourceLink, ResourceVersion

TIMEOUT = 60
GENERATION_KEY = "resource-page:generation"

# Sent (no arguments) by whatever rewrites stored HTML without saving rows one
# by one (`manage.py rerender_markdown`): every cached part may show old HTML.
html_rewritten = Signal()


# The state's query: it runs before every resource page, 304 and cached page served.
_STATE = Precompiled(
    lambda call_slug, slug: (
        Resource.objects.filter(call__slug=call_slug, slug=slug)
        .order_by()
        .values_list(
            "pk",
            "latest_version_id",
            "latest_version__state",
            "stable_version_id",
            "stable_version__state",
            "merged_into__slug",  # a merged commun's page sends its readers there
            "call__status",
            "call__opens_at",
            "call__closes_at",
            "call_id",
        )[:1]
    )
)


def page_state(user, call_slug, slug):
    """What the resource page shows depends on, else Http404: one small query.

    Only drafts are kept from anyone (`Call.objects.visible_to`), so only a
    draft's resource costs a second query, asking that rule.
    """
    for *state, status, opens_at, closes_at, call_id in _STATE.rows(call_slug, slug):
        if status != Call.Status.DRAFT or visible_calls(user).filter(pk=call_id).exists():
            # The phase, not the stored status: a call opens and closes at its dates
            # (the edit button, the read-only notice) without any write.
            return (*state, Call.phase_of(status, opens_at, closes_at, timezone.now()))
    raise Http404(_("This call has no such resource."))


def _people_key(resource_id):
    return f"resource-page:people:{resource_id}"


def resource_page_parts(user, call_slug, slug, render, *, state=None):
    """The parts `render()` returns for this resource page, cached while fresh; else Http404.

    Returns (state, parts): the state's first item is the resource's id. Its
    team and its open threads are in the parts too: `renew_resource` marks
    them changed. `state`: the page state when `resource_state` read it already.
    """
    state = state or page_state(user, call_slug, slug)
    key = "resource-page:" + ":".join(map(str, (*state, get_language())))
    people_key = _people_key(state[0])
    found = cache.get_many([GENERATION_KEY, key, people_key])
    generation = found.get(GENERATION_KEY) or _start_generation()
    stamp = (generation, found.get(people_key) or conditional.stamp(people_key))
    cached = found.get(key)
    if cached is not None and cached[0] == stamp:
        return state, cached[1]
    parts = render()
    cache.set(key, (stamp, parts), TIMEOUT)
    return state, parts


def resource_state(request, *args, **url):
    """The state key of every page about one resource, for `appel.conditional`; else Http404.

    The page state, the generation and the resource's stamp: whatever a
    resource's pages show (its text, versions and their reviews, team,
    threads, files, links, the names in them) moves one of them. The page
    state is kept on the request, so the resource page does not read it twice.
    """
    call_slug = url.get("call_slug") or url.get("call")
    slug = url.get("resource_slug") or url.get("resource")
    state = page_state(request.user, call_slug, slug)
    request.resource_page_state = state
    people_key = _people_key(state[0])
    found = cache.get_many([GENERATION_KEY, people_key])
    generation = found.get(GENERATION_KEY) or _start_generation()
    people = found.get(people_key) or conditional.stamp(people_key)
    return "resource:" + ":".join(map(str, (*state, generation, people)))


def renew_resource(resource_id):
    """The team or the discussion of one resource changed: its page parts are stale.

    Called after commit by resources/teams.py, contributions/discussing.py
    and contributions/reviewing.py (a review shows on the version's page and
    in the history, whichever version it is about).
    """
    cache.set(_people_key(resource_id), time.time_ns(), None)
    conditional.renew_changes()


def renew_resource_after_commit(resource_id):
    """`renew_resource(resource_id)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(renew_resource, resource_id))


def _start_generation():
    # add(): when several processes start one at once, they agree on the first.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    return cache.get(GENERATION_KEY)


def _renew(**kwargs):
    """Every part cached so far is stale: the next visit of each page renders it again."""
    cache.set(GENERATION_KEY, time.time_ns(), None)
    conditional.renew_changes()


def _names_changed(sender, update_fields=None, **kwargs):
    """A user, call or défi changed, so every cached part may show an old name."""
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # logging in or changing a password shows nowhere on a page
    _renew()


def _files_or_links_changed(sender, **kwargs):
    """A file was uploaded or a [[link]] came or went: renewed once it is committed."""
    transaction.on_commit(_renew)


def connect():
    """Connects the receivers that keep the cached parts fresh (once, from `resources.apps`)."""
    for model in (get_user_model(), Call, Challenge, Cutoff):
        post_save.connect(_names_changed, sender=model, dispatch_uid=f"page-names-{model}")
        post_delete.connect(_names_changed, sender=model, dispatch_uid=f"page-del-{model}")
    # The page lists the resource's files and the resources linking to it.
    for model in (FileRevision, ResourceLink):
        post_save.connect(_files_or_links_changed, sender=model, dispatch_uid=f"page-{model}")
    post_delete.connect(_files_or_links_changed, sender=ResourceLink, dispatch_uid="page-unlink")
    html_rewritten.connect(_renew, dispatch_uid="page-html-rewritten")
    # A call's pages list its resources, count their versions and name their teams.
    conditional.renew_on_save(Resource, ResourceVersion, Participation, FileRevision, ResourceLink)
