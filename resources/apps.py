from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Commons resources")

    def ready(self):
        from appel import callstats

        from .stats import annotate_calls

        callstats.provide(annotate_calls)  # the figures calls show (appel/callstats.py)

        # Cache freshness only, no domain logic: see resources/pagecache.py.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from appel.models import Call, Challenge

        from .pagecache import names_changed

        for model in (get_user_model(), Call, Challenge):
            post_save.connect(names_changed, sender=model, dispatch_uid=f"page-names-{model}")
            post_delete.connect(names_changed, sender=model, dispatch_uid=f"page-del-{model}")
