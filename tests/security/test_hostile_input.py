"""Inputs from an outside attack run that gave 500s: each gets a clear answer now.

Deep JSON bodies (RecursionError in the parser), Markdown lists nested 800
deep (RecursionError in the renderer), lone surrogates (not storable), a
verb an endpoint does not have, and the same input drawn by hypothesis.
"""

import json

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appel.models import Call, Challenge
from contributions.models import Review
from resources.models import ResourceVersion
from tests.conftest import web_client

from .conftest import api_client
from .test_url_permissions import TABLE, url_of

DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 5_000 + "1" + "}" * 5_000
DEEP_FIELD = '{"content": ' + "[" * 3_000 + "]" * 3_000 + ', "title": "x"}'
DEEP_MARKDOWN = "- " * 800 + "x"
RES = "/api/v1/calls/eau/resources/guide"

WRITES = [
    (name, method)
    for name, entry in TABLE.items()
    if name.startswith("api:")
    for method in ("post", "patch", "delete")
    if method in entry
]


@pytest.mark.parametrize(("name", "method"), WRITES, ids=[f"{n}-{m}" for n, m in WRITES])
@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT, DEEP_FIELD], ids=["list", "obj", "field"])
def test_it_refuses_deep_json_on_every_endpoint(roles, name, method, body):
    for role in ("anonymous", "steward"):
        client = api_client(roles[role])
        with transaction.atomic():
            response = getattr(client, method)(url_of(name), body, content_type="application/json")
            transaction.set_rollback(True)
        # 2xx only where the endpoint reads no body (a restore, revoking a token...).
        assert response.status_code < 500, (role, response.status_code)
        if response.status_code >= 400:
            assert response.json()["detail"]


