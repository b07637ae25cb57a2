"""Page costs do not follow history length, and reading never renders Markdown again."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appel import markup

from .conftest import SLUG, grow

PAGE = f"/calls/eau/resources/{SLUG}/"
HISTORY = f"{PAGE}history/"
API = f"/api/v1/calls/eau/resources/{SLUG}"

# (url, queries for an anonymous visitor). Pages other than the resource page read their
# ETag's state first (one query, appel/conditional.py), then what they show.
COSTS = [
    # First visit: the page's state, the resource with both versions, its défis, the authors,
    # its files, the resources linking to it, its team, its open threads, the published
    # cut-off decisions, its ledger entries (again after each change: the parts are cached
    # per state)
    (PAGE, 10),
    (PAGE, 1),  # then: the page's state only, the whole page comes from the cache
    (HISTORY, 4),  # the state, the resource, one page of versions, the latest uploads
    (f"{HISTORY}?page=2", 4),
    (f"{HISTORY}?page=last", 4),
    (f"{PAGE}versions/2/", 4),  # the state, the resource, the version, its reviews
    (f"{PAGE}diff/?from=1&to=3", 4),  # the state, the resource, both versions, both texts
    (API, 6),  # the state, the resource, its défis, files count, backlinks, decisions
    (f"{API}/versions", 3),
    (f"{API}/versions?page=last", 3),
    (f"{API}/versions/2", 5),  # the state, the resource, the version, its text, its reviews
]


@pytest.fixture(params=[3, 300], ids=["3-versions", "300-versions"])
def history(request, resource, charlie):
    grow(resource, charlie, request.param - 1)
    assert resource.latest_version.number == request.param
    return resource


def test_it_reads_a_resource_in_a_fixed_number_of_queries(
    history, client, django_assert_num_queries
):
    for url, queries in COSTS:
        with django_assert_num_queries(queries, info=url):
            response = client.get(url)
        assert response.status_code == 200, url


def test_it_costs_a_signed_in_visitor_three_more_queries(
    history, client, bob, django_assert_num_queries
):
    client.force_login(bob)
    # + the session, the user (with the bell's unread count) and the reader's place in the
    # commun (joined? watching?), asked outside the cached parts
    with django_assert_num_queries(13):
        assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(PAGE).status_code == 200


def test_it_pages_the_history_by_version_number_not_offset(resource, charlie, client):
    grow(resource, charlie, 120)  # 121 versions: pages of 50, 50, 21
    with CaptureQueriesContext(connection) as queries:
        last = client.get(f"{HISTORY}?page=3")
    assert [v.number for v in last.context["page"]] == list(range(21, 0, -1))
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
    first = client.get(HISTORY).context["page"]
    assert [v.number for v in first][:2] == [121, 120] and len(first) == 50


def test_it_never_renders_markdown_to_show_a_page(resource, charlie, client, bob):
    grow(resource, charlie, 2)
    client.force_login(bob)
    boom = AssertionError("Markdown rendered while reading")
    pages = [
        PAGE,
        HISTORY,
        f"{PAGE}versions/1/",
        f"{PAGE}diff/?from=1&to=3",
        f"{PAGE}edit/",
        "/calls/eau/resources/",
        "/calls/eau/changes/",
        "/search/?q=carte",
        API,
        f"{API}/versions",
        f"{API}/versions/2",
        f"{API}/diff?from=1&to=2",
    ]
    with (
        mock.patch.object(markup, "_converter", side_effect=boom),
        mock.patch.object(markup, "_cleaner", side_effect=boom),
    ):
        for url in pages:
            assert client.get(url).status_code == 200, url
        # The patch is where rendering happens: the preview does render.
        with pytest.raises(AssertionError, match="rendered while reading"):
            client.post("/preview/", {"content": "# x"})


def test_it_lists_resources_and_changes_in_a_fixed_number_of_queries(
    resource, call, bob, charlie, client, django_assert_num_queries
):
    from django.db import connection

    from resources import editing

    # Search, SQLite: the index's matches and excerpts, then the rows of each kind found;
    # PostgreSQL: calls, défis, the best resources, their rows, threads.
    sqlite = connection.vendor == "sqlite"
    lists = [
        ("/calls/eau/resources/", 5),  # the state, the call, its challenges, a count, one page
        ("/calls/eau/changes/", 5),  # the state, the call, a count, the page's ids, its rows
        ("/api/v1/calls/eau/resources", 6),  # + défis, backlinks, decisions (files: counted inline)
        ("/api/v1/calls/eau/changes", 4),
        ("/search/?q=carte", 3 if sqlite else 5),
        ("/api/v1/search?q=carte", 7 if sqlite else 9),  # + défis, files, backlinks, decisions
    ]
    for url, queries in lists:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    source = resource.latest_version
    for n in range(6):
        version = editing.create_resource(
            call=call, author=bob, title=f"Carte {n}", content="x", derived_from=source
        )
        grow(version.resource, charlie, 2)
    for url, queries in lists:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
