"""JSON API v1 for contributions (contract: shared/API.md)."""

urlpatterns = []
