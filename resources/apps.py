from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Commons resources")

    def ready(self):
        from appel import callstats

        from . import editing, fts, hub, pagecache
        from .stats import annotate_calls

        callstats.provide(annotate_calls)  # the figures calls show (appel/callstats.py)
        pagecache.connect()  # the cached resource page renews itself (resources/pagecache.py)
        hub.connect()  # the communs on the call page and the défi pages (resources/hub.py)
        fts.connect(self)  # the SQLite search index follows calls, challenges, resources
        editing.connect()  # a commun's first défi follows the défis
