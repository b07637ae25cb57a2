"""Accounts and the site's own pages in the admin, for operators; calls are run from the site."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, SitePage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Platform"), {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_staff", "is_active")
    search_fields = ("username", "display_name", "email")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: a log that operators could edit would prove nothing."""

    list_display = ("created_at", "call", "actor", "action", "target")
    list_filter = ("action",)
    list_select_related = ("call", "actor")
    search_fields = ("target", "actor__username", "call__slug")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The legal notice, personal data and accessibility pages: the operator's own words."""

    list_display = ("key", "title_fr", "title_en", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        # The three pages exist from the migration on; footers link them by key.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
