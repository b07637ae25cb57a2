"""The audit log: who changed roles, statuses, budgets, invited people, set
cut-off dates and decisions, restored versions, hid posts or published a
retribution.

`record` is called by the domain functions themselves (appel/stewarding.py,
resources/editing.py, contributions/attribution.py, deciding.py,
discussing.py, personal_data.py), inside their transactions, so the web
pages and the API leave the same trace and an action that rolls back
leaves none.

An entry is stored as a code (`action`), the people it involves (keys, not
names) and parameters (`details`: codes and numbers); `describe` turns it
into a sentence in the language of whoever reads it ("Claire Dubois a ouvert
l'appel", "Alice named Rita reviewer"), through `SENTENCES`, which has one
for every action. Nothing stored is in a language but what people typed
(a thread's title, a moderation reason).
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

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


def _date(value):
    """An ISO date as the reader's language writes it ("1 juin 2026", "June 1, 2026")."""
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def _resource(entry):
    """The commun an entry names by its slug (`target`), linked, shown by its recorded title.

    Entries from before titles were recorded show the slug.
    """
    url = reverse("resources:resource-detail", args=[entry.call.slug, entry.target])
    title = (entry.details or {}).get("title") or entry.target
    return format_html('<a href="{}">{}</a>', url, title)


def _member(entry, username=None):
    """The person an entry is about, linked; else the name or address it recorded."""
    return _person(entry.subject) if entry.subject_id else (username or entry.target)


# Action -> function(entry, details) -> (sentence with %(actor)s and its other
# placeholders, their values). Every action has one (tests/appel/test_audit_words.py).
SENTENCES = {}


def _says(*actions):
    def register(function):
        for action in actions:
            SENTENCES[action] = function
        return function

    return register


STATUS_SENTENCES = {
    Call.Status.OPEN: lambda: _("%(actor)s opened the call"),
    Call.Status.CLOSED: lambda: _("%(actor)s closed the call"),
    Call.Status.ARCHIVED: lambda: _("%(actor)s archived the call"),
}


@_says(Action.STATUS_CHANGED)
def _status_changed(entry, d):
    sentence = STATUS_SENTENCES.get(d.get("after"))
    if sentence:
        return sentence(), {}
    return _("%(actor)s moved the call from “%(before)s” to “%(after)s”"), {
        "before": _status(d.get("before")),
        "after": _status(d.get("after")),
    }


@_says(Action.MEMBER_ADDED)
def _member_added(entry, d):
    return _("%(actor)s named %(member)s %(role)s"), {
        "member": _member(entry),
        "role": _role(d.get("role")),
    }


@_says(Action.ROLE_CHANGED)
def _role_changed(entry, d):
    return _("%(actor)s named %(member)s %(role)s (was %(before)s)"), {
        "member": _member(entry),
        "role": _role(d.get("after")),
        "before": _role(d.get("before")),
    }


@_says(Action.MEMBER_REMOVED)
def _member_removed(entry, d):
    return _("%(actor)s removed %(member)s (%(role)s) from the members"), {
        "member": _member(entry),
        "role": _role(d.get("role")),
    }


@_says(Action.BUDGET_CHANGED)
def _budget_changed(entry, d):
    return _("%(actor)s changed the budget from %(before)s to %(after)s"), {
        "before": _money(d.get("before")),
        "after": _money(d.get("after")),
    }


@_says(Action.VERSION_RESTORED)
def _version_restored(entry, d):
    template = _("%(actor)s restored version %(restored)s of %(resource)s as version %(version)s")
    return template, {
        "restored": d.get("restored"),
        "version": d.get("version"),
        "resource": _resource(entry),
    }


@_says(Action.RESOURCE_MERGED)
def _resource_merged(entry, d):
    template = _("%(actor)s merged %(resource)s into “%(into)s”")
    return template, {"resource": _resource(entry), "into": d.get("into_title") or d.get("into")}


@_says(Action.RETRIBUTION_PUBLISHED)
def _retribution_published(entry, d):
    return _("%(actor)s published the retribution of a budget of %(amount)s"), {
        "amount": money(d.get("budget_amount"), d.get("currency") or "EUR")
    }


@_says(Action.RETRIBUTION_WITHDRAWN)
def _retribution_withdrawn(entry, d):
    return _("%(actor)s withdrew the retribution"), {}


def _figure(value):
    """A weight or a percentage recorded as a string ("1.50"), in the reader's language."""
    try:
        return number_format(Decimal(str(value)), decimal_pos=2)
    except (InvalidOperation, ValueError):
        return value


@_says(Action.RETRIBUTION_WEIGHT_SET)
def _retribution_weight_set(entry, d):
    template = _(
        "%(actor)s gave %(member)s a weight of %(weight)s (was %(previous)s) in the split of "
        "%(resource)s: %(reason)s"
    )
    return template, {
        "member": _member(entry, d.get("username")),
        "weight": _figure(d.get("weight")),
        "previous": _figure(d.get("previous")),
        "resource": _resource(entry),
        "reason": d.get("reason", ""),
    }


@_says(Action.REVIEWERS_SHARE_SET)
def _reviewers_share_set(entry, d):
    return _("%(actor)s set the reviewers' share to %(percent)s %% (was %(previous)s %%)"), {
        "percent": _figure(d.get("percent")),
        "previous": _figure(d.get("previous")),
    }


@_says(Action.POST_HIDDEN)
def _post_hidden(entry, d):
    return _("%(actor)s hid a post by %(member)s in “%(thread)s”: %(reason)s"), {
        "member": _member(entry, d.get("author")),
        "thread": entry.target,
        "reason": d.get("reason", ""),
    }


