from django.urls import path  # noqa: F401

app_name = "contributions"

# --- Review (engineer C) ---
# isort: split
from .views import review  # noqa: E402

review_patterns = [
    path("calls/<slug:call>/reviews/", review.review_queue, name="review-queue"),
    path(
        "calls/<slug:call>/resources/<slug:resource>/versions/<int:number>/review/",
        review.version_review,
        name="version-review",
    ),
]

# --- Attribution, reuse, export, retribution (engineer D) ---
# isort: split
from .views import credits  # noqa: E402

_resource = "calls/<slug:call>/resources/<slug:resource>/"
credit_patterns = [
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
    path("calls/<slug:call>/export/", credits.call_export, name="call-export"),
    path("calls/<slug:call>/retribution/", credits.call_retribution, name="call-retribution"),
]

# --- Cut-off dates and decisions ---
# isort: split
from .views import deciding  # noqa: E402

decision_patterns = [
    path("calls/<slug:call>/cutoffs/", deciding.cutoff_list, name="cutoff-list"),
    path("calls/<slug:call>/cutoffs/<int:cutoff>/", deciding.cutoff_detail, name="cutoff-detail"),
    path(
        "calls/<slug:call>/cutoffs/<int:cutoff>/publish/",
        deciding.cutoff_publish,
        name="cutoff-publish",
    ),
]

# --- Steering dashboard ---
# isort: split
from .views import dashboard  # noqa: E402

dashboard_patterns = [
    path("calls/<slug:call>/dashboard/", dashboard.call_dashboard, name="call-dashboard"),
    path(
        "calls/<slug:call>/dashboard/<slug:table>.csv",
        dashboard.dashboard_csv,
        name="dashboard-csv",
    ),
]

urlpatterns = [*review_patterns, *credit_patterns, *decision_patterns, *dashboard_patterns]
