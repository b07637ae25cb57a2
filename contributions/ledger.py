"""The call's ledger: every sum granted, due or shared, written once and never changed.

Entries are only added (`record_entry`); the models refuse to update or
delete one and PostgreSQL refuses it too (a trigger, migration 0006). A
mistake is corrected by an `amendment` naming the entry it `supersedes`,
with a reason: from then on the amendment's amount counts in the totals in
place of the corrected entry's, and both stay readable (docs/money.md).

Rules checked here, under a lock on the call's row so that two stewards
writing at once are checked one after the other:

- a commun is never granted beyond the call's cap per commun (`funding_max`),
  a funder never beyond its budget;
- the payments due (milestones met) and the shares (splits) of a commun never
  exceed what it was granted;
- a split's shares sum exactly to its amount, to the cent;
- every entry is in the call's currency; the ledger never mixes two.

Refusals: ValidationError (400), PermissionDenied (403), LedgerRefused (409,
a sentence with the figures).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from appel import audit
from appel.models import Call
from appel.templatetags.money import money
from resources import pagecache
from resources.models import Resource

from .models import Funder, LedgerEntry, LedgerShare

Kind = LedgerEntry.Kind
CENT = Decimal("0.01")
MAX_REASON_CHARS = 5_000


class LedgerRefused(Exception):
    """Refused because of what the ledger already holds (a cap, a budget): answered 409."""


def parse_amount(value, field="amount", *, allow_zero=False):
    """`value` as a Decimal with at most two decimals, or a ValidationError on `field`."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Give the amount as a number, such as 2500.50.")}) from None
    if not amount.is_finite() or amount >= Decimal("1e12"):
        raise ValidationError({field: _("Give the amount as a number, such as 2500.50.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("An amount has at most two decimals (cents).")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be a positive number.")})
    return amount.quantize(CENT)


def effective_entries(call):
    """The entries that count: all but those an amendment superseded."""
    return LedgerEntry.objects.filter(call=call, superseded_by__isnull=True)


