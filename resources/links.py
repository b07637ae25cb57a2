"""Links between the resources of a call, and what `files/NAME` points to.

A text's `[[slug]]` links are resolved when it is rendered (at save) and
written to the links table (`ResourceLink`) at the same time, so a resource
lists the ones that link to it ("Pages liées", `backlinks`) without
searching every text at read time. When a resource appears (created) or its
title changes (a link shows the title), the stored HTML of the resources
that link to it is rendered again: resources/editing.py calls
`rerender_linking_to` after those saves. Merging two resources (the
absorbed one pointing to the kept one) calls it too, for both slugs.

Links never leave the call: a slug is looked up among the same call's
resources only, so a text can neither reach nor reveal a draft call's.
"""

from types import SimpleNamespace
from urllib.parse import quote, urlencode

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from appel.markup import WIKILINK, render_markdown

from . import pagecache
from .models import Resource, ResourceFile, ResourceLink, ResourceVersion
from .reading import load_contents


def linked_slugs(text):
    """The slugs `text` links to with `[[...]]`, in order of first appearance."""
    return list(dict.fromkeys(match.group(1) for match in WIKILINK.finditer(text or "")))


class CallLinks:
    """markup.Links for a text of resource `resource_slug` in `call` (one query for its links)."""

    def __init__(self, call, resource_slug, text):
        self.call, self.resource_slug = call, resource_slug
        slugs = linked_slugs(text)
        self.titles = (
            dict(Resource.objects.filter(call=call, slug__in=slugs).values_list("slug", "title"))
            if slugs
            else {}
        )

    def file_url(self, name):
        base = reverse("resources:file-list", args=[self.call.slug, self.resource_slug])
        return base + quote(name, safe="")

    def page(self, slug):
        if slug not in self.titles:
            return None
        return reverse("resources:resource-detail", args=[self.call.slug, slug]), self.titles[slug]

    def new_page_url(self, slug, title):
        url = reverse("resources:resource-create", args=[self.call.slug])
        return f"{url}?{urlencode({'title': title, 'slug': slug})}"


def render(resource, text):
    """`text` as the HTML of a version of `resource` (its files and links resolved)."""
    return render_markdown(text, links=CallLinks(resource.call, resource.slug, text))


def record(resource, text):
    """Make the links table hold what `text` (the resource's latest) links to."""
    wanted = set(linked_slugs(text))
    current = set(resource.links.values_list("target_slug", flat=True))
    # Row by row (a text links to a few pages): the page cache hears of each (resources.apps).
    resource.links.filter(target_slug__in=current - wanted).delete()
    for slug in sorted(wanted - current):
        ResourceLink.objects.create(source=resource, target_slug=slug)


def backlinks(resource):
    """Resources of the same call whose latest text links to `resource`, by title."""
    return (
        Resource.objects.filter(call_id=resource.call_id, links__target_slug=resource.slug)
        .exclude(pk=resource.pk)
        .only("slug", "title", "call_id")
        .order_by("title", "pk")
    )


def files_count():
    """An annotation: the resource's number of files, read with the resources themselves."""
    return Coalesce(
        Subquery(
            ResourceFile.objects.filter(resource=OuterRef("pk"))
            .order_by()
            .values("resource")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def attach_counts(resources):
    """Give each resource its `files_count` and `backlinks` ({slug, title}): two queries in all,
    one when the resources come annotated with `files_count()`."""
    resources = [r for r in resources]
    if not resources:
        return
    if not all(hasattr(r, "files_count") for r in resources):  # else annotated: files_count()
        counts = dict(
            ResourceFile.objects.filter(resource__in=resources)
            .values("resource")
            .annotate(n=Count("pk"))
            .values_list("resource", "n")
        )
        for resource in resources:
            resource.files_count = counts.get(resource.pk, 0)
    by_key = {}
    for resource in resources:
        resource.backlinks = []
        by_key[(resource.call_id, resource.slug)] = resource
    rows = (
        ResourceLink.objects.filter(
            target_slug__in={r.slug for r in resources},
            source__call_id__in={r.call_id for r in resources},
        )
        .order_by("source__title", "source_id")
        .values_list("source__call_id", "target_slug", "source_id", "source__slug", "source__title")
    )
    for call_id, target, source_id, slug, title in rows:
        resource = by_key.get((call_id, target))
        if resource is not None and source_id != resource.pk:
            resource.backlinks.append(SimpleNamespace(slug=slug, title=title))


def rerender_linking_to(*, call, slug):
    """Render again the shown versions of every resource of `call` that links to `slug`.

    Their stored HTML named the target's old title, or showed it "to be
    written": the latest and the stable version of each are brought up to date
    (older versions keep the HTML of their time). ResourceVersion is metadata,
    not a versioned model: updating its HTML leaves the snapshots untouched.
    """
    sources = list(
        Resource.objects.filter(call=call, links__target_slug=slug)
        .select_related("call")
        .only("pk", "slug", "call", "latest_version_id", "stable_version_id")
    )
    if not sources:
        return 0
    by_id = {source.pk: source for source in sources}
    pointers = {source.latest_version_id for source in sources} | {
        source.stable_version_id for source in sources
    }
    versions = list(
        ResourceVersion.objects.filter(pk__in=pointers - {None}).only(
            "pk", "revision_id", "resource_id", "html"
        )
    )
    load_contents(versions)
    stale = []
    for version in versions:
        html = render(by_id[version.resource_id], version.content)
        if html != version.html:
            version.html = html
            stale.append(version)
    ResourceVersion.objects.bulk_update(stale, ["html"])
    # Stored HTML rewritten in bulk: the page cache renews itself on this signal.
    transaction.on_commit(lambda: pagecache.html_rewritten.send(sender=ResourceVersion))
    return len(stale)
