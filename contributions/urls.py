from django.urls import path

from appel.conditional import call_state, conditional, site_state
from resources import pagecache

from . import feeds
from .views import (
    account,
    activity,
    credits,
    dashboard,
    deciding,
    money,
    people,
    retribution,
    review,
)

app_name = "contributions"

_resource = "calls/<slug:call_slug>/resources/<slug:resource_slug>/"
_cutoffs = "calls/<slug:call_slug>/cutoffs/"

urlpatterns = [
    path("calls/<slug:call_slug>/reviews/", review.review_queue, name="review-queue"),
    path(
        f"{_resource}versions/<int:number>/review/",
        review.version_review,
        name="version-review",
    ),
    path(f"{_resource}attribution/", credits.resource_attribution, name="resource-attribution"),
    path(
        f"{_resource}versions/<int:number>/authors/",
        credits.version_authors,
        name="version-authors",
    ),
    path(f"{_resource}export/", credits.resource_export, name="resource-export"),
    path(f"{_resource}cite.cff", credits.resource_cite_cff, name="resource-cite-cff"),
    path(f"{_resource}cite.bib", credits.resource_cite_bib, name="resource-cite-bib"),
    path(f"{_resource}derive/", credits.resource_derive, name="resource-derive"),
    path("calls/<slug:call_slug>/export/", credits.call_export, name="call-export"),
    path(
        "calls/<slug:call_slug>/retribution/",
        retribution.call_retribution,
        name="call-retribution",
    ),
    path(
        "calls/<slug:call_slug>/retribution/<slug:resource_slug>/",
        retribution.commun_retribution,
        name="commun-retribution",
    ),
    path(
        "calls/<slug:call_slug>/retribution/<slug:resource_slug>/record/",
        retribution.commun_split_record,
        name="commun-split-record",
    ),
    path(_cutoffs, deciding.cutoff_list, name="cutoff-list"),
    path(f"{_cutoffs}<int:cutoff>/", deciding.cutoff_detail, name="cutoff-detail"),
    path(f"{_cutoffs}<int:cutoff>/publish/", deciding.cutoff_publish, name="cutoff-publish"),
    path("calls/<slug:call_slug>/dashboard/", dashboard.call_dashboard, name="call-dashboard"),
    path(
        "calls/<slug:call_slug>/dashboard/<slug:table>.csv",
        dashboard.dashboard_csv,
        name="dashboard-csv",
    ),
    # Recent changes and their feeds
    path("changes/", activity.site_changes, name="changes"),
    path("calls/<slug:call_slug>/changes/", activity.call_changes, name="call-changes"),
    # Feeds answer If-None-Match with 304 before they are built (appel/conditional.py).
    path(
        "calls/<slug:call_slug>/changes/feed/",
        conditional(call_state)(feeds.CallChangesFeed()),
        name="call-feed",
    ),
    path(
        f"{_resource}history/feed/",
        conditional(pagecache.resource_state)(feeds.ResourceHistoryFeed()),
        name="resource-feed",
    ),
    path(
        "calls/<slug:call_slug>/challenges/<slug:challenge>/feed/",
        conditional(call_state)(feeds.ChallengeFeed()),
        name="challenge-feed",
    ),
    path(
        "users/<str:username>/feed/",
        conditional(site_state)(feeds.UserFeed()),
        name="user-feed",
    ),
    # Money: who funds what, milestones, the ledger
    path("calls/<slug:call_slug>/funders/", money.call_funders, name="call-funders"),
    path(
        "calls/<slug:call_slug>/funders/<int:funder>/edit/",
        money.funder_edit,
        name="funder-edit",
    ),
    path(f"{_resource}milestones/", money.resource_milestones, name="resource-milestones"),
    path(
        f"{_resource}milestones/<int:milestone>/meet/",
        money.milestone_meet,
        name="milestone-meet",
    ),
    path("calls/<slug:call_slug>/ledger/", money.call_ledger, name="call-ledger"),
    path("calls/<slug:call_slug>/ledger.csv", money.call_ledger_csv, name="call-ledger-csv"),
    # A person's own data
    path("accounts/profile/data.json", account.account_data, name="account-data"),
    path("accounts/delete/", account.account_delete, name="account-delete"),
]


def _threads(prefix, name):
    """The thread pages at a commun's address or at its call's (its forum)."""
    return [
        path(f"{prefix}threads/", people.thread_list, name=f"{name}-threads"),
        path(f"{prefix}threads/new/", people.thread_create, name=f"{name}-thread-create"),
        path(f"{prefix}threads/<int:thread>/", people.thread_detail, name=f"{name}-thread"),
        path(
            f"{prefix}threads/<int:thread>/resolve/",
            people.thread_resolve,
            name=f"{name}-thread-resolve",
        ),
        path(
            f"{prefix}threads/<int:thread>/posts/<int:post>/edit/",
            people.post_edit,
            name=f"{name}-post-edit",
        ),
        path(
            f"{prefix}threads/<int:thread>/posts/<int:post>/hide/",
            people.post_hide,
            name=f"{name}-post-hide",
        ),
        path(f"{prefix}watch/", people.watch_toggle, name=f"{name}-watch"),
    ]


urlpatterns += [
    *_threads("calls/<slug:call_slug>/", "call"),
    *_threads(_resource, "resource"),
    path("notifications/", people.notification_list, name="notifications"),
    path("notifications/read/", people.notifications_read, name="notifications-read"),
    path("notifications/preferences/", people.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", people.unsubscribe, name="unsubscribe"),
]
