"""Loading the call a URL names: visibility applied, 404 otherwise.

Every page and API view of every app loads its call here (resources and
contributions too, through `resources.loaders`), so the rule "drafts are
their stewards' alone" (`Call.objects.visible_to`) is applied in one place,
and an unknown call and someone else's draft answer the same 404.
"""

from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import Call, Membership, User
from .stewarding import catch_up


def visible_calls(user, queryset=None):
    """The calls `user` may see, from `queryset` (all calls by default)."""
    return (Call.objects.all() if queryset is None else queryset).visible_to(user)


def get_call(user, slug, *, queryset=None, with_members=False):
    """The call named `slug` if `user` may see it, else Http404.

    `queryset` adds what a view reads (stats, joins); `with_members`
    prefetches the memberships with their users, which `Call.role_of`,
    `is_steward` and `can_review` read without further queries.
    """
    calls = visible_calls(user, queryset)
    if with_members:
        calls = calls.prefetch_related(
            Prefetch("memberships", Membership.objects.select_related("user"))
        )
    # A call past its closing date is recorded as closed the first time it is seen.
    return catch_up(get_object_or_404(calls, slug=slug))


def get_person(username, *, queryset=None):
    """The person named `username` for their public page, else Http404.

    A deleted account's page stays: its contributions are still credited to
    it; a deactivated one is gone.
    """
    people = (User.objects.all() if queryset is None else queryset).filter(
        Q(is_active=True) | Q(deleted_at__isnull=False)
    )
    # `User.is_funder` (may launch calls, the permission of `has_perm`) read in the same query.
    add_call = Permission.objects.filter(codename="add_call", content_type__app_label="appel")
    funder = Q(is_active=True) & (
        Q(is_superuser=True)
        | Exists(add_call.filter(group__user=OuterRef("pk")))
        | Exists(add_call.filter(user=OuterRef("pk")))
    )
    people = people.annotate(funder_flag=ExpressionWrapper(funder, output_field=BooleanField()))
    return get_object_or_404(people, username=username)
