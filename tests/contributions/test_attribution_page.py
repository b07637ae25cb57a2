"""The attribution page, "who wrote this", and the credit panel of the resource page."""

import re

import pytest

from appel.models import Call
from resources import editing

from .conftest import TEXT, append, edit, review

BASE = "/calls/eau/resources/carte-des-puits/"


@pytest.fixture
def derived(resource, other_call, victor):
    """victor's "Puits mobiles" in the other call, derived from bob's version 1."""
    return editing.create_resource(
        call=other_call,
        author=victor,
        title="Puits mobiles",
        slug="puits-mobiles",
        content=TEXT,
        license="CC-BY-4.0",
        derived_from=resource.latest_version,
    ).resource


# Attribution page


def test_it_shows_contributors_reviewers_and_the_credit_line(client, resource, charlie, rita):
    append(resource, charlie, "Un ajout de charlie.")
    resource.refresh_from_db()
    review(resource.latest_version, rita)

    page = client.get(BASE + "attribution/")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<textarea id="credit-line"' in html
    assert "« Carte des puits », Bob, Charlie — http://testserver/calls/eau/resources/" in html
    rows = re.findall(r'<th scope="row"><a href="/users/(\w+)/">', html)
    assert rows == ["bob", "charlie"]
    assert "66.7\u00a0%" in html and "33.3\u00a0%" in html
    assert "Rita" in html and "approved 1 version" in html
    assert 'rel="license" href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in html


def test_it_shows_the_source_of_a_derived_resource(client, derived):
    html = client.get("/calls/mobilite/resources/puits-mobiles/attribution/").content.decode()
    assert "Derived from" in html
    assert 'href="/calls/eau/resources/carte-des-puits/versions/1/"' in html
    assert "Its authors: Bob (100.0\u00a0%)" in html


def test_it_answers_404_for_unknown_versions_and_hidden_calls(client, resource):
    assert client.get(BASE + "attribution/", {"version": "5"}).status_code == 404
    assert client.get(BASE + "attribution/", {"version": "x"}).status_code == 404
    resource.call.status = Call.Status.DRAFT
    resource.call.save()
    assert client.get(BASE + "attribution/").status_code == 404


def test_it_refuses_posts(client, resource):
    assert client.post(BASE + "attribution/").status_code == 405


def test_the_attribution_page_costs_a_constant_number_of_queries(
    client, resource, bob, charlie, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(5):  # its state (ETag), resource, edits, approvals, users
            assert client.get(BASE + "attribution/").status_code == 200

    count()
    for n in range(6):
        append(resource, bob if n % 2 else charlie, f"Mot {n}")
    count()


# Who wrote this


def test_it_labels_each_passage_with_its_author(client, call, bob, charlie):
    resource = editing.create_resource(
        call=call, author=bob, title="Mots", slug="mots", content="un deux trois quatre"
    ).resource
    edit(resource, charlie, "un deux <b>cinq</b> six quatre")

    page = client.get("/calls/eau/resources/mots/versions/2/authors/")

    assert page.status_code == 200
    html = page.content.decode()
    passages = re.findall(
        r'<span class="passage author-(\d)" title="(\w+)" data-author="\d">'
        r'<sup class="author-mark">\[\d<span class="visually-hidden"> (\w+)</span>\]</sup>'
        r"(.*?)</span>",
        html,
    )
    assert passages == [
        ("1", "Bob", "Bob", "un deux "),
        ("2", "Charlie", "Charlie", "&lt;b&gt;cinq&lt;/b&gt; six "),
        ("1", "Bob", "Bob", "quatre"),
    ]
    legend = re.findall(r'<li class="author-(\d)">.*?\n\s+(\w+) <span class="meta">', html)
    assert legend == [("1", "Bob"), ("2", "Charlie")]
    assert "<b>cinq</b>" not in html


def test_it_answers_404_for_an_unknown_version(client, resource):
    assert client.get(BASE + "versions/3/authors/").status_code == 404


def test_who_wrote_this_costs_a_constant_number_of_queries(
    client, resource, bob, charlie, django_assert_num_queries
):
    def count(number):
        # its state (ETag), resource, version, its text, edits, approvals, users
        with django_assert_num_queries(7):
            response = client.get(f"{BASE}versions/{number}/authors/")
            assert response.status_code == 200

    count(1)
    for n in range(6):
        append(resource, bob if n % 2 else charlie, f"Mot {n}")
    count(7)


# The panel on the resource page


def test_the_panel_shows_license_authors_and_reuse_links(client, resource, charlie):
    append(resource, charlie, "Un ajout de charlie.")
    html = client.get(BASE).content.decode()
    panel = html[html.index('<section class="card credit-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert 'class="badge badge-license" rel="license"' in panel
    assert ">etalab-2.0</a>" in panel
    assert 'Bob <span class="meta">66.7\u00a0%</span>' in panel
    assert 'Charlie <span class="meta">33.3\u00a0%</span>' in panel
    for url in [
        BASE + "attribution/",
        BASE + "versions/2/authors/",
        BASE + "cite.cff",
        BASE + "cite.bib",
        BASE + "export/?format=md",
        BASE + "export/?format=html",
        BASE + "export/?format=json",
        BASE + "derive/",
    ]:
        assert f'href="{url}"' in panel, url


def test_the_panel_names_the_source_of_a_derived_resource(client, derived):
    html = client.get("/calls/mobilite/resources/puits-mobiles/").content.decode()
    assert 'href="/calls/eau/resources/carte-des-puits/versions/1/">« Carte des puits »</a>' in html


def test_the_panel_adds_the_same_queries_whatever_the_history(
    client, resource, bob, charlie, rita, django_assert_num_queries
):
    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE).status_code == 200
        return len(captured)

    first = queries()
    for n in range(8):
        append(resource, bob if n % 2 else charlie, f"Mot {n}")
    resource.refresh_from_db()
    review(resource.latest_version, rita)
    assert queries() == first
