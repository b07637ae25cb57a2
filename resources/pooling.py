"""Pooling: a steward merges one commun into another of the same call.

The absorbed commun keeps its whole history (its versions stay readable at
their addresses) and gains `merged_into`: its page sends readers to the
kept one, and it takes no more edits (`editing.ResourceMerged`). Its team
joins the kept commun (as participants, nobody twice), its watchers follow
(`signals.resource_merged`, received by contributions), and its authors
stay credited on the kept one (contributions/attribution.py counts the
versions of the communs merged into a resource). The kept commun's license
must let the absorbed text be reused under it (appel/licenses.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appel import audit, licenses

from . import links, pagecache, signals
from .editing import CallNotOpen
from .models import Participation, Resource


class MergeRefused(Exception):
    """The merge would break a rule (already merged, licenses); nothing changed (409)."""


@transaction.atomic
def merge_resource(*, resource: Resource, into: Resource, actor) -> Resource:
    """Merge `resource` into `into` (same call, stewards only); returns `into`, reloaded.

    Both rows are locked in the order of their ids, so two merges at once
    cannot cross (a into b while b into a).
    """
    if not resource.call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards merge communs."))
    if resource.pk == into.pk:
        raise ValidationError({"into": [_("A commun cannot be merged into itself.")]})
    if resource.call_id != into.call_id:
        raise ValidationError({"into": [_("Only communs of the same call can be merged.")]})
    ids = sorted([resource.pk, into.pk])
    list(Resource.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    rows = Resource.objects.select_related("call", "merged_into").in_bulk(ids)
    resource, into = rows[resource.pk], rows[into.pk]
    call = resource.call
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards merge communs."))
    if not call.is_open:
        raise CallNotOpen(call)
    if resource.merged_into_id:
        raise MergeRefused(
            _("“%(title)s” was already merged into “%(into)s”.")
            % {"title": resource.title, "into": resource.merged_into.title}
        )
    if into.merged_into_id:
        raise MergeRefused(
            _("“%(title)s” was itself merged into “%(into)s”: merge into that one.")
            % {"title": into.title, "into": into.merged_into.title}
        )
    allowed, why = licenses.compatibility(resource.license, into.license)
    if not allowed:
        raise MergeRefused(
            _("“%(title)s” cannot be merged into “%(into)s”: %(why)s")
            % {"title": resource.title, "into": into.title, "why": why}
        )
    resource.merged_into = into
    resource.save(update_fields=["merged_into"])
    # The team moves: everyone not in the kept commun's team joins it.
    already = set(Participation.objects.filter(resource=into).values_list("user_id", flat=True))
    moving = Participation.objects.filter(resource=resource).exclude(user_id__in=already)
    Participation.objects.bulk_create(
        [
            Participation(resource=into, user_id=user_id, joined_at=joined_at)
            for user_id, joined_at in moving.values_list("user_id", "joined_at")
        ]
    )
    Participation.objects.filter(resource=resource).delete()
    # Watchers follow, in the same transaction (contributions knows them).
    signals.resource_merged.send(sender=None, resource_id=resource.pk, into_id=into.pk)
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.RESOURCE_MERGED,
        target=resource.slug,
        title=resource.title,
        into=into.slug,
        into_title=into.title,
    )
    for slug in (resource.slug, into.slug):  # [[links]] to either show where they lead
        links.rerender_linking_to(call=call, slug=slug)
    pagecache.renew_resource_after_commit(resource.pk)
    pagecache.renew_resource_after_commit(into.pk)
    return into
