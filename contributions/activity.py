"""Recent changes: the versions, reviews and posts of the calls a reader may see, newest first.

One list read from three tables: a UNION ALL of `(created_at, kind, pk)`
picks a page, then the page's rows are read, one query per kind present.
Each branch is filtered by correlated EXISTS on its resource (or thread)
rather than by a join, so that the database walks the `created_at`
indexes and stops after a page instead of sorting every version of the
site (the join let SQLite start from the call's resources and sort
22,000 versions). Pages are cut by keyset (`before` / `after` cursors:
no OFFSET, no count); the API keeps its page numbers and count
(`ChangesPaginator`). Drafts stay their stewards' own: every branch is
limited to `visible_calls(user)`, or to a call already loaded through
`get_call`.

Filters (`parse_filters`): a person (`user`), a défi (`challenge`), a kind
(`edit`, `review`, `thread`) and `unreviewed` (versions waiting for
review: pending, and newer than their resource's stable version).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appel.loaders import visible_calls
from appel.models import Challenge, User
from resources.loaders import HEAVY_VERSION_COLUMNS
from resources.models import Participation, Resource, ResourceVersion

from .models import Post, Review, Thread

EDIT, REVIEW, THREAD = "edit", "review", "thread"
# Sorted as the database sorts them: ties in time are broken by kind, then id.
KINDS = (EDIT, REVIEW, THREAD)
# What a person's contributions are (their API list and feed).
CONTRIBUTIONS = (EDIT, REVIEW)
PAGE_SIZE = 50
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Filters:
    user: User | None = None
    challenge: str = ""
    challenge_ids: tuple = ()
    kind: str = ""
    unreviewed: bool = False
    # The kinds a list is made of (a person's contributions: edits and reviews).
    among: tuple = KINDS

    @property
    def kinds(self):
        kinds = tuple(k for k in self.among if not self.kind or k == self.kind)
        return tuple(k for k in kinds if k == EDIT) if self.unreviewed else kinds

    def query(self):
        """The filters as a query string's parameters (links keep them from page to page)."""
        params = {}
        if self.user is not None:
            params["user"] = self.user.username
        if self.challenge:
            params["challenge"] = self.challenge
        if self.kind:
            params["kind"] = self.kind
        if self.unreviewed:
            params["unreviewed"] = "1"
        return params


def parse_filters(params, *, viewer, call=None, among=KINDS) -> Filters:
    """The filters of a query string; ValidationError naming each wrong one.

    A username and a défi that do not exist are errors, not empty lists: a
    typo should say so. A défi is named by its slug, within `call` when
    given, else in any call `viewer` may see.
    """
    errors = {}
    for name in ("user", "challenge", "kind", "unreviewed"):
        if "\x00" in params.get(name, ""):
            # PostgreSQL cannot even compare such a string.
            raise ValidationError({name: [_("This filter contains a NUL character.")]})
    user = None
    if username := params.get("user", "").strip():
        user = User.objects.filter(username=username).first()
        if user is None:
            errors["user"] = [_("Nobody has the username “%(name)s”.") % {"name": username}]
    slug, challenge_ids = params.get("challenge", "").strip(), ()
    if slug:
        challenges = (
            call.challenges.all()
            if call is not None
            else Challenge.objects.filter(call__in=visible_calls(viewer))
        )
        challenge_ids = tuple(challenges.filter(slug=slug).values_list("pk", flat=True))
        if not challenge_ids:
            errors["challenge"] = [_("No challenge has the slug “%(slug)s”.") % {"slug": slug}]
    kind = params.get("kind", "").strip()
    if kind and kind not in among:
        errors["kind"] = [_("The kind is one of: %(kinds)s.") % {"kinds": ", ".join(among)}]
    unreviewed = params.get("unreviewed", "").strip().lower()
    if unreviewed not in TRUE_WORDS | FALSE_WORDS:
        errors["unreviewed"] = [_("Give unreviewed=1 to see only versions waiting for review.")]
    if errors:
        raise ValidationError(errors)
    return Filters(
        user=user,
        challenge=slug,
        challenge_ids=challenge_ids,
        kind=kind,
        unreviewed=unreviewed in TRUE_WORDS,
        among=among,
    )


# ---------------------------------------------------------------- the three branches


def _scope(*, viewer, call, filters, resource_field="", call_field="call"):
    """What a change's resource (or thread) must be: in a visible call, answering the défi."""
    if call is not None:
        q = Q(**{call_field: call})
    else:
        q = Q(**{f"{call_field}__in": visible_calls(viewer)})
    if filters.challenge_ids:
        q &= Q(**{f"{resource_field}challenges__in": filters.challenge_ids})
    return q


