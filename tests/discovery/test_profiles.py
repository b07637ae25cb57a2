"""A person's page and API: communs with roles, versions, reviews, threads, counts, a feed."""

import pytest
from rest_framework.test import APIClient

from contributions import discussing, reviewing
from resources import editing
from tests.conftest import client_for, web_client


def test_the_page_lists_what_a_person_wrote(world, client):
    html = client.get("/users/charlie/").content.decode()
    assert "2 versions" in html and "1 thread started" in html
    assert "Version 2 of “Carte des puits”" in html
    assert "/calls/eau/resources/carte-des-puits/diff/?from=1&amp;to=2" in html
    assert "Par commune ?" in html
    # the communs with the role held there
    assert "Sols vivants</a> — Lead" in html and "Carte des puits" in html
    assert 'href="/changes/?user=charlie"' in html


def test_the_page_lists_the_reviews_a_person_wrote(world, client):
    html = client.get("/users/rita/").content.decode()
    assert "1 review" in html
    assert f"versions/2/review/#review-{world['review'].pk}" in html


def test_the_page_links_its_feed_in_the_head_and_visibly(world, client):
    html = client.get("/users/bob/").content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert 'href="/users/bob/feed/"' in head
    assert 'class="feed-link" href="/users/bob/feed/"' in html[html.index("</head>") :]


@pytest.mark.parametrize("who", [None, "bob", "rita"])
def test_a_draft_calls_content_is_not_listed(world, who, request):
    user = request.getfixturevalue(who) if who else None
    html = web_client(user).get("/users/bob/").content.decode()
    assert "Plan caché" not in html and "Appel secret" not in html
    api = client_for(user) if user else APIClient()
    body = api.get("/api/v1/users/bob").json()
    assert body["counts"] == {"versions": 1, "reviews": 0, "resources": 1, "threads": 1}
    assert [c["call"] for c in body["communs"]] == ["eau"]


def test_its_stewards_see_it(world, alice):
    html = web_client(alice).get("/users/bob/").content.decode()
    assert "Plan caché" in html
    body = client_for(alice).get("/api/v1/users/bob").json()
    assert body["counts"]["versions"] == 2
    assert {(c["call"], c["resource"], c["role"]) for c in body["communs"]} == {
        ("eau", "carte-des-puits", "lead"),
        ("secret", "plan-cache", "lead"),
    }


def test_the_api_describes_a_person(world, api, charlie):
    body = api.get("/api/v1/users/charlie").json()
    assert body["username"] == "charlie" and body["display_name"] == "Charlie"
    assert body["date_joined"].startswith(str(charlie.date_joined.year))
    assert body["counts"] == {"versions": 2, "reviews": 0, "resources": 1, "threads": 1}
    assert body["communs"] == [{"call": "eau", "resource": "sols-vivants", "role": "lead"}]


def test_the_api_lists_a_persons_versions_and_reviews(world, api, charlie):
    body = api.get("/api/v1/users/charlie/contributions").json()
    assert [(r["kind"], r["resource"]["slug"], r["version"]) for r in body["results"]] == [
        ("edit", "sols-vivants", 1),
        ("edit", "carte-des-puits", 2),
    ]
    body = api.get("/api/v1/users/rita/contributions?page_size=1").json()
    assert body["count"] == 1 and body["results"][0]["kind"] == "review"
    assert api.get("/api/v1/users/rita/contributions?kind=thread").status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/users/personne/", "/api/v1/users/personne", "/api/v1/users/personne/contributions"],
)
def test_an_unknown_person_is_404(db, client, url):
    assert client.get(url).status_code == 404


def test_a_deactivated_account_is_404(world, client, charlie):
    charlie.is_active = False
    charlie.save()
    assert client.get("/api/v1/users/charlie").status_code == 404
    assert client.get("/users/charlie/feed/").status_code == 404


def more(world, charlie, rita, n):
    carte = world["carte"]
    for i in range(n):
        carte.refresh_from_db()
        version = editing.edit_resource(
            resource=carte,
            author=charlie,
            content=f"{carte.content}\nAjout {i}.\n",
            base_version=carte.latest_version.number,
        ).version
        reviewing.record_review(version=version, reviewer=rita, verdict="comment", comment="Vu.")
        discussing.start_thread(call=carte.call, author=charlie, title=f"Sujet {i}", body="?")


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the person, roles, reviews of their versions, teams, versions, reviews,
        # threads, decisions, what they received (the ledger)
        ("/users/charlie/", 9),
        ("/users/rita/", 9),
        ("/api/v1/users/charlie", 3),  # the person, counts, communs
        ("/api/v1/users/charlie/contributions", 4),  # the person, a count, keys, versions
    ],
)
def test_it_reads_a_person_in_a_fixed_number_of_queries(
    world, charlie, rita, client, url, queries, django_assert_num_queries
):
    for n in (0, 5):
        more(world, charlie, rita, n)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
