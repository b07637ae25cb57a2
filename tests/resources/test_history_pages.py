"""History, version and diff pages, and restoring an old version from them."""

import pytest

from appel.models import Call
from resources import editing
from resources.models import ResourceVersion

from .conftest import BASE, SLUG, grow

PAGE = f"/calls/eau/resources/{SLUG}/"
HISTORY = f"{PAGE}history/"


def rows(response):
    return [version.number for version in response.context["page"]]


def test_it_lists_versions_newest_first_by_pages_of_fifty(resource, charlie, client):
    grow(resource, charlie, 59)  # 60 versions
    first = client.get(HISTORY)
    assert rows(first) == list(range(60, 10, -1))
    html = first.content.decode()
    assert "Page 1 of 2" in html and '?page=2" rel="next"' in html
    assert rows(client.get(HISTORY, {"page": 2})) == list(range(10, 0, -1))
    assert rows(client.get(HISTORY, {"page": 99})) == list(range(10, 0, -1))
    assert rows(client.get(HISTORY, {"page": "x"})) == rows(first)


def test_it_describes_each_version(resource, charlie, client):
    editing.edit_resource(
        resource=resource,
        author=charlie,
        content="Tout autre.\n",
        base_version=1,
        comment="refonte",
    )
    editing.restore_version(resource=resource, author=charlie, number=1)
    html = client.get(HISTORY).content.decode()
    for expected in ("refonte", "restored from version 1", "Charlie", "Bob"):
        assert expected in html
    assert '<th scope="col">' in html and "Pending review" in html
    assert f'{PAGE}versions/2/">2</a>' in html
    assert "(-" in html and "(+" in html  # size changes, signed
    assert 'name="from" value="2"' in html and 'name="to" value="3"' in html
    assert f'action="{PAGE}diff/"' in html


def test_it_marks_merged_versions(resource, bob, charlie, client):
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE.replace("Premier", "Un"), base_version=1
    )
    result = editing.edit_resource(
        resource=resource, author=bob, content=BASE.replace("Deuxième", "Second"), base_version=1
    )
    assert result.merged
    assert '<span class="mark">merged</span>' in client.get(HISTORY).content.decode()


def test_it_offers_restore_buttons_to_signed_in_visitors_of_open_calls(resource, charlie, client):
    grow(resource, charlie, 1)
    restore_1 = f"{PAGE}versions/1/restore/"
    assert restore_1 not in client.get(HISTORY).content.decode()
    client.force_login(charlie)
    html = client.get(HISTORY).content.decode()
    assert restore_1 in html and f"{PAGE}versions/2/restore/" not in html  # not the latest
    assert restore_1 in client.get(f"{PAGE}versions/1/").content.decode()


def test_it_restores_a_version_with_a_post(resource, charlie, client):
    grow(resource, charlie, 1)
    client.force_login(charlie)
    response = client.post(f"{PAGE}versions/1/restore/", follow=True)
    assert response.redirect_chain[-1][0] == f"{PAGE}versions/3/"
    assert "Version 1 restored as version 3." in response.content.decode()
    restored = ResourceVersion.objects.get(number=3)
    assert restored.content == BASE and restored.restored_from == 1
    again = client.post(f"{PAGE}versions/3/restore/", follow=True)
    assert "nothing to restore" in again.content.decode()
    assert ResourceVersion.objects.count() == 3


def test_it_guards_restoring(resource, charlie, client):
    grow(resource, charlie, 1)
    url = f"{PAGE}versions/1/restore/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client.post(url)["Location"].startswith("/accounts/login/")
    client.force_login(charlie)
    confirm = client.get(url).content.decode()  # a confirmation page, nothing restored yet
    assert "Restore version 1 of “Carte des puits”?" in confirm
    assert "A new version 3 is saved with the text of version 1" in confirm
    assert f'href="{HISTORY}"' in confirm
    assert client.put(url).status_code == 405
    assert ResourceVersion.objects.count() == 2
    assert client.post(f"{PAGE}versions/9/restore/").status_code == 404
    resource.call.status = Call.Status.ARCHIVED
    resource.call.save()
    assert "can be read but not changed" in client.post(url, follow=True).content.decode()
    assert ResourceVersion.objects.count() == 2


def test_it_shows_a_version_with_its_metadata_and_reviews(resource, charlie, rita, client):
    from contributions import reviewing

    grow(resource, charlie, 1)
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="comment", comment="*À revoir*"
    )
    html = client.get(f"{PAGE}versions/2/").content.decode()
    assert "<em>À revoir</em>" in html and "Rita" in html
    assert f"{PAGE}diff/?from=1&amp;to=2" in html
    assert "ajout 2" in html and "Charlie" in html
    old = client.get(f"{PAGE}versions/1/").content.decode()
    assert "This is an old version" in old and '<h1 id="carte">Carte</h1>' in old
    assert client.get(f"{PAGE}versions/3/").status_code == 404
    assert client.get(f"{PAGE}versions/99999999999999999999/").status_code == 404


def test_it_shows_a_word_diff_readable_without_colour(resource, charlie, client):
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE.replace("Premier", "Un"), base_version=1
    )
    html = client.get(f"{PAGE}diff/", {"from": 1, "to": 2}).content.decode()
    assert '<del><span class="visually-hidden">deleted: </span>Premier</del>' in html
    assert '<ins><span class="visually-hidden">inserted: </span>Un</ins>' in html
    assert "Legend:" in html and "Changes from version 1 to version 2" in html
    # Without numbers: the latest version against its parent.
    assert "Changes from version 1 to version 2" in client.get(f"{PAGE}diff/").content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"from": "x", "to": 1}, 400),
        ({"from": 1, "to": "-3"}, 400),
        ({"from": "1\x00", "to": 1}, 400),
        ({"from": 1, "to": 7}, 404),
        ({"from": 1, "to": 10**30}, 404),
    ],
)
def test_it_explains_bad_version_numbers_on_the_diff_page(resource, client, query, status):
    response = client.get(f"{PAGE}diff/", query)
    assert response.status_code == status
    if status == 400:
        assert "must be" in response.content.decode()


def test_it_lists_the_recent_changes_of_a_call(resource, call, bob, charlie, client):
    grow(resource, charlie, 1)
    editing.create_resource(call=call, author=bob, title="Autre commun", content="x")
    response = client.get("/calls/eau/changes/")
    listed = [(c.resource.slug, c.version.number) for c in response.context["page"]]
    assert listed == [("autre-commun", 1), (SLUG, 2), (SLUG, 1)]
    html = response.content.decode()
    assert "ajout 2" in html and "Autre commun" in html
    assert f"{PAGE}diff/?from=1&amp;to=2" in html
    assert client.get("/calls/inconnu/changes/").status_code == 404
