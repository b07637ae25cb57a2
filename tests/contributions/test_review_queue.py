"""The review queue of a call: the API list and the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions import reviewing
from resources import editing
from resources.models import Resource, ResourceVersion

from .conftest import TEXT, edit, review

pytestmark = pytest.mark.usefixtures("english")

URL = "/api/v1/calls/eau/reviews/pending"


def _create(call, author, title):
    return editing.create_resource(call=call, author=author, title=title, content=TEXT).resource


def _age(version, *, days):
    """Date a version back: the queue orders by when versions were saved.

    The resource keeps when it started waiting (`pending_since`, the
    creation of its first version after the stable one): moved back with it.
    """
    when = timezone.now() - timedelta(days=days)
    ResourceVersion.objects.filter(pk=version.pk).update(created_at=when)
    Resource.objects.filter(pk=version.resource_id, pending_since=version.created_at).update(
        pending_since=when
    )


@pytest.fixture
def queue(call, bob, charlie, rita):
    """Three resources waiting, one validated with nothing newer.

    - "Puits" (bob): v1 validated 9 days ago... then v2 by charlie 2 days ago, v3 by bob today.
    - "Sources" (charlie): new, v1 saved 5 days ago.
    - "Rivières" (bob): v1 pending, saved 1 day ago.
    - "Lacs" (bob): v1 validated, nothing after it: not waiting.
    """
    puits = _create(call, bob, "Puits")
    _age(puits.latest_version, days=9)
    review(puits.latest_version, rita)
    _age(edit(puits, charlie, TEXT + "\nAjout.\n"), days=2)
    edit(puits, bob, TEXT + "\nAjout, et un autre.\n")
    sources = _create(call, charlie, "Sources")
    _age(sources.latest_version, days=5)
    rivieres = _create(call, bob, "Rivières")
    _age(rivieres.latest_version, days=1)
    lacs = _create(call, bob, "Lacs")
    review(lacs.latest_version, rita)
    return puits, sources, rivieres, lacs


def test_it_lists_resources_waiting_the_longest_first(api, queue):
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["resource"]["slug"] for item in body["results"]] == [
        "sources",
        "puits",
        "rivieres",
    ]


def test_it_describes_each_waiting_resource(api, queue):
    puits = queue[0]
    puits.refresh_from_db()
    item = next(i for i in api.get(URL).json()["results"] if i["resource"]["slug"] == "puits")
    assert item["resource"] == {"slug": "puits", "title": "Puits"}
    assert item["latest_version"]["number"] == 3
    assert item["latest_version"]["author"] == "bob"
    assert item["latest_version"]["state"] == "pending"
    assert set(item["latest_version"]) >= {"created_at", "comment", "size", "delta"}
    assert item["stable_version"]["number"] == 1
    assert item["stable_version"]["state"] == "validated"
    # waiting since version 2, the first one after the stable version, not version 3
    v2 = puits.versions.get(number=2)
    assert item["waiting_since"][:19] == timezone.localtime(v2.created_at).isoformat()[:19]
    assert item["versions_waiting"] == 2
    assert item["size_change"] == puits.latest_version.size - puits.stable_version.size


def test_it_shows_a_new_resource_without_a_stable_version(api, queue):
    item = next(i for i in api.get(URL).json()["results"] if i["resource"]["slug"] == "sources")
    assert item["stable_version"] is None
    assert item["size_change"] == item["latest_version"]["size"]


def test_it_leaves_out_validated_resources_and_other_calls(api, queue, other_call, olga):
    _create(other_call, olga, "Vélos")
    slugs = [i["resource"]["slug"] for i in api.get(URL).json()["results"]]
    assert "lacs" not in slugs and "velos" not in slugs


def test_it_keeps_a_resource_whose_latest_version_had_changes_requested(api, queue, rita):
    review(queue[2].latest_version, rita, "request_changes")
    item = next(i for i in api.get(URL).json()["results"] if i["resource"]["slug"] == "rivieres")
    assert item["latest_version"]["state"] == "changes_requested"


def test_it_answers_404_for_an_unknown_call(api, db):
    assert api.get("/api/v1/calls/inconnu/reviews/pending").status_code == 404


def _fill(call, author, count):
    for n in range(count):
        resource = _create(call, author, f"Commun {n}")
        edit(resource, author, TEXT + f"\nAjout {n}.\n")


def test_it_costs_the_same_queries_for_2_and_10_resources(
    api, client, call, bob, django_assert_num_queries
):
    page = reverse("contributions:review-queue", args=["eau"])
    for count in (2, 10):
        _fill(call, bob, count - call.resources.count())
        with django_assert_num_queries(4):  # call, its roles, count, page
            assert api.get(URL).json()["count"] == count
        # The same, rendered, after the page's state (appel/conditional.py): a new
        # version renews it, and an anonymous reader then gets the cached page.
        with django_assert_num_queries(5):
            assert client.get(page).status_code == 200
        with django_assert_num_queries(1):
            assert client.get(page).status_code == 200


def test_the_page_lists_the_queue_with_links_to_review(client, queue):
    response = client.get(reverse("contributions:review-queue", args=["eau"]))
    assert response.status_code == 200
    html = response.content.decode()
    review_url = reverse("contributions:version-review", args=["eau", "puits", 3])
    assert review_url in html
    assert html.index("Sources") < html.index("Puits") < html.index("Rivières")
    assert "Lacs" not in html
    assert '<th scope="col">' in html


def test_the_queue_module_orders_by_waiting_time(queue):
    assert [r.slug for r in reviewing.review_queue(queue[0].call)] == [
        "sources",
        "puits",
        "rivieres",
    ]
