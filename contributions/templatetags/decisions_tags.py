"""Cut-off decisions on other apps' pages (the resource page, the profile) without imports.

The resource page (resources) and the profile (appel) include templates of
this app, which ask for their data here.
"""

from django import template

from contributions import deciding

register = template.Library()


@register.simple_tag
def published_decisions_about(resource):
    """`{% published_decisions_about resource as decisions %}`: public decisions, latest first."""
    return list(deciding.published_decisions_about(resource))


@register.simple_tag
def published_decisions_for(user, viewer):
    """`{% published_decisions_for profile_user request.user as decisions %}`."""
    return list(deciding.published_decisions_for(user, viewer))
