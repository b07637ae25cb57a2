"""The resource page's cached parts are never stale: whatever they show changes at once.

Each test first visits the page, so that its parts are in the cache, then
changes one thing the page shows, and reads the page again.
"""

import pytest
from django.core.cache import cache

from appel.models import Call
from contributions import reviewing
from resources import editing, pagecache

from .conftest import BASE, SLUG, grow

PAGE = f"/calls/eau/resources/{SLUG}/"


@pytest.fixture
def cached(resource, client, django_assert_num_queries):
    """The page visited once: a second visit costs one query, the parts are cached."""
    assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(1):
        page = client.get(PAGE).content.decode()
    return page


def test_a_new_version_shows_at_once(cached, resource, charlie, client):
    grow(resource, charlie, 1)
    page = client.get(PAGE).content.decode()
    assert "Ajout 2." in page and "Ajout 2." not in cached
    assert "Version 2, last modified by Charlie" in page


def test_a_validation_moves_the_page_to_the_stable_version(cached, resource, rita, client):
    assert "Not yet reviewed" in cached
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    page = client.get(PAGE).content.decode()
    assert "Not yet reviewed" not in page and "Stable" in page


def test_a_review_state_alone_changes_the_badge(cached, resource, rita, client):
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="request_changes", comment="Why?"
    )
    assert "Changes requested" not in cached
    assert "Changes requested" in client.get(PAGE).content.decode()


def test_a_renamed_author_shows_under_the_new_name(cached, bob, client):
    assert "Bob" in cached
    bob.display_name = "Robert Dupuis"
    bob.save()
    page = client.get(PAGE).content.decode()
    assert "Robert Dupuis" in page


def test_a_renamed_challenge_and_call_show_at_once(cached, call, client):
    challenge = call.challenges.get()
    challenge.title = "Eaux souterraines"
    challenge.save()
    call.title = "Eau partagée"
    call.save()
    page = client.get(PAGE).content.decode()
    assert "Eaux souterraines" in page and "Eau partagée" in page


def test_a_closed_call_hides_the_edit_button(cached, call, client):
    assert "/edit/" in cached
    call.status = Call.Status.CLOSED
    call.save(update_fields=["status"])
    page = client.get(PAGE).content.decode()
    assert "/edit/" not in page and "Read-only:" in page


def test_each_language_gets_its_own_parts(cached, client):
    french = client.get(PAGE, headers={"accept-language": "fr"}).content.decode()
    assert "Historique" in french and "Historique" not in cached
    assert "History" in client.get(PAGE).content.decode()


def test_signing_in_keeps_the_parts_and_the_header_is_the_readers_own(
    cached, bob, client, django_assert_num_queries
):
    client.force_login(bob)  # saves bob's last_login: not a name, the parts stay
    # the session, the user, the page's state, the reader's place in the commun (join, watch)
    with django_assert_num_queries(4):
        page = client.get(PAGE).content.decode()
    assert "Log out" in page and "Log out" not in cached
    client.logout()
    assert "Log out" not in client.get(PAGE).content.decode()


def test_a_restored_text_is_shown_not_the_cached_one(cached, resource, charlie, client):
    grow(resource, charlie, 1)
    assert "Ajout 2." in client.get(PAGE).content.decode()
    editing.restore_version(resource=resource, number=1, author=charlie)
    page = client.get(PAGE).content.decode()
    assert "Ajout 2." not in page and BASE.splitlines()[2] in page


@pytest.fixture
def redis_cache(settings):
    """The shared cache of a production deployment (REDIS_URL), when a Redis server answers."""
    import redis

    url = "redis://127.0.0.1:6379/7"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "appel.cache.RedisCache", "LOCATION": url}}
    cache.clear()
    yield
    cache.clear()


def test_the_parts_stay_fresh_in_a_shared_redis_cache(redis_cache, resource, bob, charlie, client):
    assert client.get(PAGE).status_code == 200
    assert cache.get(pagecache.GENERATION_KEY) is not None  # the parts went to Redis
    grow(resource, charlie, 1)
    bob.display_name = "Robert Dupuis"
    bob.save()
    page = client.get(PAGE).content.decode()
    assert "Ajout 2." in page and "Robert Dupuis" in page


def test_an_anonymous_page_comes_whole_from_redis_with_one_client(
    redis_cache, resource, charlie, django_assert_num_queries
):
    from django.test import Client

    first = Client().get(PAGE).content.decode()
    with django_assert_num_queries(1):  # its state; the page itself comes from Redis
        assert (
            Client().get(PAGE).content.decode().split("csrfmiddlewaretoken")[0]
            == (first.split("csrfmiddlewaretoken")[0])
        )
    # One redis-py client for every operation, not a new one each time (appel/cache.py).
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    grow(resource, charlie, 1)
    assert "Ajout 2." in Client().get(PAGE).content.decode()


def test_a_derived_resource_names_its_source_version_which_never_changes(
    resource, call, charlie, client
):
    source = resource.latest_version
    derived = editing.create_resource(
        call=call, author=charlie, title="Puits du sud", content=BASE, derived_from=source
    ).resource
    page = f"/calls/eau/resources/{derived.slug}/"
    assert "“Carte des puits”, version 1" in client.get(page).content.decode()
    editing.edit_resource(
        resource=resource, author=charlie, title="Carte renommée", content=BASE, base_version=1
    )
    cache.clear()  # whenever the derived page is rendered again
    assert "“Carte des puits”, version 1" in client.get(page).content.decode()
