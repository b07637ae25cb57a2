from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        # The seam that lets a resource's JSON carry its published cut-off
        # decisions without the resources app importing this one.
        from resources.api import register_decisions_reader

        from .deciding import public_decisions_by_resource

        register_decisions_reader(public_decisions_by_resource)
