"""Loading the resources and versions a URL names: visibility applied, 404 otherwise.

Whoever may see a call may read its resources, so every lookup goes
through the call's visibility (`appel.loaders`), and every page and API
view of resources and contributions loads through these functions. Costs
never follow the length of a history: a resource comes with both version
pointers in one query, and the heavy columns of a version (rendered HTML,
word authorship) are read only where a page shows them.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from appel.loaders import visible_calls

from .models import Participation, Resource, ResourceVersion

# Version numbers are stored as 32-bit integers: larger ones cannot exist, and
# looking them up would make PostgreSQL raise instead of finding nothing.
MAX_NUMBER = 2**31 - 1
# The columns of a version that lists, pointers and locks never need: rendered
# HTML and authorship can weigh as much as the text itself.
HEAVY_VERSION_COLUMNS = ("html", "authorship")
# The texts of a resource and of a call, which a line naming them never shows.
RESOURCE_TEXT_COLUMNS = ("content", "search_document", "outline")
CALL_TEXT_COLUMNS = ("description", "description_html", "resource_template")


def heavy_columns(*prefixes, columns=HEAVY_VERSION_COLUMNS):
    """`columns` (a version's heavy ones by default) under each relation prefix, to defer."""
    return [f"{prefix}{field}" for prefix in prefixes for field in columns]


def parse_number(value, *, field):
    """A version number from a URL, a query string or a body; ValueError with a sentence."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(
            _("%(field)s must be a version number (1, 2, 3...).") % {"field": field}
        ) from None
    if number < 1:
        raise ValueError(_("%(field)s must be 1 or more.") % {"field": field})
    return number


def can_exist(number):
    """Whether a version may have this number: the one range check of every lookup."""
    return 1 <= number <= MAX_NUMBER


def no_such_version(number):
    return Http404(_("This resource has no version %(number)s.") % {"number": number})


def resources(user, *, with_versions=False, with_content=False, with_source=False):
    """Resources of the calls `user` may see, each with everything its summary shows.

    One query for any number of resources: call, challenge, creator, both
    version pointers with their authors, and the version it derives from
    with its resource and call (a prefetch would cost more, even with
    nothing to fetch). `with_versions` adds the pointed versions' heavy
    columns (what the resource page and its credit panel show),
    `with_content` the latest text, `with_source` the authorship of the
    version it derives from (what its credits name).
    """
    deferred = ["derived_from__resource__content", "derived_from__resource__search_document"]
    deferred += ["derived_from__html"] if with_source else heavy_columns("derived_from__")
    if not with_content:
        deferred.append("content")
    if not with_versions:
        deferred += heavy_columns("latest_version__", "stable_version__")
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
        .filter(call__in=visible_calls(user))
        .annotate(participants_count=Coalesce(Subquery(team_size), 0))
        .defer(*deferred)
    )


def get_resource(user, call_slug, slug, **columns):
    """One readable resource by its call's slug and its own, else Http404.

    `columns`: `with_versions`, `with_content`, `with_source`, as `resources()`.
    """
    resource = get_object_or_404(resources(user, **columns), call__slug=call_slug, slug=slug)
    if resource.challenge is not None:
        resource.challenge.call = resource.call  # its URL names the call: no second query
    return resource


def get_version(resource, number=None, *, with_heavy_columns=True):
    """Version `number` of `resource` with its author, else Http404.

    Without a number, the version readers are shown: the stable one, else
    the latest (what credits and exports describe by default).
    """
    if number is None:
        version = resource.displayed_version
        if version is None:
            raise Http404(_("This resource has no version yet."))
    else:
        if not can_exist(number):
            raise no_such_version(number)
        queryset = resource.versions.select_related("author")
        if not with_heavy_columns:
            queryset = queryset.defer(*HEAVY_VERSION_COLUMNS)
        try:
            version = queryset.get(number=number)
        except ResourceVersion.DoesNotExist:
            raise no_such_version(number) from None
    version.resource = resource
    return version


def get_version_of_call(call, resource_slug, number, *, queryset):
    """Version `number` of the resource `resource_slug` of an already loaded `call`, else 404.

    For the pages that start from the call (reviews): one query, joined as
    `queryset` (of ResourceVersion) says.
    """
    if not can_exist(number):
        raise no_such_version(number)
    version = get_object_or_404(
        queryset, resource__call=call, resource__slug=resource_slug, number=number
    )
    if ResourceVersion.resource.is_cached(version):
        version.resource.call = call  # joined: its URL names the call, no second query
    return version


def find_version(user, call_slug, resource_slug, number):
    """A version of any readable resource, with its resource and call, or None (to reuse it)."""
    if not can_exist(number):
        return None
    return (
        ResourceVersion.objects.select_related("resource__call")
        .defer("html", "resource__content", "resource__search_document")
        .filter(
            resource__call__in=visible_calls(user),
            resource__call__slug=call_slug,
            resource__slug=resource_slug,
            number=number,
        )
        .first()
    )