def _sum(entries):
    return (entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")).quantize(CENT)


def _counted(call, counts_as, *, excluding=None, **filters):
    entries = effective_entries(call).filter(counts_as=counts_as, **filters)
    if excluding is not None:
        entries = entries.exclude(pk=excluding.pk)
    return _sum(entries)


def _figures(call, **values):
    return {key: money(value, call.budget_currency) for key, value in values.items()}


def _check_grant(call, resource, funder, amount, replaced):
    """A commun within the call's cap, a funder within its budget (`replaced` no longer counts)."""
    if call.funding_max is not None:
        granted = _counted(call, Kind.GRANT, excluding=replaced, resource=resource)
        if granted + amount > call.funding_max:
            raise LedgerRefused(
                _(
                    "“%(title)s” would be granted %(total)s in all (%(granted)s already, "
                    "%(amount)s more), beyond this call's cap of %(cap)s per commons."
                )
                % {
                    "title": resource.title,
                    **_figures(
                        call,
                        total=granted + amount,
                        granted=granted,
                        amount=amount,
                        cap=call.funding_max,
                    ),
                }
            )
    if funder is not None:
        Funder.objects.select_for_update().get(pk=funder.pk)
        granted = _counted(call, Kind.GRANT, excluding=replaced, funder=funder)
        if granted + amount > funder.budget_amount:
            raise LedgerRefused(
                _(
                    "%(funder)s would grant %(total)s in all (%(granted)s already, %(amount)s "
                    "more), beyond its budget of %(budget)s."
                )
                % {
                    "funder": funder.name,
                    **_figures(
                        call,
                        total=granted + amount,
                        granted=granted,
                        amount=amount,
                        budget=funder.budget_amount,
                    ),
                }
            )


def _check_within_grant(call, resource, counts_as, amount, replaced):
    """Payments due, or shares, of a commun never beyond what it was granted."""
    granted = _counted(call, Kind.GRANT, resource=resource)
    already = _counted(call, counts_as, excluding=replaced, resource=resource)
    if already + amount > granted:
        if counts_as == Kind.MILESTONE:
            sentence = _(
                "Payments due to “%(title)s” would reach %(total)s (%(already)s already, "
                "%(amount)s more), beyond the %(granted)s it was granted."
            )
        else:
            sentence = _(
                "The shares of “%(title)s” would reach %(total)s (%(already)s already, "
                "%(amount)s more), beyond the %(granted)s it was granted."
            )
        raise LedgerRefused(
            sentence
            % {
                "title": resource.title,
                **_figures(
                    call, total=already + amount, already=already, amount=amount, granted=granted
                ),
            }
        )


def _shares(recipients, amount):
    """[(user, Decimal)] from (user, amount) pairs; they must sum to `amount` exactly."""
    shares, seen = [], set()
    for user, value in recipients:
        share = parse_amount(value, "recipients", allow_zero=True)
        if user.pk in seen:
            raise ValidationError(
                {"recipients": _("%(name)s is named twice.") % {"name": user.username}}
            )
        seen.add(user.pk)
        shares.append((user, share))
    if not shares:
        raise ValidationError({"recipients": _("A split names the people who share the sum.")})
    total = sum((share for _user, share in shares), Decimal("0.00"))
    if amount is None:
        amount = total
    if total != amount:
        raise ValidationError(
            {
                "recipients": _(
                    "The shares sum to %(total)s, not to the amount %(amount)s: they must "
                    "match to the cent."
                )
                % {"total": total, "amount": amount}
            }
        )
    return shares, amount


@transaction.atomic
def record_entry(
    *,
    call,
    actor,
    kind,
    resource=None,
    funder=None,
    amount=None,
    recipients=(),
    reason="",
    supersedes=None,
    decision=None,
    milestone=None,
) -> LedgerEntry:
    """Adds one entry to `call`'s ledger, after checking the rules above.

    `recipients`: (user, amount) pairs, for a split or an amendment of one.
    `amount` may be left out for a split: it is then the sum of the shares.
    An amendment takes the commun and funder of the entry it corrects.
    """
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards write in its ledger."))
    # Every write of this call's ledger waits here for the one before it: the
    # totals checked below are the totals as they stand.
    call = Call.objects.select_for_update().get(pk=call.pk)
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}}
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {
                "reason": _("The reason is limited to %(max)s characters.")
                % {"max": MAX_REASON_CHARS}
            }
        )
    counts_as = kind
    if kind == Kind.AMENDMENT:
        if supersedes is None:
            raise ValidationError({"supersedes": _("Name the entry this amendment corrects.")})
        if supersedes.call_id != call.pk:
            raise ValidationError({"supersedes": _("This entry belongs to another call.")})
        if not reason:
            raise ValidationError({"reason": _("Say why the entry is corrected.")})
        if LedgerEntry.objects.filter(supersedes=supersedes).exists():
            raise LedgerRefused(
                _("Entry %(id)s was already corrected: correct its latest amendment instead.")
                % {"id": supersedes.pk}
            )
        counts_as = supersedes.counts_as
        resource, funder = supersedes.resource, supersedes.funder
    elif supersedes is not None:
        raise ValidationError({"supersedes": _("Only an amendment corrects another entry.")})
    if resource is not None and resource.call_id != call.pk:
        raise ValidationError({"resource": _("This commons belongs to another call.")})
    if funder is not None and funder.call_id != call.pk:
        raise ValidationError({"funder": _("This funder funds another call.")})
    if resource is None:
        raise ValidationError({"resource": _("Name the commons this entry is about.")})
    if counts_as == Kind.SPLIT:
        if amount not in (None, ""):
            amount = parse_amount(amount, allow_zero=kind == Kind.AMENDMENT)
        else:
            amount = None
        shares, amount = _shares(recipients, amount)
    else:
        if recipients:
            raise ValidationError({"recipients": _("Only a split names recipients.")})
        if amount in (None, ""):
            raise ValidationError({"amount": _("Give the amount.")})
        amount = parse_amount(amount, allow_zero=kind == Kind.AMENDMENT)
        shares = []
    mixed = LedgerEntry.objects.filter(call=call).exclude(currency=call.budget_currency).first()
    if mixed is not None:
        raise LedgerRefused(
            _(
                "This ledger is kept in %(old)s and the call's budget is now in %(new)s: "
                "currencies are never mixed."
            )
            % {"old": mixed.currency, "new": call.budget_currency}
        )
    if counts_as == Kind.GRANT:
        _check_grant(call, resource, funder, amount, supersedes)
    else:
        _check_within_grant(call, resource, counts_as, amount, supersedes)
    entry = LedgerEntry.objects.create(
        call=call,
        kind=kind,
        counts_as=counts_as,
        resource=resource,
        funder=funder,
        amount=amount,
        currency=call.budget_currency,
        reason=reason,
        supersedes=supersedes,
        decision=decision,
        milestone=milestone,
        created_by=actor,
    )
    LedgerShare.objects.bulk_create(
        LedgerShare(entry=entry, user=user, amount=share) for user, share in shares
    )
    # The commun's page shows its grant, payments due and split (cached parts).
    pagecache.renew_resource_after_commit(resource.pk)
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.LEDGER_ENTRY,
        target=resource.slug,
        title=resource.title,
        entry=entry.pk,
        kind=kind,
        amount=amount,
        currency=entry.currency,
        supersedes=supersedes.pk if supersedes else None,
    )
    return entry