def _branches(*, viewer, call, filters, resource=None):
    """{kind: values queryset of (created_at, kind, pk)}, each filtered, none ordered."""
    branches = {}
    kinds = filters.kinds
    user = filters.user
    if EDIT in kinds:
        scope = _scope(viewer=viewer, call=call, filters=filters)
        if filters.unreviewed:
            # Few versions wait, spread over the whole history: joined, so that the
            # database reads each resource's versions above its stable one
            # (the (resource, number) index) instead of walking every version.
            versions = ResourceVersion.objects.alias(
                stable_number=Coalesce(F("resource__stable_version__number"), 0)
            ).filter(
                _scope(
                    viewer=viewer,
                    call=call,
                    filters=filters,
                    resource_field="resource__",
                    call_field="resource__call",
                ),
                state=ResourceVersion.State.PENDING,
                number__gt=F("stable_number"),
            )
        else:
            versions = ResourceVersion.objects.filter(
                Exists(Resource.objects.filter(scope, pk=OuterRef("resource_id")))
            )
        if user is not None:
            versions = versions.filter(author=user)
        if resource is not None:
            versions = versions.filter(resource=resource)
        branches[EDIT] = versions
    if REVIEW in kinds:
        scope = _scope(viewer=viewer, call=call, filters=filters)
        reviews = Review.objects.filter(
            Exists(Resource.objects.filter(scope, pk=OuterRef("version__resource_id")))
        )
        if user is not None:
            reviews = reviews.filter(reviewer=user)
        if resource is not None:
            reviews = reviews.filter(version__resource=resource)
        branches[REVIEW] = reviews
    if THREAD in kinds:
        scope = _scope(viewer=viewer, call=call, filters=filters, resource_field="resource__")
        posts = Post.objects.filter(
            Exists(Thread.objects.filter(scope, pk=OuterRef("thread_id"))), hidden=False
        )
        if user is not None:
            posts = posts.filter(author=user)
        if resource is not None:
            posts = posts.filter(thread__resource=resource)
        branches[THREAD] = posts
    return {
        kind: qs.annotate(kind=Value(kind)).values_list("created_at", "kind", "pk").order_by()
        for kind, qs in branches.items()
    }


def _union(branches):
    if not branches:
        return None
    first, *others = branches.values()
    return first.union(*others, all=True) if others else first


# ---------------------------------------------------------------- keyset cursors


def cursor_of(change):
    """The position of a change in the list, as a link carries it."""
    micros = int(change.created_at.timestamp() * 1_000_000)
    return f"{micros}-{change.kind}-{change.pk}"


def parse_cursor(value, *, field):
    """(created_at, kind, pk) from a cursor; ValidationError when it is not one."""
    try:
        micros, kind, pk = value.split("-")
        micros, pk = int(micros), int(pk)
        if kind not in KINDS or pk < 1 or pk > 2**63 - 1:
            raise ValueError
        when = datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC)
        when = when.replace(microsecond=micros % 1_000_000)
    except (ValueError, OverflowError, OSError):
        raise ValidationError(
            {field: [_("This link to a page of changes is damaged: start again from the first.")]}
        ) from None
    return when, kind, pk


def _beyond(branches, cursor, *, older):
    """Each branch cut at `cursor`: the rows after it, towards older or newer ones."""
    when, cursor_kind, pk = cursor
    before, ties = ("lt", "lte") if older else ("gt", "gte")
    cut = {}
    for kind, qs in branches.items():
        if kind == cursor_kind:
            q = Q(**{f"created_at__{before}": when}) | Q(created_at=when, **{f"pk__{before}": pk})
        elif (kind < cursor_kind) == older:
            q = Q(**{f"created_at__{ties}": when})
        else:
            q = Q(**{f"created_at__{before}": when})
        cut[kind] = qs.filter(q)
    return cut


# ---------------------------------------------------------------- reading a page


