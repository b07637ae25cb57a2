"""Seam: a call's figures, counted by the app that stores what they count.

Pages and the API of calls show how many resources, versions, contributors
and validated resources a call has, but appel knows nothing of resources
(they depend on it, never the reverse). So the app that stores them
provides the counting: in its `AppConfig.ready()`, `resources` calls
`provide()` with a function that annotates a Call queryset with one
`stats_<figure>` per name of `FIGURES` (`resources/stats.py`).
`CallQuerySet.with_stats()` applies it; `Call.stats` reads the result, 0
for a figure nobody provides.

Counting a busy call (22,000 versions) takes tens of milliseconds, so the
call page reads them through `load_counted`: kept in the cache under the
site's change stamp (`appel.conditional`), which every write they count
renews, like the page itself.
"""

import hashlib

from django.core.cache import cache

FIGURES = ("resources", "versions", "contributors", "validated_resources")

_providers = []


def provide(annotate):
    """Registers `annotate(queryset) -> queryset` (once, however often `ready()` runs)."""
    if annotate not in _providers:
        _providers.append(annotate)


def annotate(queryset):
    for provider in _providers:
        queryset = provider(queryset)
    return queryset


def figures(call):
    """{figure: number} of a call read through `with_stats()`."""
    return {name: getattr(call, f"stats_{name}", 0) for name in FIGURES}


def load_counted(slug, load):
    """The call named `slug` that `load(queryset)` reads, with its figures.

    While nothing changed they come from the cache and `load` gets plain
    calls; else `load` gets `with_stats()`, counting them in its own query,
    and they are kept.
    """
    from . import conditional  # not at import time: models import this module
    from .models import Call

    # Hashed: the slug comes from the address, of any length (a cache key is not).
    key = f"call-stats:{hashlib.sha256(slug.encode()).hexdigest()}:{conditional.changes()}"
    found = cache.get(key)
    if found is None:
        call = load(Call.objects.with_stats())
        cache.set(key, figures(call), conditional.TIMEOUT)
        return call
    call = load(Call.objects.all())
    for name, number in found.items():
        setattr(call, f"stats_{name}", number)
    return call