@_says(Action.CUTOFF_ADDED)
def _cutoff_added(entry, d):
    return _("%(actor)s added the cut-off date “%(cutoff)s” on %(date)s"), {
        "cutoff": entry.target,
        "date": _date(d.get("date")),
    }


DECISION_SENTENCES = {
    "selected": lambda: _(
        "%(actor)s selected %(resource)s (version %(version)s) for %(amount)s "
        "at the cut-off date “%(cutoff)s”"
    ),
    "pool": lambda: _(
        "%(actor)s asked %(resource)s (version %(version)s) to pool its work with another "
        "commons at the cut-off date “%(cutoff)s”"
    ),
    "rework": lambda: _(
        "%(actor)s asked for %(resource)s (version %(version)s) to be reworked "
        "at the cut-off date “%(cutoff)s”"
    ),
    "declined": lambda: _(
        "%(actor)s declined %(resource)s (version %(version)s) at the cut-off date “%(cutoff)s”"
    ),
}


@_says(Action.DECISION_RECORDED)
def _decision_recorded(entry, d):
    # The codes are contributions' Decision.Kind (appel may not import it).
    decided = DECISION_SENTENCES.get(d.get("decision"))
    if decided is not None:
        template = decided()
    else:
        template = _(
            "%(actor)s recorded a decision about %(resource)s (version %(version)s) "
            "at the cut-off date “%(cutoff)s”"
        )
    args = {"resource": _resource(entry), "version": d.get("version"), "cutoff": d.get("cutoff")}
    if d.get("decision") == "selected":
        args["amount"] = money(d.get("amount"), entry.call.budget_currency)
    return template, args


@_says(Action.CUTOFF_PUBLISHED)
def _cutoff_published(entry, d):
    count = d.get("decisions") or 0
    template = ngettext(
        "%(actor)s published the decisions of the cut-off date “%(cutoff)s” (%(count)s decision)",
        "%(actor)s published the decisions of the cut-off date “%(cutoff)s” (%(count)s decisions)",
        count,
    )
    return template, {"cutoff": entry.target, "count": count}


@_says(Action.MEMBER_INVITED)
def _member_invited(entry, d):
    return _("%(actor)s invited %(email)s as %(role)s"), {
        "email": entry.target,
        "role": _role(d.get("role")),
    }


@_says(Action.INVITATION_ACCEPTED)
def _invitation_accepted(entry, d):
    return _("%(actor)s accepted the invitation sent to %(email)s and is now %(role)s"), {
        "email": entry.target,
        "role": _role(d.get("role")),
    }


@_says(Action.FUNDER_GRANTED)
def _funder_granted(entry, d):
    return _("%(actor)s gave %(member)s the funder role"), {"member": _member(entry)}


@_says(Action.FUNDER_WITHDRAWN)
def _funder_withdrawn(entry, d):
    return _("%(actor)s withdrew the funder role from %(member)s"), {"member": _member(entry)}


@_says(Action.ACCOUNT_DELETED)
def _account_deleted(entry, d):
    return _("%(actor)s deleted their account"), {}


@_says(Action.COFUNDER_SAVED)
def _cofunder_saved(entry, d):
    if d.get("created"):
        template = _("%(actor)s added the co-funder %(funder)s with a budget of %(budget)s")
    else:
        template = _("%(actor)s set the co-funder %(funder)s's budget to %(budget)s")
    return template, {
        "funder": entry.target,
        "budget": money(d.get("budget"), entry.call.budget_currency),
    }


@_says(Action.MILESTONE_ADDED)
def _milestone_added(entry, d):
    return _("%(actor)s set the milestone “%(title)s” (%(amount)s) for %(resource)s"), {
        "title": d.get("title"),
        "amount": money(d.get("amount"), entry.call.budget_currency),
        "resource": _resource(entry),
    }


@_says(Action.MILESTONE_MET)
def _milestone_met(entry, d):
    return _(
        "%(actor)s marked the milestone “%(title)s” of %(resource)s met by version %(version)s"
    ), {
        "title": d.get("title"),
        "version": d.get("version"),
        "resource": _resource(entry),
    }


# The codes are contributions' LedgerEntry.Kind (appel may not import it).
LEDGER_SENTENCES = {
    "grant": lambda: _("%(actor)s wrote in the ledger: %(resource)s granted %(amount)s"),
    "milestone": lambda: _("%(actor)s wrote in the ledger: %(amount)s due to %(resource)s"),
    "split": lambda: _("%(actor)s wrote in the ledger: %(amount)s of %(resource)s shared"),
    "amendment": lambda: _(
        "%(actor)s wrote in the ledger: entry %(supersedes)s of %(resource)s "
        "corrected to %(amount)s"
    ),
}


@_says(Action.LEDGER_ENTRY)
def _ledger_entry(entry, d):
    template = LEDGER_SENTENCES.get(d.get("kind"), LEDGER_SENTENCES["grant"])()
    return template, {
        "resource": _resource(entry),
        "amount": money(d.get("amount"), d.get("currency") or entry.call.budget_currency),
        "supersedes": d.get("supersedes"),
    }


def describe(entry):
    """The entry as a sentence in the active language, names linked (safe HTML)."""
    sentence = SENTENCES.get(entry.action)
    if sentence is None:  # a code this version no longer knows
        template, args = _("%(actor)s: %(action)s"), {"action": entry.get_action_display()}
    else:
        template, args = sentence(entry, entry.details or {})
    # The translated sentence is trusted; every value put in it is escaped.
    placeholders = {key: f"{{{key}}}" for key in ("actor", *args)}
    return format_html(template % placeholders, actor=_person(entry.actor), **args)
