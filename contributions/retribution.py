"""Retribution: how money is suggested to be shared, from validated work only.

The rule (docs/retribution.md gives it in full, with a worked example):

- Only a commun's **stable** version (its newest validated one) counts; a
  commun with no validated version earns nothing. Words somebody added in a
  later version nobody validated yet count for nothing until it is.
- Each commun has an **envelope**: what the ledger granted it, when it was
  granted something; otherwise a share of the budget not granted yet, in
  proportion to the words of the stable texts of the communs not granted
  yet, capped at the call's `funding_max` (what a cap keeps back is left
  unallocated, for later cut-offs: the suggestion never gives a commun more
  than the call's own rule allows).
- Inside a commun, the **reviewers' share** (a percentage of the envelope
  the stewards set for the whole call) goes to the people who approved
  versions of the commun up to its stable one, in proportion to the number
  of versions each approved; the rest goes to the authors of the stable
  text, in proportion to the words each wrote. When nobody reviewed, the
  authors get it all.
- Stewards may give one person a **weight** in one commun (1 unless set, 0
  to 100, with a reason): it multiplies that person's words and approvals.
  Every weight is a new row; the older ones stay as its history.
- Amounts are Decimal, in the call's currency, rounded to the cent by the
  largest remainder method, so a split sums exactly to what it shares.

This is a suggestion. Money is real only in the ledger: a steward records a
commun's suggested split as a `split` entry after a confirmation page
(`record_split`). Publishing the suggestion page freezes its figures for
readers and keeps each publication's figures in the call's log.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from appel import audit
from appel.models import Call, User
from appel.stewarding import refuse_if_archived
from resources import authorship
from resources.models import Resource

from . import ledger
from .attribution import apportion, rounded_shares
from .models import LedgerEntry, Retribution, RetributionWeight, Review

CENT = Decimal("0.01")
ONE = Decimal("1")


def to_cents(amount) -> int:
    """Whole cents of an amount, never rounding up: a split never shares more than it has."""
    return int((Decimal(str(amount)) * 100).to_integral_value(rounding=ROUND_DOWN))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _hundredths(value: Decimal) -> int:
    """A weight or a percentage as an int of hundredths, so that apportioning stays exact."""
    return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_DOWN))


# One commun


@dataclass(frozen=True)
class Part:
    """One person's part of one commun's suggested split."""

    user: User
    words: int  # words of the stable text they wrote
    approvals: int  # versions up to the stable one they approved
    weight: Decimal
    weight_reason: str
    for_writing: Decimal
    for_reviewing: Decimal

    @property
    def amount(self) -> Decimal:
        return self.for_writing + self.for_reviewing

    def as_dict(self):
        return {
            "username": self.user.username,
            "display_name": self.user.name,
            "words": self.words,
            "approvals": self.approvals,
            "weight": str(self.weight),
            "for_writing": str(self.for_writing),
            "for_reviewing": str(self.for_reviewing),
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class CommunSplit:
    """A commun's envelope and how it would be shared."""

    resource: Resource
    version_number: int
    words: int
    envelope: Decimal
    granted: bool  # the envelope is what the ledger granted (else a share of the budget)
    recorded: Decimal | None  # what the ledger's split entries share, once one is recorded
    reviewers_pool: Decimal
    parts: list[Part]

    @property
    def allocated(self) -> Decimal:
        return sum((part.amount for part in self.parts), Decimal("0.00"))

    @property
    def unallocated(self) -> Decimal:
        return self.envelope - self.allocated

    def recipients(self):
        """[(user, amount)] of the people who get something, largest first."""
        return [(part.user, part.amount) for part in self.parts if part.amount > 0]

    def fingerprint(self) -> str:
        """The figures a confirmation page showed, to refuse recording figures that moved since."""
        people = ";".join(f"{user.pk}={amount}" for user, amount in self.recipients())
        return f"{self.version_number}|{self.envelope}|{people}"

    def as_dict(self):
        return {
            "resource": self.resource.slug,
            "title": self.resource.title,
            "version": self.version_number,
            "words": self.words,
            "envelope": str(self.envelope),
            "envelope_source": "granted" if self.granted else "budget",
            "recorded": None if self.recorded is None else str(self.recorded),
            "reviewers_pool": str(self.reviewers_pool),
            "allocated": str(self.allocated),
            "unallocated": str(self.unallocated),
            "shares": [part.as_dict() for part in self.parts],
        }


