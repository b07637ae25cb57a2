"""Cut-off decisions: at each "relevé", the stewards decide, commun by commun.

ADEME's process: a commun is selected (with an amount within the call's
floor and cap per commun), asked to pool its work with another commun,
asked to rework, or declined, always with a public answer. Decisions are
about a validated version (what the stewards actually read), stay private
until the steward publishes the cut-off, and are then public all together
and never change again: an announced decision is a promise.

The HTML views and the API both call these functions; they only turn the
refusals into messages or status codes (ValidationError -> 400,
PermissionDenied -> 403, CutoffPublished, CallArchived and, at publication,
ledger.LedgerRefused (a grant beyond a cap or a budget) -> 409).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appel import audit
from appel.models import Call, Cutoff
from appel.stewarding import refuse_if_archived
from resources.models import Resource, ResourceVersion

from . import funding, notifying
from .models import Decision

MAX_ANSWER_CHARS = 20_000
Kind = Decision.Kind


class CutoffPublished(Exception):
    """Refused: the cut-off's decisions are public, hence final."""

    def __init__(self, cutoff):
        self.cutoff = cutoff
        super().__init__(
            _(
                "The decisions of “%(title)s” are published: they can no longer be changed "
                "or added to."
            )
            % {"title": cutoff.title}
        )


def _check_steward(call, actor):
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards decide at its cut-off dates."))


def _locked(cutoff):
    """The cut-off as stored, read under lock: "published" may have changed since it was read."""
    return Cutoff.objects.select_for_update().get(pk=cutoff.pk)


def _amount(value, call):
    """The amount as a Decimal within the call's floor and cap, or a ValidationError."""
    if value in (None, ""):
        raise ValidationError({"amount": _("A selected commons needs an amount.")})
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"amount": _("Give the amount as a number, such as 25000.")}
        ) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise ValidationError({"amount": _("The amount must be a positive number.")})
    low, high = (
        None if bound is None else Decimal(str(bound))
        for bound in (call.funding_min, call.funding_max)
    )
    if (low is not None and amount < low) or (high is not None and amount > high):
        if low is not None and high is not None:
            sentence = _("This call funds each commons with %(low)s to %(high)s %(currency)s.")
        elif low is not None:
            sentence = _("This call funds each commons with at least %(low)s %(currency)s.")
        else:
            sentence = _("This call funds each commons with at most %(high)s %(currency)s.")
        raise ValidationError(
            {"amount": sentence % {"low": low, "high": high, "currency": call.budget_currency}}
        )
    return amount


@transaction.atomic
def record_decision(
    *,
    cutoff: Cutoff,
    resource: Resource,
    version: ResourceVersion,
    decision: str,
    answer: str,
    actor,
    amount=None,
    pool_with: Resource | None = None,
) -> tuple[Decision, bool]:
    """Records the decision about `resource` (or replaces it before publication).

    One decision per commun and cut-off: deciding again before publishing
    corrects it, which is what stewards do while they deliberate.
    """
    call = cutoff.call
    _check_steward(call, actor)
    refuse_if_archived(call)
    if _locked(cutoff).published:
        raise CutoffPublished(cutoff)
    errors = {}
    if resource.call_id != call.pk:
        errors["resource"] = _("This commons belongs to another call.")
    if version.resource_id != resource.pk:
        errors["version"] = _("This version belongs to another commons.")
    elif version.state != ResourceVersion.State.VALIDATED:
        errors["version"] = _(
            "Version %(number)s is not validated: a decision is about a version the "
            "reviewers have validated."
        ) % {"number": version.number}
    if decision not in Kind.values:
        errors["decision"] = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}
    answer = (answer or "").strip()
    if not answer:
        errors["answer"] = _("Write the public answer the commons will read.")
    elif len(answer) > MAX_ANSWER_CHARS:
        errors["answer"] = _("The answer is limited to %(max)s characters.") % {
            "max": MAX_ANSWER_CHARS
        }
    if errors:
        raise ValidationError(errors)
    if decision == Kind.SELECTED:
        amount = _amount(amount, call)
    elif amount not in (None, ""):
        raise ValidationError({"amount": _("Only a selected commons receives an amount.")})
    else:
        amount = None
    if decision == Kind.POOL:
        if pool_with is None:
            raise ValidationError({"pool_with": _("Name the commons to pool with.")})
        if pool_with.call_id != call.pk or pool_with.pk == resource.pk:
            raise ValidationError({"pool_with": _("Pool with another commons of the same call.")})
    elif pool_with is not None:
        raise ValidationError({"pool_with": _("Only a pooling decision names another commons.")})
    fields = {
        "version": version,
        "decision": decision,
        "amount": amount,
        "pool_with": pool_with,
        "answer": answer,
        "decided_by": actor,
        "updated_at": timezone.now(),
    }
    found = Decision.objects.filter(cutoff=cutoff, resource=resource).first()
    if found is None:
        found = Decision(cutoff=cutoff, resource=resource, **fields)
        created = True
    else:
        for name, value in fields.items():
            setattr(found, name, value)
        created = False
    found.save()
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.DECISION_RECORDED,
        target=resource.slug,
        cutoff=cutoff.title,
        decision=decision,
        amount=amount,
        version=version.number,
    )
    return found, created


