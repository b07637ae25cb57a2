from django.contrib import admin

from .models import Review, Thread


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: a review changes a version's state and the stable pointer, which only
    contributions/reviewing.py keeps consistent. Reviews are recorded on the site or the API."""

    list_display = ["version", "reviewer", "verdict", "created_at"]
    list_filter = ["verdict", "version__resource__call"]
    list_select_related = ["version__resource", "reviewer"]
    search_fields = ["reviewer__username", "version__resource__title", "comment"]
    date_hierarchy = "created_at"
    raw_id_fields = ["version", "reviewer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    """Read-only, deletable (spam): moderation itself (hiding a post with a reason, in the
    audit log) happens on the site or the API, through contributions/discussing.py."""

    list_display = ["title", "call", "resource", "author", "resolved", "posts_count", "created_at"]
    list_filter = ["resolved", "call"]
    list_select_related = ["call", "resource", "author"]
    search_fields = ["title", "author__username"]
    raw_id_fields = ["call", "resource", "author", "version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
