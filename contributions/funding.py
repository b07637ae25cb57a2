"""Who funds a call and how a selected commun is paid: co-funders, grants, milestones.

- Co-funders share a call beside its lead funder (the call's `funder_name`),
  each with a budget in the call's currency and the défis it funds (none
  named: all of them).
- Grants: when a cut-off is published, each `selected` decision writes a
  `grant` entry in the ledger (`grant_published_decisions`). The funder of a
  grant is the co-funder funding the commun's défi when exactly one does;
  when none or several do, the grant is the lead funder's (`funder` empty),
  and the stewards may say otherwise by an amendment.
- Milestones: the parts of a grant paid as the work is delivered. A steward
  sets them for a commun that has a grant; a milestone is met when a steward
  ties it to a validated version of that commun, which writes a `milestone`
  entry ("payment due"). The dashboard's `paid` is the sum of those entries.

Refusals: ValidationError (400), PermissionDenied (403), and 409 for
ledger.LedgerRefused, MilestoneRefused and CallArchived.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appel import audit
from appel.models import Challenge
from appel.stewarding import refuse_if_archived
from appel.templatetags.money import money
from resources import pagecache
from resources.models import ResourceVersion

from . import ledger
from .models import Funder, LedgerEntry, Milestone

MAX_NAME_CHARS = 200


class MilestoneRefused(Exception):
    """Refused by the state of things (already met, not validated, no grant): answered 409."""


def _check_steward(call, actor):
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards manage its funding."))


# Co-funders


def funders_of(call):
    """The call's co-funders, in the order they were added, with their défis (two queries)."""
    return Funder.objects.filter(call=call).prefetch_related("challenges")


