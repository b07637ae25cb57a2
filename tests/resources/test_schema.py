from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from resources import api


def test_it_describes_the_resource_api_without_warnings(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=api.urlpatterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS  # no warning, no error
    assert set(schema["paths"]) == {
        "/calls/{call}/resources",
        "/calls/{call}/resources/similar",
        "/calls/{call}/resources/{resource}/merge",
        "/calls/{call}/resources/{resource}",
        "/calls/{call}/resources/{resource}/versions",
        "/calls/{call}/resources/{resource}/versions/{number}",
        "/calls/{call}/resources/{resource}/versions/{number}/restore",
        "/calls/{call}/resources/{resource}/diff",
        "/calls/{call}/resources/{resource}/participants",
        "/calls/{call}/resources/{resource}/files",
        "/calls/{call}/resources/{resource}/files/{name}",
        "/search",
    }
    resource = schema["components"]["schemas"]["Resource"]["properties"]
    assert {"slug", "title", "call", "challenge", "license", "latest_version"} <= set(resource)
    assert {"stable_version", "derived_from", "created_by", "created_at"} <= set(resource)
    assert {"backlinks", "files_count"} <= set(resource)
