"""Template tags that let pages of other apps show the people around a commun.

The resource page (resources) asks here for its open threads (inside its
cached parts) and for the reader's place in the commun (outside them):
resources never imports contributions.
"""

from django import template
from django.db.models import Exists, OuterRef, Subquery

from resources.models import Participation, Resource

from .. import discussing
from ..models import Watch

register = template.Library()

OPEN_THREADS_SHOWN = 50


@register.simple_tag
def open_threads(resource):
    """`{% open_threads resource as threads %}`: its open threads, the latest active first."""
    return list(discussing.open_threads(resource)[:OPEN_THREADS_SHOWN])


@register.simple_tag(takes_context=True)
def your_place(context, resource_id):
    """`{% your_place resource_id as place %}`: {role, watching} of the reader, in one query."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"role": None, "watching": False}
    role = Participation.objects.filter(resource=OuterRef("pk"), user=user).values("role")[:1]
    watching = Watch.objects.filter(resource=OuterRef("pk"), user=user)
    found = (
        Resource.objects.filter(pk=resource_id)
        .annotate(role=Subquery(role), watching=Exists(watching))
        .values("role", "watching")
        .first()
    )
    return found or {"role": None, "watching": False}


@register.simple_tag(takes_context=True)
def communs_of(context, person):
    """`{% communs_of user as participations %}`: the teams of `person` the reader may see."""
    from appel.models import Call

    reader = context["request"].user
    return list(
        Participation.objects.filter(
            user=person, resource__call__in=Call.objects.visible_to(reader)
        )
        .select_related("resource__call")
        .defer("resource__content", "resource__search_document")
        .order_by("-joined_at", "-pk")[:100]
    )


@register.simple_tag(takes_context=True)
def preferences_form(context):
    """`{% preferences_form as prefs %}`: the reader's e-mail preferences, as a form."""
    from ..views.people import PreferencesForm

    return PreferencesForm(instance=context["request"].user)


@register.simple_tag(takes_context=True)
def watching_call(context, call):
    """`{% watching_call call as watching %}`: whether the reader watches the call."""
    from .. import notifying

    return notifying.is_watching(context["request"].user, call=call)
