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
- a generation, replaced whenever a name the parts show changes outside
  the resource: a user's display name, a call, a défi, a file uploaded, a
  link between resources added or removed (the receivers below, connected
  in `resources.apps`), and when `rerender_markdown` or
  `links.rerender_linking_to` rewrite stored HTML.

Nothing is ever invalidated by hand, and a stale text cannot be served: a
new version is a new key. Entries live `TIMEOUT` seconds at most, which
also bounds how long a process-local cache (no `REDIS_URL`, several
processes) can show a renamed author's old name.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

TIMEOUT = 60
GENERATION_KEY = "resource-page:generation"


def resource_page_parts(state, render):
    """The parts `render()` returns for `state` (a tuple of plain values), cached while fresh."""
    key = "resource-page:" + ":".join(map(str, (*state, get_language())))
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or _start_generation()
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    parts = render()
    cache.set(key, (generation, parts), TIMEOUT)
    return parts


def _start_generation():
    # add(): when several processes start one at once, they agree on the first.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    return cache.get(GENERATION_KEY)


def renew():
    """Every part cached so far is stale: the next visit of each page renders it again."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def names_changed(sender, update_fields=None, **kwargs):
    """Receiver: a user, call or défi changed, so every cached part may show an old name."""
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # logging in or changing a password shows nowhere on a page
    renew()


def files_or_links_changed(sender, **kwargs):
    """Receiver: a file was uploaded or a [[link]] came or went; renewed once it is committed."""
    transaction.on_commit(renew)
