"""Admin pages to look into resources, read-only.

Every change to a resource must go through resources/editing.py (a
reversion snapshot and a ResourceVersion row per save), so the admin only
shows them; deleting a whole resource (spam, legal removal) stays possible.
"""

from django.contrib import admin

from .models import Resource, ResourceVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "call",
        "challenge",
        "license",
        "latest_version__number",
        "stable_version__number",
    ]
    list_filter = ["call", "license"]
    list_select_related = ["call", "challenge", "latest_version", "stable_version"]
    search_fields = ["title", "slug"]
    exclude = ["content"]  # up to 1 MB: read it on the site or in a version


@admin.register(ResourceVersion)
class ResourceVersionAdmin(ReadOnlyAdmin):
    list_display = ["resource", "number", "author", "created_at", "state", "size", "delta"]
    list_filter = ["state"]
    list_select_related = ["resource", "author"]
    search_fields = ["resource__title", "author__username", "comment"]
    exclude = ["html", "authorship"]

    def has_delete_permission(self, request, obj=None):
        return False  # numbers must stay without gaps