@transaction.atomic
def publish_cutoff(*, cutoff: Cutoff, actor) -> Cutoff:
    """Makes all the cut-off's decisions public at once; from then on they are final.

    After the commit, the authors and the team of each commun decided about
    are notified (`notifying.decisions_published`).
    """
    _check_steward(cutoff.call, actor)
    refuse_if_archived(cutoff.call)
    stored = _locked(cutoff)
    if stored.published:
        raise CutoffPublished(cutoff)
    cutoff.published, cutoff.published_at, cutoff.published_by = True, timezone.now(), actor
    cutoff.save(update_fields=["published", "published_at", "published_by"])
    count = cutoff.decisions.count()
    audit.record(
        call=cutoff.call,
        actor=actor,
        action=audit.Action.CUTOFF_PUBLISHED,
        target=cutoff.title,
        decisions=count,
    )
    # Each selection becomes a grant in the ledger; a cap or a budget exceeded
    # refuses the whole publication (ledger.LedgerRefused, 409).
    funding.grant_published_decisions(cutoff, actor)
    # Resource pages show published decisions: saving the cut-off renews their
    # cached parts (resources.pagecache listens to Cutoff).
    notifying.decisions_published(cutoff, actor)
    return cutoff


def decisions_of(cutoff, user):
    """The cut-off's decisions `user` may read: all for stewards, else only once published."""
    if not (cutoff.published or cutoff.call.is_steward(user)):
        return Decision.objects.none()
    return cutoff.decisions.select_related(
        "resource", "version", "pool_with", "decided_by"
    ).order_by("resource__title", "pk")


def published_decisions_about(resource):
    """The public decisions about `resource`, the latest cut-off first."""
    return (
        Decision.objects.filter(resource=resource, cutoff__published=True)
        .select_related("cutoff", "version", "pool_with")
        .order_by("-cutoff__date", "-cutoff_id")
    )


def published_decisions_for(user, viewer, *, limit=20):
    """Public decisions about the communs `user` wrote in, in the calls `viewer` may see."""
    visible = Call.objects.visible_to(viewer).values("pk")
    written = ResourceVersion.objects.filter(author=user).values("resource_id")
    return (
        Decision.objects.filter(
            cutoff__published=True, resource_id__in=written, cutoff__call__in=visible
        )
        .select_related("cutoff", "resource__call", "pool_with")
        .order_by("-cutoff__published_at", "-pk")[:limit]
    )


def public_decisions_by_resource(resources):
    """{resource pk: [decision as JSON]}: the published decisions about `resources`, one query.

    Registered with resources.api (contributions/apps.py), which shows them
    as the `decisions` field of a resource without importing this app.
    """
    found = {}
    decisions = (
        Decision.objects.filter(resource__in=[r.pk for r in resources], cutoff__published=True)
        .select_related("cutoff", "version", "pool_with")
        .order_by("-cutoff__date", "-cutoff_id")
    )
    for decision in decisions:
        found.setdefault(decision.resource_id, []).append(
            {
                "cutoff": {
                    "id": decision.cutoff_id,
                    "title": decision.cutoff.title,
                    "date": decision.cutoff.date.isoformat(),
                },
                "decision": decision.decision,
                "version": decision.version.number,
                "amount": None if decision.amount is None else str(decision.amount),
                "pool_with": decision.pool_with.slug if decision.pool_with_id else None,
                "answer": decision.answer,
                "answer_html": decision.answer_html,
                "published_at": decision.cutoff.published_at,
            }
        )
    return found
