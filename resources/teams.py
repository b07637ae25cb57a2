"""Joining and leaving a commun: its team.

The HTML views and the API both call these functions. Joining is how
someone says "I work on this" before writing a word; the creator of a
commun is its first lead. A commun always keeps a lead: leaving locks the
resource row first, so two leads leaving at the same instant cannot both
go. Teams change only while the call is open, like the texts.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import pagecache, signals
from .editing import CallNotOpen
from .models import Participation, Resource


class LastLead(Exception):
    """Refused: the commun would be left without a lead."""

    def __init__(self, resource):
        self.resource = resource
        super().__init__(
            _("You are the last lead of “%(title)s”: name another lead before leaving.")
            % {"title": resource.title}
        )


def _locked(resource):
    return (
        Resource.objects.select_for_update(of=("self",)).select_related("call").get(pk=resource.pk)
    )


@transaction.atomic
def join(*, resource: Resource, user) -> tuple[Participation, bool]:
    """Join `resource` as a participant; (participation, created). Joining twice changes nothing."""
    resource = _locked(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    participation, created = Participation.objects.get_or_create(resource=resource, user=user)
    if created:
        pagecache.renew_resource_after_commit(resource.pk)
        signals.send_on_commit(signals.participant_joined, resource_id=resource.pk, user_id=user.pk)
    return participation, created


@transaction.atomic
def leave(*, resource: Resource, user) -> bool:
    """Leave `resource`; False when `user` was not in its team. The last lead stays (LastLead)."""
    resource = _locked(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    mine = Participation.objects.filter(resource=resource, user=user).first()
    if mine is None:
        return False
    leads = Participation.objects.filter(resource=resource, role=Participation.Role.LEAD)
    if mine.role == Participation.Role.LEAD and not leads.exclude(pk=mine.pk).exists():
        raise LastLead(resource)
    mine.delete()
    pagecache.renew_resource_after_commit(resource.pk)
    return True


@transaction.atomic
def promote(*, resource: Resource, user, actor) -> Participation:
    """A lead makes a participant a lead too: "lead" is the creator and whoever a lead names."""
    resource = _locked(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    if role_of(resource, actor) != Participation.Role.LEAD:
        raise PermissionDenied(_("Only a lead of this commun names other leads."))
    participation = Participation.objects.filter(resource=resource, user=user).first()
    if participation is None:
        raise ValidationError({"username": [_("This person is not in the team.")]})
    if participation.role != Participation.Role.LEAD:
        participation.role = Participation.Role.LEAD
        participation.save(update_fields=["role"])
        pagecache.renew_resource_after_commit(resource.pk)
    return participation


def role_of(resource, user):
    if not user.is_authenticated:
        return None
    return (
        Participation.objects.filter(resource=resource, user=user)
        .values_list("role", flat=True)
        .first()
    )


def team(resource):
    """The team of `resource`, leads first, then by date of joining (one query)."""
    return (
        Participation.objects.filter(resource=resource)
        .select_related("user")
        .order_by("role", "joined_at", "pk")  # "lead" sorts before "participant"
    )
