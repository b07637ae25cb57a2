from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppelConfig(AppConfig):
    name = "appel"
    verbose_name = _("Calls for commons")