def is_public(call):
    """The ledger is public once it holds an entry.

    Every entry is written by a public act: a grant when a cut-off's
    decisions are published, a payment due when a milestone of a granted
    commun is met, a split or an amendment of those. So the first grant,
    written at the first publication, opens the ledger to all readers.
    """
    return LedgerEntry.objects.filter(call=call).exists()


def can_read(call, user):
    return call.is_steward(user) or is_public(call)


def entries(call, *, resource=None, funder=None, person=None, kind=None):
    """The call's entries, oldest first, with what the pages show (a constant number of queries).

    Filters take slugs, funder ids (`lead`: the lead funder's), usernames and kind codes;
    unknown ones find nothing.
    """
    found = LedgerEntry.objects.filter(call=call)
    if resource:
        found = found.filter(resource__slug=resource)
    if funder == "lead":
        found = found.filter(funder__isnull=True)
    elif funder:
        found = found.filter(funder_id=funder) if str(funder).isdigit() else found.none()
    if person:
        found = found.filter(shares__user__username=person)
    if kind:
        found = found.filter(kind=kind)
    return (
        found.select_related("resource", "funder", "created_by", "supersedes", "superseded_by")
        .prefetch_related("shares__user")
        .order_by("created_at", "pk")
    )


def totals(call, *, with_people=True):
    """What the entries that count add up to: per kind, per commun, per funder and per person.

    {"granted", "paid", "split", "by_resource": {pk: {kind: Decimal}},
    "by_funder": {pk or None: {kind: Decimal}}, "by_person": {user pk: Decimal}}.
    """
    zero = Decimal("0.00")
    found = {"granted": zero, "paid": zero, "split": zero, "by_resource": {}, "by_funder": {}}
    key = {Kind.GRANT: "granted", Kind.MILESTONE: "paid", Kind.SPLIT: "split"}
    rows = (
        effective_entries(call)
        .values_list("counts_as", "resource_id", "funder_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for counts_as, resource_id, funder_id, total in rows:
        total = total.quantize(CENT)  # SQLite sums decimals with more digits
        found[key[counts_as]] += total
        for table, pk in (("by_resource", resource_id), ("by_funder", funder_id)):
            per = found[table].setdefault(pk, {})
            per[counts_as] = per.get(counts_as, zero) + total
    if not with_people:
        return found
    found["by_person"] = {
        user_id: total.quantize(CENT)
        for user_id, total in LedgerShare.objects.filter(
            entry__call=call, entry__superseded_by__isnull=True
        )
        .values_list("user_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    return found


def received_by(user, viewer):
    """What `user` received, commun by commun, in the calls `viewer` may see.

    [{"call", "resource", "amount", "currency"}], from the splits that count.
    """
    visible = Call.objects.visible_to(viewer).values("pk")
    rows = (
        LedgerShare.objects.filter(
            user=user, entry__superseded_by__isnull=True, entry__call__in=visible
        )
        .values_list("entry__resource_id", "entry__currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    resources = Resource.objects.select_related("call").in_bulk([row[0] for row in rows])
    return [
        {
            "call": resources[pk].call,
            "resource": resources[pk],
            "amount": total.quantize(CENT),
            "currency": currency,
        }
        for pk, currency, total in rows
        if pk in resources
    ]


CSV_COLUMNS = [
    "id",
    "created_at",
    "kind",
    "resource",
    "funder",
    "amount",
    "currency",
    "recipients",
    "reason",
    "created_by",
    "supersedes",
]


def as_json(entry):
    """One entry as the API serves it (amounts as decimal strings)."""
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "resource": entry.resource.slug if entry.resource_id else None,
        "funder": entry.funder.name if entry.funder_id else None,
        "amount": f"{entry.amount:.2f}",
        "currency": entry.currency,
        "recipients": [
            {"username": share.user.username, "amount": f"{share.amount:.2f}"}
            for share in entry.shares.all()
        ],
        "reason": entry.reason,
        "created_by": entry.created_by.username,
        "created_at": entry.created_at.isoformat(),
        "supersedes": entry.supersedes_id,
    }


def as_csv_row(entry):
    """The same entry as a CSV row (CSV_COLUMNS); recipients read `alice=600.00;bob=400.00`."""
    data = as_json(entry)
    data["recipients"] = ";".join(f"{r['username']}={r['amount']}" for r in data["recipients"])
    return ["" if data[column] is None else data[column] for column in CSV_COLUMNS]