def split_commun(*, envelope_cents, reviewers_percent, words, approvals, weights, users):
    """[(user_id, words, approvals, weight, reason, writing_cents, reviewing_cents)] of a commun.

    `words` and `approvals` are {user_id: int}; `weights` {user_id: (Decimal, reason)}.
    Pure arithmetic on ints (cents, hundredths), so the parts sum exactly.
    """
    people = [uid for uid in {*words, *approvals} if uid in users]

    def weight(uid):
        return weights.get(uid, (ONE, ""))[0]

    review_weights = {uid: approvals.get(uid, 0) * _hundredths(weight(uid)) for uid in people}
    write_weights = {uid: words.get(uid, 0) * _hundredths(weight(uid)) for uid in people}
    reviewing_cents = 0
    if sum(review_weights.values()):
        reviewing_cents = envelope_cents * _hundredths(reviewers_percent) // 10000
    writing_cents = envelope_cents - reviewing_cents if sum(write_weights.values()) else 0
    # Larger parts first, then by name: the order the pages show, and the tie-break of rounding.
    people.sort(key=lambda uid: (-write_weights[uid], -review_weights[uid], users[uid].username))
    for_writing = apportion({uid: write_weights[uid] for uid in people}, writing_cents)
    for_reviewing = apportion({uid: review_weights[uid] for uid in people}, reviewing_cents)
    return [
        (
            uid,
            words.get(uid, 0),
            approvals.get(uid, 0),
            weight(uid),
            weights.get(uid, (ONE, ""))[1],
            for_writing[uid],
            for_reviewing[uid],
        )
        for uid in people
    ], reviewing_cents


def envelopes(*, budget_cents, cap_cents, granted_cents, words):
    """{resource_id: (cents, granted)} for every commun with validated words or a grant.

    A granted commun's envelope is its grant. The budget left after the grants
    is shared among the other communs in proportion to their validated words,
    each capped at `cap_cents` (None: no cap); what a cap keeps back stays
    unallocated.
    """
    result = {rid: (cents, True) for rid, cents in granted_cents.items()}
    others = {rid: n for rid, n in words.items() if rid not in granted_cents and n > 0}
    left = max(budget_cents - sum(granted_cents.values()), 0)
    for rid, cents in apportion(others, left).items():
        result[rid] = (cents if cap_cents is None else min(cents, cap_cents), False)
    return result


# The whole call


