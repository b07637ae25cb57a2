"""Reads shared by the pages and the API: finding a resource, its history, comparisons.

Whoever may see a call may read its resources (`Call.objects.visible_to`),
so every lookup goes through the call's visibility. Costs never follow the
length of a history: a resource comes with both version pointers in one
query, history pages are cut by version number (never OFFSET), and the
Markdown of a version (its reversion snapshot) is read only when a page
really shows or compares that text.
"""

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from reversion.models import Version

from appel.models import Call

from .diff import word_diff
from .models import Participation, Resource, ResourceVersion

# Version numbers are stored as 32-bit integers: larger ones cannot exist, and
# looking them up would make PostgreSQL raise instead of finding nothing.
MAX_NUMBER = 2**31 - 1
HISTORY_PAGE_SIZE = 50
# Big columns a list or a pointer never needs: texts live in the snapshots,
# rendered HTML and authorship only on the page of one version.
_VERSION_BULK = ("html", "authorship")


def _deferred(prefixes, fields):
    return [f"{prefix}{field}" for prefix in prefixes for field in fields]


def get_call(user, slug):
    """The call if `user` may see it (drafts are their stewards'), else 404."""
    return get_object_or_404(Call.objects.visible_to(user), slug=slug)


def resources(user, *, with_versions=False, with_content=False):
    """Resources of the calls `user` may see, each with everything its summary shows.

    One query for any number of resources: call, challenge, creator, both
    version pointers with their authors, and the version it derives from
    with its resource and call (a prefetch would cost more, even with
    nothing to fetch). `with_versions` adds the pointed versions' HTML and
    authorship (what the resource page and its credit panel show),
    `with_content` the latest text.
    """
    deferred = [
        *_deferred(["derived_from__resource__"], ["content", "search_document"]),
        *_deferred(["derived_from__"], _VERSION_BULK),
    ]
    if not with_content:
        deferred.append("content")
    if not with_versions:
        deferred += _deferred(["latest_version__", "stable_version__"], _VERSION_BULK)
    team_size = (
        Participation.objects.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Resource.objects.with_versions()
        .select_related("derived_from__resource__call")
        .filter(call__in=Call.objects.visible_to(user))
        .annotate(participants_count=Coalesce(Subquery(team_size), 0))
        .defer(*deferred)
    )


def get_resource(user, call_slug, slug, *, with_versions=False, with_content=False):
    """One readable resource by its call's slug and its own, else 404."""
    queryset = resources(user, with_versions=with_versions, with_content=with_content)
    resource = get_object_or_404(queryset, call__slug=call_slug, slug=slug)
    if resource.challenge is not None:
        resource.challenge.call = resource.call  # its URL names the call: no second query
    return resource


def page_state(user, call_slug, slug):
    """What the resource page shows depends on, else 404: one small query.

    The key of the page's cached parts (`resources.pagecache`): the resource,
    both version pointers, their review states and the call's status. Only
    drafts are kept from anyone (`Call.objects.visible_to`), so only a
    draft's resource costs a second query, asking that rule.
    """
    found = Resource.objects.filter(call__slug=call_slug, slug=slug).values_list(
        "pk",
        "latest_version_id",
        "latest_version__state",
        "stable_version_id",
        "stable_version__state",
        "call__status",
        "call_id",
    )[:1]
    for *state, status, call_id in found:
        if status != Call.Status.DRAFT or Call.objects.visible_to(user).filter(pk=call_id).exists():
            return (*state, status)
    raise Http404(_("This call has no such resource."))


def resources_of(call, queryset):
    """`queryset` (from `resources()`) narrowed to `call`, the latest changed first."""
    return queryset.filter(call=call).order_by("-updated_at", "-pk")


