"""`{% fill "slot name" key=value %}`: the parts higher apps put in a slot (appel/slots.py)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from appel import slots

register = template.Library()


@register.simple_tag
def fill(name, **objects):
    slot = slots.named(name)
    if slot is None:
        return ""
    # A provider's HTML is kept as it is only when marked safe (render_to_string does).
    return mark_safe("".join(conditional_escape(part) for part in slot.fill(**objects)))
