"""The resource page's parts, rendered once for each state of what they show.

Readers far outnumber writers, and the resource page (the text, its meta
line, the credit panel) is the page they read. Rendering it costs more than
everything else in the request together, so its parts are kept in the cache
under a key made of what they depend on:

- the resource's own state, read in one small query on every request: the
  version pointers (every save moves `latest_version`, a validation moves
  `stable_version`), the review state of the shown version, the call's
  status (edit button, read-only notice);
- the language;
- a stamp per resource, replaced when its team or its discussion changes
  (`renew_resource`): the team list and the open threads are in the parts;
- a generation, replaced whenever a name the parts show changes outside
  the resource: a user's display name, a call, a défi (the receivers below,
  connected in `resources.apps`), and when `rerender_markdown` rewrites the
  stored HTML.

Nothing is ever invalidated by hand, and a stale text cannot be served: a
new version is a new key. Entries live `TIMEOUT` seconds at most, which
also bounds how long a process-local cache (no `REDIS_URL`, several
processes) can show a renamed author's old name.
"""

import time

from django.core.cache import cache
from django.utils.translation import get_language

TIMEOUT = 60
GENERATION_KEY = "resource-page:generation"


def _people_key(resource_id):
    return f"resource-page:people:{resource_id}"


def resource_page_parts(state, render):
    """The parts `render()` returns for `state` (a tuple of plain values), cached while fresh.

    `state[0]` is the resource's id: its team and its open threads are part
    of the page too, and `renew_resource` marks them changed.
    """
    key = "resource-page:" + ":".join(map(str, (*state, get_language())))
    people_key = _people_key(state[0])
    found = cache.get_many([GENERATION_KEY, key, people_key])
    generation = found.get(GENERATION_KEY) or _start_generation()
    stamp = (generation, found.get(people_key))
    cached = found.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    parts = render()
    cache.set(key, (stamp, parts), TIMEOUT)
    return parts


def renew_resource(resource_id):
    """The team or the discussion of one resource changed: its page parts are stale.

    Called after commit by resources/teams.py and contributions/discussing.py.
    """
    cache.set(_people_key(resource_id), time.time_ns(), None)


def _start_generation():
    # add(): when several processes start one at once, they agree on the first.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    return cache.get(GENERATION_KEY)


def renew():
    """Every part cached so far is stale: the next visit of each page renders it again."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def names_changed(sender, update_fields=None, **kwargs):
    """Receiver: a user, call or défi changed, so every cached part may show an old name."""
    if update_fields is not None and set(update_fields) <= {
        "last_login",
        "password",
        "email_notifications",
    }:
        return  # logging in or changing a password shows nowhere on a page
    renew()
