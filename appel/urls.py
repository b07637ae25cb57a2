"""Root URLconf: the only module that knows every app."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from appel import api as appel_api
from contributions import api as contributions_api
from resources import api as resources_api

appel_patterns = []

api_patterns = [
    *appel_api.urlpatterns,
    *resources_api.urlpatterns,
    *contributions_api.urlpatterns,
    path("schema", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    path("", include((appel_patterns, "appel"))),
    path("", include("resources.urls")),
    path("", include("contributions.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