def check_number(value, *, field):
    """A version number from a URL or a query string; ValueError with a sentence when invalid."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(
            _("%(field)s must be a version number (1, 2, 3...).") % {"field": field}
        ) from None
    if number < 1:
        raise ValueError(_("%(field)s must be 1 or more.") % {"field": field})
    return number


def get_version(resource, number, *, with_bulk=True):
    """Version `number` of `resource` with its author, else 404."""
    if not 1 <= number <= MAX_NUMBER:
        raise Http404(_("This resource has no version %(number)s.") % {"number": number})
    queryset = resource.versions.select_related("author")
    if not with_bulk:
        queryset = queryset.defer(*_VERSION_BULK)
    try:
        return queryset.get(number=number)
    except ResourceVersion.DoesNotExist:
        raise Http404(_("This resource has no version %(number)s.") % {"number": number}) from None


def find_version(user, call_slug, resource_slug, number):
    """A version of any readable resource, with its resource and call, or None (to reuse it)."""
    if not 1 <= number <= MAX_NUMBER:
        return None
    return (
        ResourceVersion.objects.select_related("resource__call")
        .defer("html", "resource__content", "resource__search_document")
        .filter(
            resource__call__in=Call.objects.visible_to(user),
            resource__call__slug=call_slug,
            resource__slug=resource_slug,
            number=number,
        )
        .first()
    )


def load_contents(versions):
    """Read the Markdown of several versions of one resource in one query.

    Fills each version's cached `content`, so that later reads cost nothing.
    """
    versions = [v for v in versions if "content" not in v.__dict__]
    if not versions:
        return
    # Each of these revisions holds one snapshot, the resource's: no need to
    # join content types (on SQLite that join scans every snapshot of the site).
    snapshots = Version.objects.filter(
        revision_id__in=[v.revision_id for v in versions],
        object_id__in={str(v.resource_id) for v in versions},
    ).only("revision_id", "object_id", "serialized_data", "format", "content_type")
    by_key = {(s.revision_id, s.object_id): s for s in snapshots}
    for version in versions:
        snapshot = by_key.get((version.revision_id, str(version.resource_id)))
        version.__dict__["content"] = snapshot.field_dict["content"] if snapshot else ""


def compare(resource, from_number, to_number):
    """The word diff between two versions of `resource`: (from, to, changes). 404 if unknown."""
    numbers = {from_number, to_number}
    if not all(1 <= n <= MAX_NUMBER for n in numbers):
        raise Http404(_("This resource has no such version."))
    found = {
        v.number: v
        for v in resource.versions.select_related("author")
        .defer(*_VERSION_BULK)
        .filter(number__in=numbers)
    }
    missing = sorted(numbers - found.keys())
    if missing:
        raise Http404(_("This resource has no version %(number)s.") % {"number": missing[0]})
    old, new = found[from_number], found[to_number]
    load_contents([old, new])
    return old, new, word_diff(old.content, new.content)


class VersionPaginator(Paginator):
    """Pages of one resource's history, newest first, cut by version number.

    Numbers run 1..N without gaps, so page p holds the numbers
    N-(p-1)*size down to N-p*size+1: the last page is read through the
    (resource, number) index exactly as fast as the first, and the count is
    the latest number, without a COUNT query.
    """

    def __init__(self, object_list, per_page, *, latest_number, **kwargs):
        super().__init__(object_list.order_by("-number"), per_page, **kwargs)
        self.latest_number = latest_number

    @cached_property
    def count(self):
        return self.latest_number

    def page(self, number):
        number = self.validate_number(number)
        top = self.latest_number - (number - 1) * self.per_page
        rows = list(self.object_list.filter(number__lte=top, number__gt=top - self.per_page))
        return self._get_page(rows, number, self)


def history(resource):
    """The versions of `resource` as history rows need them (no HTML, no authorship)."""
    return resource.versions.select_related("author").defer(*_VERSION_BULK)


def history_paginator(resource, per_page=HISTORY_PAGE_SIZE):
    latest = resource.latest_version.number if resource.latest_version_id else 0
    return VersionPaginator(history(resource), per_page, latest_number=latest)


class ChangesPaginator(Paginator):
    """Pages of a call's feed: the page's versions are picked on an index, then read.

    Sorting every version of a busy call by date, whole rows (HTML included)
    in hand, took ten times longer than sorting the (resource, created_at)
    index entries and then reading only the page's rows.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        picked = self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page]
        rows = list(self.object_list.filter(pk__in=list(picked)))
        return self._get_page(rows, number, self)


def recent_changes(call):
    """Every version saved in `call`, newest first, with its resource: the call's feed."""
    return (
        ResourceVersion.objects.filter(resource__call=call)
        .select_related("author", "resource")
        .defer(*_VERSION_BULK, "resource__content", "resource__search_document")
        .order_by("-created_at", "-pk")
    )


def reviews_of(version):
    """The reviews of one version, oldest first, with their reviewers (one query)."""
    return version.reviews.select_related("reviewer").order_by("created_at", "pk")
