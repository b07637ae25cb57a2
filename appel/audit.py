"""The audit log: who changed roles, statuses, budgets, restored versions or
published a retribution.

`record` is called by the domain functions themselves (appel/stewarding.py,
resources/editing.py, contributions/attribution.py), inside their
transactions, so the web pages and the API leave the same trace and an
action that rolls back leaves none.

An entry is stored as a code (`action`), the people it involves (keys, not
names) and parameters (`details`: codes and numbers); `describe` turns it
into a sentence in the language of whoever reads it ("Claire Dubois a ouvert
l'appel", "Alice named Rita reviewer"). Nothing stored is in a language.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import AuditEntry, Call, Membership
from .templatetags.money import money

Action = AuditEntry.Action


def _jsonable(details):
    # Decimals and dates become strings, as the JSON field stores them.
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder))


def record(*, call, actor, action, target="", subject=None, **details):
    """Save one entry; `actor` may be None for actions run by a command.

    `subject` is the person the action is about, if any; `details` hold codes
    and numbers only, never sentences, so that any reader's language applies.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        call=call,
        actor=actor,
        subject=subject,
        action=action,
        target=str(target)[:300],
        details=_jsonable(details),
    )


def for_call(call, *, action=None, actor=None):
    """The call's entries, newest first, with the people they name (one query per page).

    `action` (a code) and `actor` (a username) narrow the list; unknown values
    simply find nothing.
    """
    entries = AuditEntry.objects.filter(call=call).select_related("actor", "subject", "call")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor__username=actor)
    return entries


def _person(user):
    if user is None:
        return pgettext("audit log: who acted", "The system")
    return format_html(
        '<a href="{}">{}</a>', reverse("appel:user-detail", args=[user.username]), user.name
    )


def _role(code):
    """The role's name inside a sentence: "relecteur", "reviewer"."""
    try:
        return str(Membership.Role(code).label).lower()
    except ValueError:
        return code


def _status(code):
    try:
        return str(Call.Status(code).label).lower()
    except ValueError:
        return code


def _money(value):
    if isinstance(value, dict):
        return money(value.get("amount"), value.get("currency") or "EUR")
    return str(value)


STATUS_SENTENCES = {
    Call.Status.OPEN: lambda: _("%(actor)s opened the call"),
    Call.Status.CLOSED: lambda: _("%(actor)s closed the call"),
    Call.Status.ARCHIVED: lambda: _("%(actor)s archived the call"),
}


def describe(entry):
    """The entry as a sentence in the active language, names linked (safe HTML)."""
    d = entry.details or {}
    actor = _person(entry.actor)
    member = _person(entry.subject) if entry.subject_id else entry.target
    action = entry.action
    if action == Action.STATUS_CHANGED:
        sentence = STATUS_SENTENCES.get(d.get("after"))
        if sentence:
            return format_html(sentence() % {"actor": "{actor}"}, actor=actor)
        template = _("%(actor)s moved the call from “%(before)s” to “%(after)s”")
        args = {"before": _status(d.get("before")), "after": _status(d.get("after"))}
    elif action == Action.MEMBER_ADDED:
        template = _("%(actor)s named %(member)s %(role)s")
        args = {"member": member, "role": _role(d.get("role"))}
    elif action == Action.ROLE_CHANGED:
        template = _("%(actor)s named %(member)s %(role)s (was %(before)s)")
        args = {"member": member, "role": _role(d.get("after")), "before": _role(d.get("before"))}
    elif action == Action.MEMBER_REMOVED:
        template = _("%(actor)s removed %(member)s (%(role)s) from the members")
        args = {"member": member, "role": _role(d.get("role"))}
    elif action == Action.BUDGET_CHANGED:
        template = _("%(actor)s changed the budget from %(before)s to %(after)s")
        args = {"before": _money(d.get("before")), "after": _money(d.get("after"))}
    elif action == Action.VERSION_RESTORED:
        template = _(
            "%(actor)s restored version %(restored)s of %(resource)s as version %(version)s"
        )
        url = reverse("resources:resource-detail", args=[entry.call.slug, entry.target])
        args = {
            "restored": d.get("restored"),
            "version": d.get("version"),
            "resource": format_html('<a href="{}">{}</a>', url, entry.target),
        }
    elif action == Action.RETRIBUTION_PUBLISHED:
        template = _("%(actor)s published the retribution of a budget of %(amount)s")
        args = {"amount": money(d.get("budget_amount"), d.get("currency") or "EUR")}
    elif action == Action.RETRIBUTION_WITHDRAWN:
        template = _("%(actor)s withdrew the retribution")
        args = {}
    elif action == Action.ACCOUNT_DELETED:
        template = _("%(actor)s deleted their account")
        args = {}
    else:
        template = _("%(actor)s: %(action)s")
        args = {"action": entry.get_action_display()}
    # The translated sentence is trusted; every value put in it is escaped.
    placeholders = {key: f"{{{key}}}" for key in ("actor", *args)}
    return format_html(template % placeholders, actor=actor, **args)
