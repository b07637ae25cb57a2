"""The audit log: who changed roles, statuses, budgets, restored versions or
published a retribution.

`record` is called by the domain functions themselves (appel/stewarding.py,
resources/editing.py, contributions/attribution.py), inside their
transactions, so the web pages and the API leave the same trace and an
action that rolls back leaves none.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEntry

Action = AuditEntry.Action


def _jsonable(details):
    # Decimals and dates become strings, as the JSON field stores them.
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder))


def record(*, call, actor, action, target="", **details):
    """Save one entry; `actor` may be None for actions run by a command."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        call=call, actor=actor, action=action, target=str(target)[:300], details=_jsonable(details)
    )


def for_call(call):
    """The call's entries, newest first, with their actors (one query per page)."""
    return AuditEntry.objects.filter(call=call).select_related("actor")
