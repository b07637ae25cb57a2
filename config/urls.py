"""Root URLconf: the only module that knows every app.

It sits above the three apps (contributions -> resources -> appel), in a
package of its own, so that no app imports one above it.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from appel import api as appel_api
from appel import views
from contributions import api as contributions_api
from contributions import money_api
from resources import api as resources_api

appel_patterns = [
    path("", views.home, name="home"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<slug:slug>/", views.call_detail, name="call-detail"),
    path("calls/<slug:slug>/edit/", views.call_edit, name="call-edit"),
    path("calls/<slug:slug>/status/", views.call_status, name="call-status"),
    path("calls/<slug:slug>/challenges/new/", views.challenge_create, name="challenge-create"),
    path(
        "calls/<slug:slug>/challenges/<slug:challenge>/",
        views.challenge_detail,
        name="challenge-detail",
    ),
    path(
        "calls/<slug:slug>/challenges/<slug:challenge>/edit/",
        views.challenge_edit,
        name="challenge-edit",
    ),
    path("calls/<slug:slug>/members/", views.call_members, name="call-members"),
    path("calls/<slug:slug>/members/search/", views.member_search, name="member-search"),
    path("calls/<slug:slug>/audit/", views.call_audit, name="call-audit"),
    path(
        "calls/<slug:slug>/members/<str:username>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("accounts/signup/", views.signup, name="signup"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("accounts/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("users/<str:username>/", views.user_detail, name="user-detail"),
    path("users/<str:username>/funder/", views.user_funder, name="user-funder"),
    path("pages/<slug:key>/", views.site_page, name="site-page"),
]

api_patterns = [
    *appel_api.urlpatterns,
    *resources_api.urlpatterns,
    *contributions_api.urlpatterns,
    *money_api.urlpatterns,
    path("schema", SpectacularAPIView.as_view(), name="schema"),
]

# The site's own error pages, in the layout and the reader's language; JSON under /api/.
handler400 = "appel.errors.bad_request"
handler403 = "appel.errors.permission_denied"
handler404 = "appel.errors.page_not_found"
handler500 = "appel.errors.server_error"

urlpatterns = [
    path("", include((appel_patterns, "appel"))),
    # Before Django's own, so that logins go through the rate limits.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("admin/login/", views.admin_login),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("resources.urls")),
    path("", include("contributions.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
