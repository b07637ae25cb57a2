from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Commons resources")

    def ready(self):
        # Cache freshness only, no domain logic: see resources/pagecache.py.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from appel.models import Call, Challenge

        from .models import FileRevision, ResourceLink
        from .pagecache import files_or_links_changed, names_changed

        for model in (get_user_model(), Call, Challenge):
            post_save.connect(names_changed, sender=model, dispatch_uid=f"page-names-{model}")
            post_delete.connect(names_changed, sender=model, dispatch_uid=f"page-del-{model}")
        # The page lists the resource's files and the resources linking to it.
        for model in (FileRevision, ResourceLink):
            post_save.connect(files_or_links_changed, sender=model, dispatch_uid=f"page-{model}")
        post_delete.connect(files_or_links_changed, sender=ResourceLink, dispatch_uid="page-unlink")
