"""Atom feeds (django.contrib.syndication): a call, a resource's history, a défi, a person.

Feed readers come without a session, and a feed is the same for everyone:
each is read as an anonymous visitor, so a draft call's feeds answer 404,
its stewards included, and a person's feed leaves drafts out. Each holds
the latest `FEED_SIZE` entries, in the language of the request, at a
fixed number of queries (contributions/activity.py). Asked again with the
ETag a reader holds, a feed answers 304 without being built (appel/conditional.py:
see `contributions/urls.py`).
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from appel.loaders import get_call, get_person
from resources import loaders, reading
from resources.models import ResourceVersion

from . import activity

FEED_SIZE = 50
ANONYMOUS = AnonymousUser()


def _state_words(version, resource):
    """What a reader of the feed should know of a version: validated, stable, or waiting."""
    if version.pk == resource.stable_version_id:
        return _("validated, the stable version")
    if version.state == ResourceVersion.State.VALIDATED:
        return _("validated")
    if version.state == ResourceVersion.State.CHANGES_REQUESTED:
        return _("changes requested")
    stable = getattr(version, "stable_number", None)
    if stable is None and resource.stable_version_id:
        stable = resource.stable_version.number
    if stable is not None and version.number < stable:
        return _("not reviewed, older than the stable version")
    return _("awaiting review")


class ChangesFeed(Feed):
    """Entries are activity.Change objects; subclasses say which."""

    feed_type = Atom1Feed

    def items(self, obj):
        return activity.page(
            viewer=ANONYMOUS, filters=obj["filters"], call=obj.get("call"), size=FEED_SIZE
        ).changes

    def title(self, obj):
        return obj["title"]

    def link(self, obj):
        return obj["link"]

    def subtitle(self, obj):
        return obj.get("subtitle", "")

    def item_title(self, change):
        where = change.resource.title if change.resource else change.call.title
        if change.kind == activity.EDIT:
            return _("%(title)s: version %(n)s (%(state)s)") % {
                "title": where,
                "n": change.version.number,
                "state": _state_words(change.version, change.resource),
            }
        if change.kind == activity.REVIEW:
            return _("%(title)s: review of version %(n)s (%(verdict)s)") % {
                "title": where,
                "n": change.version.number,
                "verdict": change.review.get_verdict_display(),
            }
        if change.started_thread:
            return _("%(title)s: new thread “%(thread)s”") % {
                "title": where,
                "thread": change.thread.title,
            }
        return _("%(title)s: reply in “%(thread)s”") % {
            "title": where,
            "thread": change.thread.title,
        }

    def item_description(self, change):
        # Atom summaries are HTML to feed readers: what people typed is escaped, shown as typed.
        if change.kind == activity.EDIT:
            return escape(change.version.display_comment or change.version.system_note)
        if change.kind == activity.REVIEW:
            return escape(change.review.comment)
        return ""

    def item_link(self, change):
        return change.url

    def item_pubdate(self, change):
        return change.created_at

    def item_updateddate(self, change):
        return change.created_at

    def item_author_name(self, change):
        return change.user.name


class CallChangesFeed(ChangesFeed):
    def get_object(self, request, call_slug):
        call = get_call(ANONYMOUS, call_slug)
        return {
            "call": call,
            "filters": activity.Filters(),
            "title": _("Recent changes in “%(call)s”") % {"call": call.title},
            "link": reverse("contributions:call-changes", args=[call.slug]),
            "subtitle": call.summary,
        }


class ChallengeFeed(ChangesFeed):
    """The changes of the communs answering a défi."""

    def get_object(self, request, call_slug, challenge):
        call = get_call(ANONYMOUS, call_slug)
        challenge = get_object_or_404(call.challenges, slug=challenge)
        filters = activity.Filters(challenge=challenge.slug, challenge_ids=(challenge.pk,))
        link = reverse("contributions:call-changes", args=[call.slug])
        return {
            "call": call,
            "filters": filters,
            "title": _("Challenge “%(challenge)s” · %(call)s")
            % {"challenge": challenge.title, "call": call.title},
            "link": f"{link}?challenge={challenge.slug}",
        }


class UserFeed(ChangesFeed):
    """A person's versions and reviews, in the calls everyone may see."""

    def get_object(self, request, username):
        person = get_person(username)
        return {
            "filters": activity.Filters(user=person, among=activity.CONTRIBUTIONS),
            "title": _("Contributions of %(name)s") % {"name": person.name},
            "link": reverse("appel:user-detail", args=[person.username]),
        }


class ResourceHistoryFeed(Feed):
    """The versions of a resource, newest first, each saying whether it is validated."""

    feed_type = Atom1Feed

    def get_object(self, request, call_slug, resource_slug):
        return loaders.get_resource(ANONYMOUS, call_slug, resource_slug)

    def title(self, resource):
        return _("History of “%(title)s”") % {"title": resource.title}

    def link(self, resource):
        return reverse("resources:resource-history", args=[resource.call.slug, resource.slug])

    def items(self, resource):
        versions = list(reading.history(resource)[:FEED_SIZE])
        for version in versions:
            version.resource = resource
        return versions

    def item_title(self, version):
        return _("Version %(n)s (%(state)s)") % {
            "n": version.number,
            "state": _state_words(version, version.resource),
        }

    def item_description(self, version):
        return escape(version.display_comment or version.system_note)

    def item_link(self, version):
        return version.get_absolute_url()

    def item_pubdate(self, version):
        return version.created_at

    def item_updateddate(self, version):
        return version.created_at

    def item_author_name(self, version):
        return version.author.name
