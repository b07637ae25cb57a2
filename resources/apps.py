from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Commons resources")

    def ready(self):
        from appel import callstats

        from . import fts, pagecache
        from .stats import annotate_calls

        callstats.provide(annotate_calls)  # the figures calls show (appel/callstats.py)
        pagecache.connect()  # the cached resource page renews itself (resources/pagecache.py)
        fts.connect(self)  # the SQLite search index follows calls, challenges, resources