@dataclass(frozen=True)
class Payout:
    """A person's suggested total over the communs of a call."""

    user: User
    words: int
    share: float
    amount: Decimal

    def as_dict(self):
        return {
            "username": self.user.username,
            "display_name": self.user.name,
            "words": self.words,
            "share": self.share,
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class Suggestion:
    call: Call
    budget: Decimal
    currency: str
    reviewers_share: Decimal
    communs: list[CommunSplit]
    payouts: list[Payout]

    def commun(self, resource):
        return next((c for c in self.communs if c.resource.pk == resource.pk), None)


def ledger_totals(call) -> tuple[dict, dict]:
    """({resource_id: granted cents}, {resource_id: split cents}) from the entries that count.

    One query; amendments count in place of what they correct (contributions/ledger.py).
    """
    granted, split = {}, {}
    rows = (
        ledger.effective_entries(call)
        .filter(counts_as__in=[LedgerEntry.Kind.GRANT, LedgerEntry.Kind.SPLIT])
        .values_list("counts_as", "resource_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for counts_as, resource_id, total in rows:
        table = granted if counts_as == LedgerEntry.Kind.GRANT else split
        table[resource_id] = table.get(resource_id, 0) + to_cents(total)
    return granted, split


def suggest(call, *, settings=None) -> Suggestion:
    """The suggested retribution of a call now, commun by commun and person by person.

    A fixed number of queries (the settings, the stable texts, the approvals,
    the weights, the grants, the people) whatever the size of the history.
    """
    if settings is None:
        settings = Retribution.objects.filter(call=call).first()
    reviewers_percent = settings.reviewers_share if settings else Decimal("0")
    rows = list(
        Resource.objects.filter(call=call, stable_version__isnull=False)
        .order_by("pk")
        .values_list("pk", "slug", "title", "stable_version__number", "stable_version__authorship")
    )
    words = {pk: authorship.word_counts(runs or []) for pk, _s, _t, _n, runs in rows}
    approvals = {}
    for rid, uid, count in (
        Review.objects.filter(
            version__resource__call=call,
            version__resource__stable_version__isnull=False,
            version__number__lte=F("version__resource__stable_version__number"),
            verdict=Review.Verdict.APPROVE,
        )
        .order_by()
        .values_list("version__resource_id", "reviewer_id")
        .annotate(n=Count("version", distinct=True))
    ):
        approvals.setdefault(rid, {})[uid] = count
    weights = {}
    for rid, uid, weight, reason in RetributionWeight.objects.filter(
        resource__call=call
    ).values_list("resource_id", "user_id", "weight", "reason"):
        weights.setdefault(rid, {})[uid] = (weight, reason)  # ordered oldest first: newest wins
    granted, recorded = ledger_totals(call)
    users = User.objects.in_bulk(
        {uid for counts in (*words.values(), *approvals.values()) for uid in counts}
    )
    cap = call.funding_max
    budget_envelopes = envelopes(
        budget_cents=to_cents(call.budget_amount),
        cap_cents=None if cap is None else to_cents(cap),
        granted_cents={pk: cents for pk, cents in granted.items() if pk in words},
        words={pk: sum(words[pk].values()) for pk, *_rest in rows},
    )
    communs, totals, person_words = [], {}, {}
    for pk, slug, title, number, _runs in rows:
        envelope_cents, is_granted = budget_envelopes.get(pk, (0, False))
        parts, reviewing_cents = split_commun(
            envelope_cents=envelope_cents,
            reviewers_percent=reviewers_percent,
            words=words[pk],
            approvals=approvals.get(pk, {}),
            weights=weights.get(pk, {}),
            users=users,
        )
        resource = Resource(pk=pk, call=call, slug=slug, title=title)
        communs.append(
            CommunSplit(
                resource=resource,
                version_number=number,
                words=sum(words[pk].values()),
                envelope=from_cents(envelope_cents),
                granted=is_granted,
                recorded=from_cents(recorded[pk]) if pk in recorded else None,
                reviewers_pool=from_cents(reviewing_cents),
                parts=[
                    Part(
                        user=users[uid],
                        words=n_words,
                        approvals=n_approvals,
                        weight=weight,
                        weight_reason=reason,
                        for_writing=from_cents(writing),
                        for_reviewing=from_cents(reviewing),
                    )
                    for uid, n_words, n_approvals, weight, reason, writing, reviewing in parts
                ],
            )
        )
        for uid, n_words, _a, _w, _r, writing, reviewing in parts:
            totals[uid] = totals.get(uid, 0) + writing + reviewing
            person_words[uid] = person_words.get(uid, 0) + n_words
    communs.sort(key=lambda commun: (-commun.envelope, commun.resource.title))
    ordered = dict(
        sorted(
            ((uid, cents) for uid, cents in totals.items() if cents > 0),
            key=lambda item: (-item[1], users[item[0]].username),
        )
    )
    shares = rounded_shares(ordered)
    payouts = [
        Payout(
            user=users[uid],
            words=person_words[uid],
            share=shares[uid],
            amount=from_cents(cents),
        )
        for uid, cents in ordered.items()
    ]
    return Suggestion(
        call=call,
        budget=Decimal(str(call.budget_amount)).quantize(CENT),
        currency=call.budget_currency,
        reviewers_share=reviewers_percent,
        communs=communs,
        payouts=payouts,
    )


# What the retribution page and API show


@dataclass(frozen=True)
class RetributionReport:
    call: Call
    budget: Decimal
    currency: str
    published: bool
    published_at: datetime.datetime | None
    published_by: User | None
    reviewers_share: Decimal
    payouts: list[Payout]
    communs: list[dict]  # CommunSplit.as_dict(), as computed now or as published

    def as_dict(self):
        return {
            "budget_amount": str(Decimal(self.budget).quantize(CENT)),
            "currency": self.currency,
            "published": self.published,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_by": self.published_by.username if self.published_by else None,
            "reviewers_share": str(self.reviewers_share),
            "shares": [payout.as_dict() for payout in self.payouts],
            "communs": self.communs,
        }


def retribution_for(call) -> RetributionReport:
    """The published figures, else the suggestion computed now.

    Published figures are frozen when a steward publishes them, so that what
    a funder announced does not move under the contributors' feet as the
    texts keep changing; every publication's figures also stay in the log.
    """
    record = Retribution.objects.select_related("published_by").filter(call=call).first()
    if record is None or not record.published:
        suggestion = suggest(call, settings=record)
        return RetributionReport(
            call=call,
            budget=suggestion.budget,
            currency=suggestion.currency,
            published=False,
            published_at=None,
            published_by=None,
            reviewers_share=suggestion.reviewers_share,
            payouts=suggestion.payouts,
            communs=[commun.as_dict() for commun in suggestion.communs],
        )
    users = User.objects.in_bulk([row["user"] for row in record.shares])
    payouts = [
        Payout(
            user=users[row["user"]],
            words=row["words"],
            share=row["share"],
            amount=Decimal(row["amount"]),
        )
        for row in record.shares
        if row["user"] in users
    ]
    return RetributionReport(
        call=call,
        budget=record.budget_amount,
        currency=record.currency,
        published=True,
        published_at=record.published_at,
        published_by=record.published_by,
        reviewers_share=record.reviewers_share,
        payouts=payouts,
        communs=record.communs,
    )


def may_see_retribution(call, user):
    """Anyone once published, the call's stewards always (API.md)."""
    if call.is_steward(user):
        return True
    return Retribution.objects.filter(call=call, published=True).exists()


def check_steward(*, call: Call, actor) -> None:
    """PermissionDenied unless `actor` steers the call's retribution."""
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the stewards of the call publish its retribution."))


@transaction.atomic
def publish_retribution(*, call: Call, actor, published: bool = True) -> Retribution:
    """Publish (or withdraw) the call's suggested retribution; stewards only.

    Publishing freezes the current suggestion for readers; publishing again
    refreshes it, and the figures of each publication are kept in the call's
    log, so nothing announced is lost. Withdrawing hides them from everyone
    but the stewards. Raises CallArchived once the call is archived.
    """
    check_steward(call=call, actor=actor)
    refuse_if_archived(call)
    record, _created = Retribution.objects.get_or_create(call=call)
    record.published = published
    if published:
        suggestion = suggest(call, settings=record)
        record.budget_amount = call.budget_amount
        record.currency = call.budget_currency
        record.shares = [
            {
                "user": payout.user.pk,
                "words": payout.words,
                "share": payout.share,
                "amount": str(payout.amount),
            }
            for payout in suggestion.payouts
        ]
        record.communs = [commun.as_dict() for commun in suggestion.communs]
        record.published_at = timezone.now()
        record.published_by = actor
    record.save()
    details = {}
    if published:
        details["shares"] = [
            {"username": users_name, "amount": row["amount"]}
            for row, users_name in zip(
                record.shares,
                (payout.user.username for payout in suggestion.payouts),
                strict=True,
            )
        ]
    audit.record(
        call=call,
        actor=actor,
        action=(
            audit.Action.RETRIBUTION_PUBLISHED if published else audit.Action.RETRIBUTION_WITHDRAWN
        ),
        target=call.slug,
        budget_amount=record.budget_amount,
        currency=record.currency,
        **details,
    )
    return record


def parse_percent(value, *, field="reviewers_share") -> Decimal:
    """A number from 0 to 100 with at most two decimals, else ValidationError."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        number = None
    if (
        isinstance(value, bool)
        or number is None
        or not number.is_finite()
        or not 0 <= number <= 100
        or number != number.quantize(CENT)
    ):
        raise ValidationError(
            {field: [_("Enter a number from 0 to 100, with at most two decimals.")]}
        )
    return number.quantize(CENT)


@transaction.atomic
def set_reviewers_share(*, call: Call, actor, percent) -> Retribution:
    """Set the part of every commun's envelope kept for its reviewers; stewards only, logged."""
    check_steward(call=call, actor=actor)
    refuse_if_archived(call)
    percent = parse_percent(percent)
    record, _created = Retribution.objects.select_for_update().get_or_create(call=call)
    previous = record.reviewers_share
    if previous != percent:
        record.reviewers_share = percent
        record.save(update_fields=["reviewers_share"])
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.REVIEWERS_SHARE_SET,
            target=call.slug,
            previous=f"{Decimal(previous):.2f}",
            percent=str(percent),
        )
    return record


@transaction.atomic
def set_weight(*, resource: Resource, user: User, actor, weight, reason: str) -> RetributionWeight:
    """Give `user` a weight in `resource`'s split, with the reason; stewards only, logged.

    A new row every time: the weight in force is the newest, the others its
    history. The person must have a part in the commun's stable text or its
    reviews, so that weights name people the split knows.
    """
    call = resource.call
    check_steward(call=call, actor=actor)
    refuse_if_archived(call)
    errors = {}
    try:
        weight = parse_percent(weight, field="weight")
    except ValidationError as error:
        errors.update(error.message_dict)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why this weight is given: it is shown to everyone.")]
    if errors:
        raise ValidationError(errors)
    if not _has_part(resource, user):
        raise ValidationError(
            {"user": [_("This person wrote nothing of the validated text and reviewed nothing.")]}
        )
    previous = (
        RetributionWeight.objects.filter(resource=resource, user=user)
        .order_by("-set_at", "-pk")
        .values_list("weight", flat=True)
        .first()
    )
    row = RetributionWeight.objects.create(
        resource=resource, user=user, weight=weight, reason=reason, set_by=actor
    )
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.RETRIBUTION_WEIGHT_SET,
        target=resource.slug,
        subject=user,
        title=resource.title,
        username=user.username,
        previous=str(previous if previous is not None else ONE),
        weight=str(weight),
        reason=reason,
    )
    return row


def _has_part(resource, user):
    """Whether `user` wrote words of the stable text or approved a version up to it (fresh)."""
    stable = (
        Resource.objects.filter(pk=resource.pk, stable_version__isnull=False)
        .values_list("stable_version__number", "stable_version__authorship")
        .first()
    )
    if stable is None:
        return False
    number, runs = stable
    if authorship.word_counts(runs or []).get(user.pk):
        return True
    return Review.objects.filter(
        version__resource=resource,
        version__number__lte=number,
        verdict=Review.Verdict.APPROVE,
        reviewer=user,
    ).exists()


def weight_history(resource):
    """Every weight given in `resource`, newest first, with who gave it."""
    return (
        RetributionWeight.objects.filter(resource=resource)
        .select_related("user", "set_by")
        .order_by("-set_at", "-pk")
    )


# Recording a split in the ledger


class FiguresMoved(Exception):
    """The suggestion changed between the confirmation page and the confirmation."""


def recorded_split(resource):
    """The split entry of `resource` that counts now (the latest one), with its shares, or None."""
    return (
        ledger.effective_entries(resource.call)
        .filter(resource=resource, counts_as=LedgerEntry.Kind.SPLIT)
        .select_related("created_by")
        .prefetch_related("shares__user")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def record_split(*, resource: Resource, actor, fingerprint: str, reason: str = ""):
    """Write the commun's suggested split in the ledger, as the steward confirmed it.

    `fingerprint` is what the confirmation page showed (`CommunSplit.fingerprint`):
    if a version was validated or a weight changed since, nothing is written
    (FiguresMoved). A commun that already has a split gets an amendment of it,
    which needs a reason; the ledger keeps both. The ledger refuses shares
    beyond the commun's grant (LedgerRefused), so only a granted commun's
    split can be recorded.
    """
    call = resource.call
    check_steward(call=call, actor=actor)
    refuse_if_archived(call)
    # One steward at a time per call: the figures checked are the figures written.
    Call.objects.select_for_update().filter(pk=call.pk).first()
    split = suggest(call).commun(resource)
    if split is None:
        raise ValidationError(
            {"resource": [_("This commons has no validated version: it earns nothing.")]}
        )
    if not split.granted:
        raise ledger.LedgerRefused(
            _("“%(title)s” was granted nothing yet: record its grant before its split.")
            % {"title": resource.title}
        )
    if split.fingerprint() != fingerprint:
        raise FiguresMoved(
            _("The figures changed since you read them: check them again before recording.")
        )
    previous = recorded_split(resource)
    if previous is not None and not (reason or "").strip():
        raise ValidationError(
            {"reason": [_("A split is already recorded: say why this one replaces it.")]}
        )
    return ledger.record_entry(
        call=call,
        actor=actor,
        kind=LedgerEntry.Kind.AMENDMENT if previous else LedgerEntry.Kind.SPLIT,
        resource=resource,
        amount=split.allocated,
        recipients=split.recipients(),
        reason=reason,
        supersedes=previous,
    )
