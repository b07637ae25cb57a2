from django.urls import path

from . import views

app_name = "resources"

_RESOURCE = "calls/<slug:call_slug>/resources/<slug:resource_slug>"

urlpatterns = [
    path("calls/<slug:call_slug>/resources/", views.resource_list, name="resource-list"),
    # Before the resource pattern: "new" is a reserved slug (resources/editing.py).
    path("calls/<slug:call_slug>/resources/new/", views.resource_create, name="resource-create"),
    path(f"{_RESOURCE}/", views.resource_detail, name="resource-detail"),
    path(f"{_RESOURCE}/edit/", views.resource_edit, name="resource-edit"),
    path(f"{_RESOURCE}/history/", views.resource_history, name="resource-history"),
    path(f"{_RESOURCE}/versions/<int:number>/", views.version_detail, name="version-detail"),
    path(
        f"{_RESOURCE}/versions/<int:number>/restore/",
        views.version_restore,
        name="version-restore",
    ),
    path(f"{_RESOURCE}/diff/", views.resource_diff, name="resource-diff"),
    path(f"{_RESOURCE}/team/", views.resource_team, name="resource-team"),
    path(f"{_RESOURCE}/challenges/", views.resource_challenges, name="resource-challenges"),
    path(f"{_RESOURCE}/merge/", views.resource_merge, name="resource-merge"),
    path(f"{_RESOURCE}/join/", views.resource_join, name="resource-join"),
    # `files/NAME` in a text, relative to the resource's page, is the file's address.
    path(f"{_RESOURCE}/files/", views.file_list, name="file-list"),
    path(f"{_RESOURCE}/files/<str:name>", views.file_download, name="file-download"),
    path(f"{_RESOURCE}/files/<str:name>/thumbnail", views.file_thumbnail, name="file-thumbnail"),
    path("preview/", views.markdown_preview, name="markdown-preview"),
    path("search/", views.search_page, name="search"),
]
