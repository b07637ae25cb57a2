"""Places on the resource pages and in the resource API that a higher app fills.

See appel/slots.py for how a slot works; contributions fills these from its
`AppConfig.ready()` (contributions/slots.py).
"""

from appel.slots import Slot

RESOURCE_PANEL = Slot(
    "resource-panel",
    "Beside the text of the resource page (cached with it, see pagecache): resource -> HTML. "
    "`resource` comes with its call, version pointers (heavy columns included) and source.",
)
VERSION_REVIEWS = Slot(
    "version-reviews",
    "Under a version on its page: version -> HTML.",
)
VERSION_REVIEW_DATA = Slot(
    "version-review-data",
    "The `reviews` of a version in the API's version detail: version -> list of dicts "
    "{reviewer, verdict, comment, comment_html, created_at}.",
)
RESOURCE_READER = Slot(
    "resource-reader",
    "Above the panel of the resource page, outside its cached parts, for a signed-in reader "
    "(asked on every request: one query at most): request, resource_id, call_slug, "
    "resource_slug, call_open -> HTML.",
)
VERSION_ASIDE = Slot(
    "version-aside",
    "Beside a version on its page: request, version (with its resource and call) -> HTML.",
)
RESOURCE_DECISIONS = Slot(
    "resource-decisions",
    "Beside the text of the resource page, above the credit panel (cached with it): "
    "resource -> HTML, the published cut-off decisions about it.",
)
RESOURCES_DECISION_DATA = Slot(
    "resources-decision-data",
    "The `decisions` of resources in the API: resources (a list, one query for all) -> "
    "{resource pk: [{cutoff, decision, version, amount, pool_with, answer, answer_html, "
    "published_at}]}.",
)
CHALLENGE_THREADS = Slot(
    "challenge-threads",
    "On a défi's page, the open threads of the communs answering it (one query): "
    "challenge -> HTML.",
)
SEARCH_THREADS = Slot(
    "search-threads",
    "The discussion threads a search finds (resources/search.py), a list best first. "
    "SQLite: ids (thread ids the full-text index found, already among visible calls) -> "
    "those threads, each with `call` and `resource` for its URL. PostgreSQL: q, "
    "visible_calls (a queryset of call pks), offset, limit -> the threads matching q "
    "(title or a post not hidden), each with an `excerpt` (resources.search.highlight).",
)
