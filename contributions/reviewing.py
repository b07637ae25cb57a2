"""Reviews: who may review a version, recording a verdict, moving the stable pointer.

The HTML views and the API both call this module, so the rules live in one
place. Recording a review runs in one transaction that locks the resource
row: two reviewers approving the same version at the same instant are
counted one after the other, and the stable pointer only ever moves forward.

The rules, decided here once:
- Reviewers and stewards of the call review; nobody reviews a version they
  authored, nor one whose words added or changed since the last validated
  version include words they wrote (their text restored by someone else).
  The authors of version n are everyone who saved a version of
  the resource after the last validated version older than n, up to n
  itself: their edits are all part of it (a merged version holds the edits
  of both editors). For the usual case, n newer than the stable version,
  that is the versions since the stable one.
- A version's state is recomputed from its reviews after each one:
  `validated` once the distinct people who approved it reach the call's
  `approvals_required` (approving twice counts once), else
  `changes_requested` if anyone asked for changes, else `pending`. Every
  recorded approval counts, since only eligible people can record one.
  Approvals are never withdrawn, so a validated version stays validated.
- The stable pointer is the newest validated version: validating a newer
  version moves it forward, validating an older one leaves it alone.
- A closed call can still be reviewed (validation may finish after the
  call closes); an archived call is a read-only record: ReadOnlyCall.
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from appel.loaders import visible_calls
from appel.models import Call, Membership
from resources import authorship, pagecache
from resources.loaders import CALL_TEXT_COLUMNS, RESOURCE_TEXT_COLUMNS, heavy_columns
from resources.models import Resource, ResourceVersion

from . import notifying
from .models import Review

# A review comment is a note, not a second copy of the resource.
MAX_COMMENT_CHARS = 20_000
# Columns of the version pointers that lists and locks never read: rendered
# HTML and authorship can weigh as much as the text itself.
_POINTER_BULK = [
    f"{pointer}__{field}"
    for pointer in ("latest_version", "stable_version")
    for field in ("html", "authorship")
]


class ReviewNotAllowed(PermissionDenied):
    """This person may not review this version; the message says why."""


class ReadOnlyCall(Exception):
    """The call is archived: its record can be read, not changed."""

    def __init__(self, call):
        self.call = call
        super().__init__(
            _("The call “%(title)s” is archived: its versions can no longer be reviewed.")
            % {"title": call.title}
        )


def _last_validated_before(version):
    """The number of the newest validated version older than `version`, as a subquery."""
    return (
        ResourceVersion.objects.filter(
            resource_id=version.resource_id,
            number__lt=version.number,
            state=ResourceVersion.State.VALIDATED,
        )
        .order_by("-number")
        .values("number")[:1]
    )


def review_base(version: ResourceVersion) -> ResourceVersion | None:
    """The version a reviewer compares `version` with: the last validated one before it.

    For a version newer than the stable one this is the stable version; None
    when nothing before it was validated (then the whole text is new).
    """
    # Kept on the instance: the review page and refusal() both ask for it.
    if "_review_base" not in version.__dict__:
        resource = version.resource
        stable = resource.stable_version
        if stable is not None and stable.number < version.number:
            version._review_base = stable
        else:
            number = _last_validated_before(version)
            version._review_base = (
                ResourceVersion.objects.filter(
                    resource_id=version.resource_id, number=Subquery(number)
                )
                .select_related("author")
                .first()
            )
    return version._review_base


def author_ids(version: ResourceVersion) -> set[int]:
    """Everyone whose edit is part of `version` since the last validated version before it."""
    start = Coalesce(Subquery(_last_validated_before(version)), 0)
    return set(
        ResourceVersion.objects.filter(resource_id=version.resource_id, number__lte=version.number)
        .filter(number__gt=start)
        .order_by()
        .values_list("author_id", flat=True)
        .distinct()
    )


def changed_word_authors(version: ResourceVersion) -> set[int]:
    """The authors of the words of `version` added or changed since its review base.

    From the word-level authorship stored on the version: a restore gives
    restored words back to whoever wrote them, so someone's own text coming
    back through another person's restore still counts as theirs.
    """
    base = review_base(version)
    authors = authorship.expand(version.authorship)
    if base is None:
        return set(authors) - {None}
    # Marks every word of `version`: 0 kept from the base, 1 added or changed.
    marks = authorship.expand(
        authorship.derive(base.content, [[0, len(base.content.split())]], version.content, 1)
    )
    return {author for author, mark in zip(authors, marks, strict=False) if mark and author}


def refusal(*, version: ResourceVersion, user) -> str | None:
    """Why `user` may not review `version`, as a sentence; None when they may.

    Pages call it to explain the missing form; record_review calls it to refuse.
    `version.resource.call` should come with its memberships prefetched.
    """
    call = version.resource.call
    if not user.is_authenticated:
        return _("Log in to review this version.")
    if not call.can_review(user):
        return _("Only the reviewers and stewards of the call “%(title)s” review its versions.") % {
            "title": call.title
        }
    if user.pk in author_ids(version):
        return _(
            "You wrote part of this version since it was last validated: "
            "someone else has to review it."
        )
    if user.pk in changed_word_authors(version):
        return _(
            "Words you wrote are part of what changed in this version since it was last "
            "validated (brought back by someone else's edit or restore): someone else has "
            "to review it."
        )
    return None


def _check_input(*, verdict, comment):
    errors = {}
    if not isinstance(verdict, str) or verdict not in Review.Verdict.values:
        errors["verdict"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Review.Verdict.values)}
        ]
    if not isinstance(comment, str):
        errors["comment"] = [_("The comment must be text.")]
    elif "\x00" in comment:
        errors["comment"] = [_("The comment contains a NUL character, which cannot be stored.")]
    elif len(comment) > MAX_COMMENT_CHARS:
        errors["comment"] = [
            _("The comment is limited to %(limit)s characters.") % {"limit": MAX_COMMENT_CHARS}
        ]
    if errors:
        raise ValidationError(errors)


def approval_count(reviews) -> int:
    """How many distinct people approved, among `reviews` (approving twice counts once)."""
    return len(
        {review.reviewer_id for review in reviews if review.verdict == Review.Verdict.APPROVE}
    )


def read_only(call: Call) -> ReadOnlyCall | None:
    """The refusal when `call` takes no more reviews (archived), else None."""
    return ReadOnlyCall(call) if call.status == Call.Status.ARCHIVED else None


def state_from_reviews(version: ResourceVersion, approvals_required: int) -> str:
    """The state `version` has given its reviews (see the module docstring)."""
    reviews = list(version.reviews.only("reviewer_id", "verdict"))
    if approval_count(reviews) >= approvals_required:
        return ResourceVersion.State.VALIDATED
    if any(review.verdict == Review.Verdict.REQUEST_CHANGES for review in reviews):
        return ResourceVersion.State.CHANGES_REQUESTED
    return ResourceVersion.State.PENDING


@transaction.atomic
def record_review(*, version: ResourceVersion, reviewer, verdict: str, comment: str = "") -> Review:
    """Record `reviewer`'s verdict on `version`, then move its state and the stable pointer.

    The resource row is locked first, so concurrent reviews of a resource are
    counted one after the other and the pointer never moves backwards.
    Raises ReviewNotAllowed (a PermissionDenied) with the reason, ReadOnlyCall
    for an archived call, ValidationError for a bad verdict or comment.
    """
    # Lock the row alone, then read it and its stable version in a second
    # statement: a joined row comes from the snapshot taken before the lock
    # was granted, and a stable version moved meanwhile would be missed (the
    # pointer then moved backwards). See resources.editing._lock.
    list(Resource.objects.select_for_update().filter(pk=version.resource_id).values_list("pk"))
    resource = (
        Resource.objects.select_related("stable_version")
        .defer("content", "stable_version__html", "stable_version__authorship")
        .get(pk=version.resource_id)
    )
    call = Call.objects.prefetch_related("memberships").get(pk=resource.call_id)
    resource.call = call
    version = ResourceVersion.objects.defer("html", "authorship").get(pk=version.pk)
    version.resource = resource
    if reason := refusal(version=version, user=reviewer):
        raise ReviewNotAllowed(reason)
    if refused := read_only(call):
        raise refused
    _check_input(verdict=verdict, comment=comment)

    review = Review.objects.create(
        version=version, reviewer=reviewer, verdict=verdict, comment=comment.strip()
    )
    state = state_from_reviews(version, call.approvals_required)
    if state != version.state:
        version.state = state
        version.save(update_fields=["state"])
    stable = resource.stable_version
    if state == ResourceVersion.State.VALIDATED and (
        stable is None or stable.number < version.number
    ):
        # Only the pointer changes: no reversion revision is opened, the text
        # snapshot of the resource stays as its editors saved it. What waits for
        # review now starts after it (nothing, when it is the latest).
        resource.stable_version = version
        resource.pending_since = (
            None
            if version.pk == resource.latest_version_id
            else ResourceVersion.objects.filter(resource_id=resource.pk, number__gt=version.number)
            .order_by("number")
            .values_list("created_at", flat=True)
            .first()
        )
        resource.save(update_fields=["stable_version", "pending_since"])
    notifying.review_recorded(review)
    transaction.on_commit(lambda: forget_waiting(reviewer))
    pagecache.renew_resource_after_commit(resource.pk)
    return review


def review_queue(call: Call) -> QuerySet[Resource]:
    """The resources of `call` waiting for a review, the longest waiting first.

    Waiting: the latest version is not validated. A resource waits since its
    first version after the stable one was saved (its first version when
    nothing is validated yet): that is how long readers have been shown an
    older text than the one written, however many edits came on top. That
    instant is kept on the resource (`pending_since`, NULL when nothing
    waits), so one indexed query reads a page, whatever the call's size.
    """
    return (
        Resource.objects.filter(call=call, pending_since__isnull=False)
        .annotate(
            waiting_since=F("pending_since"),
            size_change=ExpressionWrapper(
                F("latest_version__size") - Coalesce(F("stable_version__size"), 0),
                output_field=IntegerField(),
            ),
            versions_waiting=ExpressionWrapper(
                F("latest_version__number") - Coalesce(F("stable_version__number"), 0),
                output_field=IntegerField(),
            ),
        )
        .select_related("latest_version__author", "stable_version__author")
        .defer("content", *_POINTER_BULK)
        .order_by("pending_since", "pk")
    )


def reviews_of(version: ResourceVersion) -> QuerySet[Review]:
    """The reviews of one version, oldest first, with their reviewers (one query)."""
    return version.reviews.select_related("reviewer").order_by("created_at", "pk")


# What a line about a review does not show: the texts of the version, its commun and its call.
_TEXTS_OF_A_NOTICE = (
    "comment_html",
    *heavy_columns("version__"),
    *heavy_columns("version__resource__", columns=RESOURCE_TEXT_COLUMNS),
    *heavy_columns("version__resource__call__", columns=CALL_TEXT_COLUMNS),
)


def reviews_of_versions_by(user, *, viewer, limit: int = 10) -> QuerySet[Review]:
    """The latest reviews others wrote on versions `user` saved, in calls `viewer` may see.

    Their in-app notice on their own profile; on a public profile, someone
    else's drafts stay out.
    """
    if not user.is_authenticated:
        return Review.objects.none()
    return (
        Review.objects.filter(version__author=user)
        .filter(version__resource__call__in=visible_calls(viewer))
        .exclude(reviewer=user)
        .select_related("reviewer", "version__resource__call")
        .defer(*_TEXTS_OF_A_NOTICE)
        .order_by("-created_at", "-pk")[:limit]
    )


def waiting_for(user) -> list[dict]:
    """What waits for `user`'s review: `[{slug, title, count}]` per call they review or steward.

    Calls still running only (an archived call cannot be reviewed). One query.
    """
    if not user.is_authenticated:
        return []
    roles = (Membership.Role.STEWARD, Membership.Role.REVIEWER)
    waiting = Q(resources__pending_since__isnull=False)
    rows = (
        Call.objects.filter(
            memberships__user=user,
            memberships__role__in=roles,
            status__in=(Call.Status.OPEN, Call.Status.CLOSED),
        )
        .annotate(count=Count("resources", filter=waiting))
        .values("slug", "title", "count")
        .order_by("title", "pk")
    )
    return list(rows)


# The header asks on every page. A reviewer's count may lag this long behind
# others' edits (their own review refreshes it at once); someone who reviews
# nothing keeps their empty answer longer: role changes forget it
# (appel/stewarding.py), and signing in computes it (apps.py).
WAITING_SECONDS = 30
NOTHING_SECONDS = 3600


def waiting_for_cached(user, *, refresh=False) -> list[dict]:
    """`waiting_for`, kept per person: most pages cost no query, a non-reviewer's none."""
    key = Membership.waiting_cache_key(user.pk)
    calls = None if refresh else cache.get(key)
    if calls is None:
        calls = waiting_for(user)
        cache.set(key, calls, WAITING_SECONDS if calls else NOTHING_SECONDS)
    return calls


