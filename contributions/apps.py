from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import slots

        slots.connect()  # the panels contributions fills on appel's and resources' pages
        user_logged_in.connect(_count_waiting, dispatch_uid="contributions-count-waiting")


def _count_waiting(sender, request, user, **kwargs):
    """The header's review count, computed once at sign-in rather than on a page."""
    from .reviewing import waiting_for_cached

    waiting_for_cached(user, refresh=True)
