from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from appel import api


def test_it_describes_the_call_api_without_warnings(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=api.urlpatterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS  # no warning, no error
    assert set(schema["paths"]) == {
        "/auth/register",
        "/auth/token",
        "/auth/token/revoke",
        "/me",
        "/calls",
        "/calls/{call}",
        "/calls/{call}/members",
        "/calls/{call}/members/{username}",
        "/calls/{call}/challenges",
        "/calls/{call}/challenges/{challenge}",
        "/calls/{call}/cutoffs",
    }
    call = schema["components"]["schemas"]["Call"]["properties"]
    assert call["budget_amount"]["type"] == "string"
    assert call["stats"] == {"allOf": [{"$ref": "#/components/schemas/Stats"}], "readOnly": True}


def test_it_serves_the_schema(db, client):
    assert client.get("/api/v1/schema").status_code == 200
