"""A corpus of hostile markup sent through every field a page or the API shows.

tests/security/xss_payloads.txt holds the payloads (OWASP filter evasion,
html5sec vectors, Markdown-specific tricks), separated by lines "----".
The corpus is cut in chunks; for each chunk a call, a challenge, an account,
a resource with two versions and a review are created through the API with
the payloads in every text and Markdown field, then every page and API
answer that shows them is parsed: nothing in it may run script.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from appel.markup import render_markdown
from appel.models import User
from tests.conftest import client_for, web_client

from .htmlcheck import html_problems, json_html_problems

PAYLOADS = [
    entry.strip("\n")
    for entry in (Path(__file__).parent / "xss_payloads.txt").read_text().split("\n----\n")
    if entry.strip()
]
CHUNKS = 10
STRONG_PASSWORD = "a long and unusual pass phrase 42"


def chunk(index):
    return PAYLOADS[index::CHUNKS]


def text_value(payloads, offset, limit):
    """Several payloads on one line, as a plain-text field (title, name) gets them."""
    rotated = payloads[offset % len(payloads) :] + payloads[: offset % len(payloads)]
    return " ".join(p.replace("\n", " ") for p in rotated)[:limit]


def markdown_value(payloads):
    return "\n\n".join(payloads)


def test_it_has_a_corpus_of_at_least_150_payloads():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    joined = "\n".join(PAYLOADS).lower()
    for vector in ("](javascript:", "<javascript:", "&#106;", "srcdoc", "<object", "<embed",
                   "<base", "http-equiv", "@import", "expression(", "vbscript:", "data:text/html",
                   "<svg", "<math", "<form", "xlink:href", "\u202e"):  # fmt: skip
        assert vector in joined, vector


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_it_renders_every_payload_to_harmless_html(payload):
    assert html_problems(render_markdown(payload)) == []


def _ok(response, expected=(200, 201)):
    assert response.status_code in expected, (response.status_code, response.content[:500])
    return response


@pytest.fixture
def hostile(alice, rita, db, django_capture_on_commit_callbacks):
    """Builds the data of one chunk through the API; returns what pages to read."""

    def build(index):
        payloads = chunk(index)
        md = markdown_value(payloads)
        texts = {
            "call_title": text_value(payloads, 0, 200),
            "summary": text_value(payloads, 1, 500),
            "funder_name": text_value(payloads, 2, 200),
            "challenge_title": text_value(payloads, 3, 200),
            "resource_title": text_value(payloads, 4, 200),
            "display_name": text_value(payloads, 5, 150),
            "comment": text_value(payloads, 6, 500),
            "title_v2": text_value(payloads, 7, 200),
        }
        steward = client_for(alice)
        slug = f"xss-{index}"
        _ok(
            steward.post(
                "/api/v1/calls",
                {
                    "slug": slug,
                    "title": texts["call_title"],
                    "summary": texts["summary"],
                    "description": md,
                    "funder_name": texts["funder_name"],
                    "allowed_licenses": ["CC-BY-4.0"],
                },
                format="json",
            )
        )
        _ok(steward.patch(f"/api/v1/calls/{slug}", {"status": "open"}, format="json"))
        _ok(
            steward.post(
                f"/api/v1/calls/{slug}/members",
                {"username": "rita", "role": "reviewer"},
                format="json",
            )
        )
        challenge = _ok(
            steward.post(
                f"/api/v1/calls/{slug}/challenges",
                {"title": texts["challenge_title"], "description": md},
                format="json",
            )
        ).json()["slug"]
        registered = _ok(
            APIClient().post(
                "/api/v1/auth/register",
                {
                    "username": f"author{index}",
                    "password": STRONG_PASSWORD,
                    "display_name": texts["display_name"],
                },
                format="json",
            )
        ).json()
        author = APIClient()
        author.credentials(HTTP_AUTHORIZATION=f"Token {registered['token']}")
        base = f"/api/v1/calls/{slug}/resources"
        _ok(
            author.post(
                base,
                {
                    "title": texts["resource_title"],
                    "slug": "res",
                    "challenge": challenge,
                    "content": md,
                    "comment": texts["comment"],
                },
                format="json",
            )
        )
        _ok(
            author.post(
                f"{base}/res/versions",
                {
                    "content": md + "\n\nUne phrase de plus.\n",
                    "title": texts["title_v2"],
                    "comment": texts["comment"],
                    "base_version": 1,
                },
                format="json",
            )
        )
        _ok(
            steward.post(
                f"{base}/res/versions/2/reviews",
                {"verdict": "approve", "comment": md},
                format="json",
            )
        )
        _ok(
            client_for(rita).post(
                f"{base}/res/versions/1/reviews",
                {"verdict": "comment", "comment": md},
                format="json",
            )
        )
        # Threads and posts: hostile titles, quotes and bodies, a mention of the author
        # (so that their notifications page shows the thread's title too).
        threads = {}
        with django_capture_on_commit_callbacks(execute=True):
            for where, url in (("resource", f"{base}/res"), ("call", f"/api/v1/calls/{slug}")):
                threads[where] = _ok(
                    steward.post(
                        f"{url}/threads",
                        {
                            "title": text_value(payloads, 8, 200),
                            "body": md + f"\n\n@author{index}",
                            "quote": text_value(payloads, 9, 2000) if where == "resource" else "",
                        },
                        format="json",
                    )
                ).json()["id"]
                _ok(
                    author.post(
                        f"{url}/threads/{threads[where]}/posts", {"body": md}, format="json"
                    )
                )
        res = {"call_slug": slug, "resource_slug": "res"}
        r_thread = {**res, "thread": threads["resource"]}
        c_thread = {"call_slug": slug, "thread": threads["call"]}
        pages = [
            reverse("appel:home"),
            reverse("appel:call-detail", args=[slug]),
            reverse("appel:call-edit", args=[slug]),
            reverse("appel:call-members", args=[slug]),
            reverse("appel:call-audit", args=[slug]),
            reverse("appel:challenge-edit", args=[slug, challenge]),
            reverse("appel:user-detail", args=[f"author{index}"]),
            reverse("resources:resource-list", kwargs={"call_slug": slug}),
            reverse("resources:resource-detail", kwargs=res),
            reverse("resources:resource-edit", kwargs=res),
            reverse("resources:resource-history", kwargs=res),
            reverse("resources:version-detail", kwargs={**res, "number": 1}),
            reverse("resources:version-detail", kwargs={**res, "number": 2}),
            reverse("resources:resource-diff", kwargs=res) + "?from=1&to=2",
            reverse("contributions:call-changes", kwargs={"call_slug": slug}),
            reverse("resources:search") + "?q=script",
            reverse("contributions:review-queue", kwargs={"call_slug": slug}),
            reverse("contributions:version-review", kwargs={**res, "number": 1}),
            reverse("contributions:version-review", kwargs={**res, "number": 2}),
            reverse("contributions:resource-attribution", kwargs=res),
            reverse("contributions:version-authors", kwargs={**res, "number": 2}),
            reverse("contributions:resource-export", kwargs=res) + "?format=html",
            reverse("contributions:resource-derive", kwargs=res),
            reverse("contributions:call-retribution", kwargs={"call_slug": slug}),
            reverse("contributions:call-export", kwargs={"call_slug": slug}),
            reverse("contributions:resource-threads", kwargs=res),
            reverse("contributions:resource-thread", kwargs=r_thread),
            reverse("contributions:call-threads", kwargs={"call_slug": slug}),
            reverse("contributions:call-thread", kwargs=c_thread),
            reverse("contributions:notifications"),
        ]
        not_html = [
            reverse("contributions:resource-export", kwargs=res) + "?format=md",
            reverse("contributions:resource-cite-cff", kwargs=res),
            reverse("contributions:resource-cite-bib", kwargs=res),
        ]
        api = [
            f"/api/v1/calls/{slug}",
            "/api/v1/calls?status=open",
            f"/api/v1/calls/{slug}/challenges",
            f"{base}",
            f"{base}/res",
            f"{base}/res/versions",
            f"{base}/res/versions/1",
            f"{base}/res/versions/2",
            f"{base}/res/versions/2/reviews",
            f"{base}/res/versions/1/reviews",
            f"{base}/res/diff?from=1&to=2",
            f"{base}/res/attribution",
            f"{base}/res/export?format=json",
            f"/api/v1/calls/{slug}/changes",
            f"/api/v1/calls/{slug}/reviews/pending",
            "/api/v1/search?q=script",
            f"{base}/res/threads",
            f"{base}/res/threads/{threads['resource']}",
            f"/api/v1/calls/{slug}/threads",
            f"/api/v1/calls/{slug}/threads/{threads['call']}",
            "/api/v1/me/notifications",
        ]
        return texts, pages, not_html, api, author

    return build


@pytest.mark.parametrize("index", range(CHUNKS))
def test_it_shows_no_executable_markup_anywhere(hostile, alice, index):
    texts, pages, not_html, api, author = hostile(index)
    problems = []
    for viewer in (web_client(alice), web_client(None)):
        for url in pages:
            response = viewer.get(url)
            if response.status_code in (302, 403):  # steward pages, seen by the anonymous
                continue
            assert response.status_code == 200, (url, response.status_code)
            page = response.content.decode()
            problems += [f"{url}: {p}" for p in html_problems(page)]
            for field, value in texts.items():
                if "<" in value and value in page:
                    problems.append(f"{url}: {field} shown unescaped")
    author_pages = web_client(User.objects.get(username=f"author{index}"))
    notices = author_pages.get(reverse("contributions:notifications")).content.decode()
    assert "notification-unread" in notices  # the mention arrived, its title escaped
    problems += [f"notifications: {p}" for p in html_problems(notices)]
    own = author_pages.get(reverse("appel:profile"))
    assert own.status_code == 200
    problems += [f"profile: {p}" for p in html_problems(own.content.decode())]
    if "<" in texts["display_name"] and texts["display_name"] in own.content.decode():
        problems.append("profile: display name shown unescaped")
    exported = web_client(None).get(api[4].replace("/api/v1", "") + "/export/?format=json")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/json")
    problems += [f"export json: {p}" for p in json_html_problems(exported.json())]
    for url in not_html:
        response = web_client(None).get(url)
        assert response.status_code == 200, url
        assert not response["Content-Type"].startswith("text/html"), url
        assert response["X-Content-Type-Options"] == "nosniff"
    for url in api:
        response = author.get(url)
        assert response.status_code == 200, (url, response.status_code)
        problems += [f"{url}: {p}" for p in json_html_problems(response.json())]
    assert problems == []