def forget_waiting(user) -> None:
    cache.delete(Membership.waiting_cache_key(user.pk))


def next_in_queue(*, call: Call, user, after: Resource) -> Resource | None:
    """The next resource of the queue `user` can review, after they reviewed `after`.

    Skips `after`, resources whose latest version `user` saved, and latest
    versions they already reviewed; the longest waiting first, as the queue.
    """
    reviewed = Review.objects.filter(reviewer=user, version=OuterRef("latest_version"))
    return (
        review_queue(call)
        .exclude(pk=after.pk)
        .exclude(latest_version__author=user)
        .exclude(Exists(reviewed))
        .first()
    )


def change_request_before(version: ResourceVersion):
    """The latest version before `version`, since its review base, on which changes were asked.

    Returns (that version, its request-changes reviews) or (None, []): the
    review page shows the request and the diff since it, so a reviewer sees
    whether the follow-up answers it.
    """
    base = Coalesce(Subquery(_last_validated_before(version)), 0)
    requested = (
        ResourceVersion.objects.filter(
            resource_id=version.resource_id,
            number__lt=version.number,
            state=ResourceVersion.State.CHANGES_REQUESTED,
        )
        .filter(number__gt=base)
        .select_related("author")
        .defer("html", "authorship")
        .order_by("-number")
        .first()
    )
    if requested is None:
        return None, []
    reviews = requested.reviews.filter(verdict=Review.Verdict.REQUEST_CHANGES).select_related(
        "reviewer"
    )
    return requested, list(reviews)
