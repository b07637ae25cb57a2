"""JSON API v1 for reviews, attribution, exports and retribution (contract: shared/API.md)."""

from django.urls import path  # noqa: F401

# --- Review (engineer C) ---
review_patterns = []

# --- Attribution, reuse, export, retribution (engineer D) ---
credit_patterns = []

urlpatterns = [*review_patterns, *credit_patterns]