def test_it_names_the_depth_limit(roles):
    response = api_client(None).post(
        "/api/v1/auth/token", DEEP_LIST, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON body is nested more than 20 levels deep."


def test_it_accepts_json_as_deep_as_the_api_goes(roles):
    body = {"title": "Défi", "description": "x", "extra": {"a": [{"b": [1]}]}}
    response = api_client(roles["steward"]).post(
        "/api/v1/calls/eau/challenges", body, format="json"
    )
    assert response.status_code == 201


def assert_shown_as_typed(html):
    assert html.startswith("<pre>- - - ")


def test_it_saves_deep_lists_through_the_api(roles):
    steward, author = api_client(roles["steward"]), api_client(roles["author"])
    created = author.post(
        "/api/v1/calls/eau/resources", {"title": "Listes", "content": DEEP_MARKDOWN}, format="json"
    )
    assert created.status_code == 201
    assert_shown_as_typed(
        created.json()["latest_version"]
        and ResourceVersion.objects.get(resource__slug="listes").html
    )
    edited = author.post(
        f"{RES}/versions", {"content": DEEP_MARKDOWN, "base_version": 2}, format="json"
    )
    assert edited.status_code == 201 and edited.json()["html"].startswith("<pre>")
    review = api_client(roles["reviewer"]).post(
        f"{RES}/versions/3/reviews", {"verdict": "comment", "comment": DEEP_MARKDOWN}, format="json"
    )
    assert review.status_code == 201
    call = steward.patch("/api/v1/calls/eau", {"description": DEEP_MARKDOWN}, format="json")
    assert call.status_code == 200
    assert_shown_as_typed(call.json()["description_html"])
    challenge = steward.post(
        "/api/v1/calls/eau/challenges",
        {"title": "Profond", "description": DEEP_MARKDOWN},
        format="json",
    )
    assert challenge.status_code == 201
    assert_shown_as_typed(challenge.json()["description_html"])


def test_it_saves_deep_lists_through_the_pages(roles):
    author, steward = web_client(roles["author"]), web_client(roles["steward"])
    preview = author.post("/preview/", {"content": DEEP_MARKDOWN})
    assert preview.status_code == 200 and preview.content.decode().startswith("<pre>")
    edit = author.post(
        "/calls/eau/resources/guide/edit/",
        {"title": "Guide", "content": DEEP_MARKDOWN, "base_version": "2"},
    )
    assert edit.status_code == 302
    review = web_client(roles["reviewer"]).post(
        "/calls/eau/resources/guide/versions/3/review/",
        {"verdict": "comment", "comment": DEEP_MARKDOWN},
    )
    assert review.status_code == 302
    assert Review.objects.get(version__number=3).comment == DEEP_MARKDOWN
    challenge = steward.post(
        "/calls/eau/challenges/new/", {"title": "Profond", "description": DEEP_MARKDOWN}
    )
    assert challenge.status_code == 302
    assert_shown_as_typed(Challenge.objects.get(title="Profond").description_html)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (f"{RES}/versions/2/reviews", {"verdict": "comment", "comment": "a\ud800b"}),
        (f"{RES}/versions", {"content": "a\udfffb", "base_version": 2}),
        ("/api/v1/calls/eau/resources", {"title": "\ud83d", "content": "x"}),
        ("/api/v1/auth/register", {"username": "lea\ud800", "password": "x"}),
        ("/api/v1/calls/eau/challenges", {"title": "t", "description": "x", "\ud800": 1}),
    ],
)
def test_it_refuses_lone_surrogates(roles, url, body):
    client = api_client(roles["steward"])
    raw = json.dumps(body)  # spells them "\ud800", as an attacker's client would
    response = client.post(url, raw, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("role", ["anonymous", "contributor", "steward"])
@pytest.mark.parametrize("url", ["/api/v1/calls/eau", "/api/v1/calls/eau/challenges/nappes"])
def test_it_answers_405_to_a_verb_a_call_does_not_have(roles, method, role, url):
    response = getattr(api_client(roles[role]), method)(url, {}, format="json")
    assert response.status_code == 405
    assert Call.objects.filter(slug="eau").exists()


def test_static_files_carry_nosniff_from_whitenoise_itself():
    from whitenoise.middleware import WhiteNoiseMiddleware

    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get("/static/css/app.css"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


# The same inputs, drawn: any endpoint, any role, never a 500.

CONFUSABLE = st.sampled_from(
    ["ｌｅａ", "ℓea", "𝐥𝐞𝐚", "Ｌｅａ", "LEA", "Straße", "STRASSE", "dupeN"]
)
SURROGATE_TEXT = st.builds(
    lambda a, s, b: a + s + b,
    st.text(max_size=5),
    st.sampled_from(["\ud800", "\udfff", "\udc00\ud800"]),
    st.text(max_size=5),
)
DEEP_MD = st.builds(
    lambda marker, depth: marker * depth + "x",
    st.sampled_from(["- ", "* ", "1. ", "> ", "> - ", "["]),
    st.integers(1, 900),
)
LEAF = st.one_of(st.text(max_size=10), CONFUSABLE, SURROGATE_TEXT, DEEP_MD, st.integers())


def nested(depth, leaf):
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=2), max_leaves=depth)


FIELDS = ["username", "password", "title", "content", "comment", "description", "verdict"]
BODY = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), LEAF, max_size=4),
    st.builds(
        lambda depth, field: json.dumps({field: json.loads("[" * depth + "]" * depth)}),
        st.integers(15, 3_000),
        st.sampled_from(FIELDS),
    ),
    st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(15, 20_000)),
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    write=st.sampled_from(WRITES),
    role=st.sampled_from(["anonymous", "author", "reviewer", "steward"]),
    body=BODY,
)
def test_it_never_answers_500_to_drawn_hostile_bodies(roles, write, role, body):
    name, method = write
    client = api_client(roles[role])
    with transaction.atomic():
        if isinstance(body, str):
            response = getattr(client, method)(url_of(name), body, content_type="application/json")
        else:
            raw = json.dumps(body)
            response = getattr(client, method)(url_of(name), raw, content_type="application/json")
        transaction.set_rollback(True)
    assert response.status_code < 500, (name, method, role, response.content[:300])