@dataclass
class Change:
    """One line of recent changes: who did what, when, where, and the page that shows it.

    Its words and addresses are said here rather than in the template: a
    page shows fifty of them, and template logic per row cost more than
    the queries. Addresses are built from the resource's (or call's),
    reversed once per page (`load`), as the history page builds its rows.
    """

    kind: str
    pk: int
    created_at: datetime.datetime
    user: User
    call: object
    resource: Resource | None
    version: ResourceVersion | None = None
    review: Review | None = None
    post: Post | None = None
    base_url: str = ""  # the resource's address, or the call's for its forum
    user_url: str = ""

    @property
    def url(self):
        if self.kind == EDIT:
            return f"{self.base_url}versions/{self.version.number}/"
        if self.kind == REVIEW:
            return f"{self.base_url}versions/{self.version.number}/review/#review-{self.pk}"
        return f"{self.base_url}threads/{self.post.thread_id}/#post-{self.pk}"

    @property
    def diff_url(self):
        """The changes of an edit against its parent, or ""."""
        if self.kind != EDIT or not self.version.parent_number:
            return ""
        return f"{self.base_url}diff/?from={self.version.parent_number}&to={self.version.number}"

    @property
    def thread(self):
        return self.post.thread if self.post else None

    @property
    def started_thread(self):
        """A thread's first post is its start; later ones are replies."""
        return self.post is not None and self.post.created_at == self.post.thread.created_at

    @property
    def title(self):
        if self.kind == THREAD:
            return self.post.thread.title
        return self.version.title

    @property
    def label(self):
        """What was done, in the reader's language."""
        if self.kind == EDIT:
            return _("Version %(n)s") % {"n": self.version.number}
        if self.kind == REVIEW:
            return _("Review of version %(n)s") % {"n": self.version.number}
        if self.started_thread:
            return _("New thread “%(title)s”") % {"title": self.post.thread.title}
        return _("Reply in “%(title)s”") % {"title": self.post.thread.title}

    @property
    def details(self):
        if self.kind == EDIT:
            return self.version.display_comment
        if self.kind == REVIEW:
            return self.review.get_verdict_display()
        return ngettext("%(n)s message", "%(n)s messages", self.post.thread.posts_count) % {
            "n": self.post.thread.posts_count
        }

    @property
    def badge(self):
        """(css class, words) of the state of the version edited or reviewed, or None."""
        if self.version is None:
            return None
        return self.version.state, self.version.get_state_display()

    @property
    def when(self):
        return date_format(localtime(self.created_at), "SHORT_DATETIME_FORMAT")

    @property
    def iso(self):
        return self.created_at.isoformat()


def load(rows):
    """The changes named by `(created_at, kind, pk)` rows, in their order; one query per kind."""
    ids = {kind: [pk for _when, k, pk in rows if k == kind] for kind in KINDS}
    found = {}
    if ids[EDIT]:
        versions = (
            ResourceVersion.objects.filter(pk__in=ids[EDIT])
            .select_related("author", "resource__call")
            .defer(*HEAVY_VERSION_COLUMNS, *_resource_heavy("resource__"))
            # Whether it is older than the stable version (the feeds say so).
            .annotate(stable_number=F("resource__stable_version__number"))
        )
        for v in versions:
            found[EDIT, v.pk] = Change(
                EDIT, v.pk, v.created_at, v.author, v.resource.call, v.resource, version=v
            )
    if ids[REVIEW]:
        reviews = (
            Review.objects.filter(pk__in=ids[REVIEW])
            .select_related("reviewer", "version__resource__call")
            .defer(
                "comment_html",
                *_version_heavy("version__"),
                *_resource_heavy("version__resource__"),
            )
        )
        for r in reviews:
            resource = r.version.resource
            found[REVIEW, r.pk] = Change(
                REVIEW,
                r.pk,
                r.created_at,
                r.reviewer,
                resource.call,
                resource,
                version=r.version,
                review=r,
            )
    if ids[THREAD]:
        posts = (
            Post.objects.filter(pk__in=ids[THREAD])
            .select_related("author", "thread__call", "thread__resource")
            .defer("body_html", *_resource_heavy("thread__resource__"), *_call_heavy("thread__"))
        )
        for p in posts:
            thread = p.thread
            if thread.resource is not None:
                thread.resource.call = thread.call
            found[THREAD, p.pk] = Change(
                THREAD, p.pk, p.created_at, p.author, thread.call, thread.resource, post=p
            )
    changes = [found[kind, pk] for _when, kind, pk in rows if (kind, pk) in found]
    urls = {}
    for change in changes:
        if change.resource is not None:
            key = ("resource", change.resource.pk)
            if key not in urls:
                urls[key] = change.resource.get_absolute_url()
        else:
            key = ("call", change.call.pk)
            if key not in urls:
                urls[key] = change.call.get_absolute_url()
        change.base_url = urls[key]
        key = ("user", change.user.pk)
        if key not in urls:
            urls[key] = reverse("appel:user-detail", args=[change.user.username])
        change.user_url = urls[key]
    return changes


def _version_heavy(prefix):
    return [f"{prefix}{name}" for name in HEAVY_VERSION_COLUMNS]


def _call_heavy(prefix):
    return [f"{prefix}call__description", f"{prefix}call__description_html"]


def _resource_heavy(prefix):
    return [
        f"{prefix}content",
        f"{prefix}search_document",
        f"{prefix}outline",
        *_call_heavy(prefix),
    ]


@dataclass
class ChangesPage:
    changes: list
    older: str | None  # the cursor of the next page towards older changes
    newer: str | None  # ... towards newer ones
    filters: Filters

    def __iter__(self):
        return iter(self.changes)

    def __len__(self):
        return len(self.changes)


