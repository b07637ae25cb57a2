"""JSON API v1 for resources (contract: shared/API.md)."""

urlpatterns = []
