"""Reads shared by the pages and the API once a resource is loaded: its history, comparisons.

Loading what a URL names (visibility, 404) is `resources.loaders`. Costs
never follow the length of a history: history pages are cut by version
number (never OFFSET), and the Markdown of a version (its reversion
snapshot) is read only when a page really shows or compares that text.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from reversion.models import Version

from .diff import word_diff
from .loaders import HEAVY_VERSION_COLUMNS, can_exist, no_such_version
from .models import ResourceChallenge

HISTORY_PAGE_SIZE = 50


def resources_of(call, queryset):
    """`queryset` (from `resources()`) narrowed to `call`, the latest changed first."""
    return queryset.filter(call=call).order_by("-updated_at", "-pk")


def attach_challenges(resources):
    """Give each resource its défis (`answered`), in the call's order, in one query for all."""
    by_pk = {resource.pk: resource for resource in resources}
    for resource in resources:
        resource.answered = []
    if not by_pk:
        return
    rows = (
        ResourceChallenge.objects.filter(resource_id__in=by_pk)
        .select_related("challenge")
        .order_by("challenge__position", "challenge__pk")
    )
    for row in rows:
        by_pk[row.resource_id].answered.append(row.challenge)


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
    if not all(can_exist(n) for n in numbers):
        raise Http404(_("This resource has no such version."))
    found = {
        v.number: v
        for v in resource.versions.select_related("author")
        .defer(*HEAVY_VERSION_COLUMNS)
        .filter(number__in=numbers)
    }
    missing = sorted(numbers - found.keys())
    if missing:
        raise no_such_version(missing[0])
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
    return resource.versions.select_related("author").defer(*HEAVY_VERSION_COLUMNS)


def history_paginator(resource, per_page=HISTORY_PAGE_SIZE):
    latest = resource.latest_version.number if resource.latest_version_id else 0
    return VersionPaginator(history(resource), per_page, latest_number=latest)