def page(
    *, viewer, filters, call=None, resource=None, before=None, after=None, size=PAGE_SIZE
) -> ChangesPage:
    """A page of changes, newest first, after the cursor `before` (older) or `after` (newer).

    Three to five queries whatever the history: the page's keys, then its
    rows of each kind present.
    """
    branches = _branches(viewer=viewer, call=call, filters=filters, resource=resource)
    if before:
        branches = _beyond(branches, before, older=True)
    elif after:
        branches = _beyond(branches, after, older=False)
    union = _union(branches)
    if union is None:
        return ChangesPage([], None, None, filters)
    if after:
        rows = list(union.order_by("created_at", "kind", "pk")[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
    else:
        rows = list(union.order_by("-created_at", "-kind", "-pk")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
    changes = load(rows)
    older = newer = None
    if changes:
        if (more and not after) or after:
            older = cursor_of(changes[-1])
        if (more and after) or before:
            newer = cursor_of(changes[0])
    return ChangesPage(changes, older, newer, filters)


class ChangesPaginator(Paginator):
    """Numbered pages of changes for the API: the union counted, the page's keys picked, read."""

    def __init__(self, union, per_page, **kwargs):
        if union is None:
            union = ResourceVersion.objects.none().values_list("created_at", "pk", "pk")
            union = union.order_by("pk")
        else:
            union = union.order_by("-created_at", "-kind", "-pk")
        super().__init__(union, per_page, **kwargs)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page] if self.count else [])
        return self._get_page(load(rows), number, self)


def changes(*, viewer, filters, call=None, resource=None):
    """Every change the filters keep, unordered keys (for `ChangesPaginator`); None if no kind."""
    return _union(_branches(viewer=viewer, call=call, filters=filters, resource=resource))


# ---------------------------------------------------------------- a person


def _count(queryset):
    """`queryset`'s number of rows, as an uncorrelated subquery (computed once, on its index)."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def _contributions(person, calls):
    """{versions, reviews, threads, resources}: what `person` wrote or joined in `calls`."""
    return {
        "versions": ResourceVersion.objects.filter(author=person, resource__call__in=calls),
        "reviews": Review.objects.filter(reviewer=person, version__resource__call__in=calls),
        "threads": Thread.objects.filter(author=person, call__in=calls),
        "resources": Participation.objects.filter(user=person, resource__call__in=calls),
    }


def person_counts(person, *, viewer):
    """{versions, reviews, resources, threads} of `person` in calls `viewer` may see (1 query)."""
    querysets = _contributions(person, visible_calls(viewer))
    # Named apart from the relations of User (`reviews` is one).
    row = (
        User.objects.filter(pk=person.pk)
        .values(**{f"n_{name}": _count(qs) for name, qs in querysets.items()})
        .get()
    )
    return {name[2:]: value for name, value in row.items()}


def communs_of(person, *, viewer):
    """The communs `person` is in (their role with them), in calls `viewer` may see (1 query)."""
    return list(
        Participation.objects.filter(user=person, resource__call__in=visible_calls(viewer))
        .select_related("resource__call")
        .only("role", "joined_at", "resource__slug", "resource__title", "resource__call__slug")
        .order_by("-joined_at", "-pk")
    )


PROFILE_LIST_SIZE = 10


def person_activity(person, *, viewer, size=PROFILE_LIST_SIZE):
    """The latest versions, reviews and threads of `person` in calls `viewer` may see, and counts.

    Three queries; each list's total rides along as an uncorrelated count
    (`.total` on its rows), so no count costs a query of its own.
    """
    querysets = _contributions(person, visible_calls(viewer))
    versions = (
        querysets["versions"]
        .select_related("resource__call")
        .defer(*HEAVY_VERSION_COLUMNS, *_resource_heavy("resource__"))
    )
    reviews = (
        querysets["reviews"]
        .select_related("version__resource__call")
        .defer(
            "comment_html",
            *_version_heavy("version__"),
            *_resource_heavy("version__resource__"),
        )
    )
    threads = (
        querysets["threads"]
        .select_related("call", "resource")
        .defer(
            "call__description",
            "call__description_html",
            "resource__content",
            "resource__search_document",
            "resource__outline",
        )
    )
    lists = {
        name: list(qs.annotate(total=_count(querysets[name])).order_by("-created_at", "-pk")[:size])
        for name, qs in (("versions", versions), ("reviews", reviews), ("threads", threads))
    }
    for thread in lists["threads"]:
        if thread.resource is not None:
            thread.resource.call = thread.call
    counts = {name: rows[0].total if rows else 0 for name, rows in lists.items()}
    return lists, counts
