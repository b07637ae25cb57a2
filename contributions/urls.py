from django.urls import path  # noqa: F401

app_name = "contributions"

# --- Review (engineer C) ---
review_patterns = []

# --- Attribution, reuse, export, retribution (engineer D) ---
credit_patterns = []

urlpatterns = [*review_patterns, *credit_patterns]