def _challenges(call, slugs):
    slugs = list(dict.fromkeys(slugs or []))
    found = {c.slug: c for c in Challenge.objects.filter(call=call, slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(
            {
                "challenges": _("This call has no challenge %(slugs)s.")
                % {"slugs": ", ".join(unknown)}
            }
        )
    return [found[slug] for slug in slugs]


@transaction.atomic
def save_funder(*, call, actor, name, budget_amount, challenges=(), funder=None) -> Funder:
    """Adds a co-funder to `call`, or changes `funder`; `challenges` are slugs ([]: all).

    A budget never drops below what the funder already granted (409).
    """
    _check_steward(call, actor)
    refuse_if_archived(call)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the funder's name.")
    elif len(name) > MAX_NAME_CHARS:
        errors["name"] = _("The name is limited to %(max)s characters.") % {"max": MAX_NAME_CHARS}
    elif (
        Funder.objects.filter(call=call, name__iexact=name)
        .exclude(pk=funder.pk if funder else None)
        .exists()
    ):
        errors["name"] = _("This call already has a funder of that name.")
    try:
        budget = ledger.parse_amount(budget_amount, "budget_amount", allow_zero=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    chosen = _challenges(call, challenges)
    created = funder is None
    if created:
        funder = Funder(call=call)
    else:
        funder = Funder.objects.select_for_update().get(pk=funder.pk, call=call)
        granted = ledger.totals(call)["by_funder"].get(funder.pk, {}).get("grant", 0)
        if budget < granted:
            raise ledger.LedgerRefused(
                _("%(funder)s already granted %(granted)s: its budget cannot be %(budget)s.")
                % {
                    "funder": funder.name,
                    "granted": money(granted, call.budget_currency),
                    "budget": money(budget, call.budget_currency),
                }
            )
    funder.name, funder.budget_amount = name, budget
    funder.save()
    funder.challenges.set(chosen)
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.COFUNDER_SAVED,
        target=name,
        budget=budget,
        challenges=[c.slug for c in chosen],
        created=created,
    )
    return funder


def funder_for(resource):
    """The co-funder funding `resource`'s défi if exactly one does, else None (the lead)."""
    fits = Funder.objects.filter(call_id=resource.call_id).filter(
        Q(challenges__isnull=True) | Q(challenges=resource.challenge_id)
    )
    found = list(fits.distinct()[:2])
    return found[0] if len(found) == 1 else None


# Grants


def grant_published_decisions(cutoff, actor):
    """One `grant` entry per selected decision of `cutoff` (called as it is published)."""
    decisions = cutoff.decisions.filter(decision="selected").select_related("resource")
    for decision in decisions:
        ledger.record_entry(
            call=cutoff.call,
            actor=actor,
            kind=LedgerEntry.Kind.GRANT,
            resource=decision.resource,
            funder=funder_for(decision.resource),
            amount=decision.amount,
            reason=cutoff.title,
            decision=decision,
        )


# Milestones


def milestones_of(resource):
    return Milestone.objects.filter(resource=resource).select_related("funder", "version")


def _date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({"due_date": _("Give the due date as YYYY-MM-DD.")}) from None


@transaction.atomic
def add_milestone(*, resource, actor, title, due_date, amount, funder=None) -> Milestone:
    """A milestone for a commun that was granted money; all of them stay within its grant."""
    call = resource.call
    _check_steward(call, actor)
    refuse_if_archived(call)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the milestone a title.")
    elif len(title) > 200:
        errors["title"] = _("The title is limited to %(max)s characters.") % {"max": 200}
    for check in (lambda: _date(due_date), lambda: ledger.parse_amount(amount)):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if funder is not None and funder.call_id != call.pk:
        errors["funder"] = _("This funder funds another call.")
    if errors:
        raise ValidationError(errors)
    due, amount = _date(due_date), ledger.parse_amount(amount)
    # Milestones of one call are set one after the other: their sum is checked as it stands.
    type(call).objects.select_for_update().get(pk=call.pk)
    granted = ledger.totals(call)["by_resource"].get(resource.pk, {}).get("grant")
    if not granted:
        raise MilestoneRefused(
            _("“%(title)s” was granted nothing: milestones are for a selected commons.")
            % {"title": resource.title}
        )
    planned = sum(m.amount for m in Milestone.objects.filter(resource=resource))
    if planned + amount > granted:
        raise MilestoneRefused(
            _(
                "The milestones of “%(title)s” would add up to %(total)s (%(planned)s already, "
                "%(amount)s more), beyond the %(granted)s it was granted."
            )
            % {
                "title": resource.title,
                **{
                    key: money(value, call.budget_currency)
                    for key, value in (
                        ("total", planned + amount),
                        ("planned", planned),
                        ("amount", amount),
                        ("granted", granted),
                    )
                },
            }
        )
    milestone = Milestone.objects.create(
        resource=resource,
        title=title,
        due_date=due,
        amount=amount,
        funder=funder,
        created_by=actor,
    )
    pagecache.renew_resource_after_commit(resource.pk)
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.MILESTONE_ADDED,
        target=resource.slug,
        title=title,
        amount=amount,
        milestone=milestone.pk,
    )
    return milestone


@transaction.atomic
def meet_milestone(*, milestone, version, actor) -> LedgerEntry:
    """Ties `milestone` to a validated `version` of its commun; writes the payment due."""
    resource = milestone.resource
    call = resource.call
    _check_steward(call, actor)
    refuse_if_archived(call)
    if version.resource_id != resource.pk:
        raise ValidationError(
            {
                "version": _(
                    "This version belongs to another commons: a milestone is met by its own."
                )
            }
        )
    stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if stored.version_id is not None:
        raise MilestoneRefused(
            _("The milestone “%(title)s” is already met.") % {"title": milestone.title}
        )
    if version.state != ResourceVersion.State.VALIDATED:
        raise MilestoneRefused(
            _(
                "Version %(number)s is not validated: a milestone is met by a version the "
                "reviewers have validated."
            )
            % {"number": version.number}
        )
    stored.version, stored.met_at, stored.met_by = version, timezone.now(), actor
    stored.save(update_fields=["version", "met_at", "met_by"])
    milestone.version, milestone.met_at, milestone.met_by = version, stored.met_at, actor
    entry = ledger.record_entry(
        call=call,
        actor=actor,
        kind=LedgerEntry.Kind.MILESTONE,
        resource=resource,
        funder=milestone.funder,
        amount=milestone.amount,
        reason=milestone.title,
        milestone=stored,
    )
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.MILESTONE_MET,
        target=resource.slug,
        title=milestone.title,
        version=version.number,
        milestone=milestone.pk,
    )
    return entry
