"""Seam: a call's figures, counted by the app that stores what they count.

Pages and the API of calls show how many resources, versions, contributors
and validated resources a call has, but appel knows nothing of resources
(they depend on it, never the reverse). So the app that stores them
provides the counting: in its `AppConfig.ready()`, `resources` calls
`provide()` with a function that annotates a Call queryset with one
`stats_<figure>` per name of `FIGURES` (`resources/stats.py`).
`CallQuerySet.with_stats()` applies it; `Call.stats` reads the result, 0
for a figure nobody provides.
"""

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
