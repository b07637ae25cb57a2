from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppelConfig(AppConfig):
    name = "appel"
    verbose_name = _("Calls for commons")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import conditional, sessions

        # Which sessions are whose, for the profile's list (appel/sessions.py).
        user_logged_in.connect(sessions.signed_in, dispatch_uid="appel-session-in")
        user_logged_out.connect(sessions.signed_out, dispatch_uid="appel-session-out")
        conditional.connect()  # ETags and whole cached pages renew (appel/conditional.py)
