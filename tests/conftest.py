"""The fixed cast shared by every test folder.

alice is a funder and the steward of `call`; rita reviews `call`; bob and
charlie are plain contributors; victor reviews `other_call` (stewarded by
olga), so he is a reviewer but not of `call`.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appel.models import Call, Challenge, Membership, User
from appel.stewarding import launch_call, move_status, set_member
from resources import editing

PASSWORD = "correct horse battery staple"
RESOURCE_TEXT = "# Carte\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast is built for every test; the default hasher's slowness is for attackers only."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English sentences; the product's default stays French.

    Tests of the French interface send Accept-Language: fr or set
    LANGUAGE_CODE back to "fr" themselves.
    """
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _rate_limits_off(settings):
    """Tests that check rate limits turn them back on explicitly."""
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture
def limits_on(settings, monkeypatch):
    """Rate limits back on; set a scope's limit with `limits_on.setenv("RATE_LIMIT_X", "2/m")`.

    Counters start empty: the cache is emptied around every test (below).
    The limits' clock stands still, 30 s into a minute (and into 15 minutes,
    an hour): counted in fixed windows, a test's requests would otherwise
    fall into two windows whenever it runs across a minute's end.
    """
    from types import SimpleNamespace

    from appel import ratelimit

    settings.RATE_LIMITS_ENABLED = True
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    return monkeypatch


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and counters belong to one test."""
    cache.clear()
    yield
    cache.clear()


def make_user(username, *, funder=False):
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, display_name=username.title()
    )
    if funder:
        group, _ = Group.objects.get_or_create(name="funders")
        group.permissions.add(
            Permission.objects.get(codename="add_call", content_type__app_label="appel")
        )
        user.groups.add(group)
    return user


def make_call(steward, *, slug="eau", status=Call.Status.OPEN, approvals_required=1, **fields):
    """A call launched by `steward` (`launch_call`), then moved up to `status` (`move_status`)."""
    call = launch_call(
        call=Call(
            slug=slug,
            title=fields.pop("title", "Eau et territoires"),
            summary=fields.pop("summary", "Des communs pour l'eau."),
            description=fields.pop("description", "## Pourquoi\n\nParce que."),
            funder_name=fields.pop("funder_name", "Région"),
            budget_amount=fields.pop("budget_amount", "20000.00"),
            allowed_licenses=fields.pop(
                "allowed_licenses", ["CC-BY-4.0", "CC-BY-SA-4.0", "etalab-2.0"]
            ),
            default_license=fields.pop("default_license", "etalab-2.0"),
            approvals_required=approvals_required,
            **fields,
        ),
        funder=steward,
    )
    while call.status != status:
        move_status(call=call, to=call.next_status, actor=steward)
    return call


@pytest.fixture
def alice(db):
    return make_user("alice", funder=True)


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


@pytest.fixture
def rita(db):
    return make_user("rita")


@pytest.fixture
def olga(db):
    return make_user("olga", funder=True)


@pytest.fixture
def victor(db):
    return make_user("victor")


@pytest.fixture
def call(alice, rita):
    call = make_call(alice)
    set_member(call=call, user=rita, role=Membership.Role.REVIEWER, actor=alice)
    Challenge.objects.create(
        call=call, slug="nappes", title="Nappes phréatiques", description="Les nappes."
    )
    return call


@pytest.fixture
def other_call(olga, victor):
    call = make_call(olga, slug="mobilite", title="Mobilités douces")
    set_member(call=call, user=victor, role=Membership.Role.REVIEWER, actor=olga)
    return call


@pytest.fixture
def resource_fields():
    """What `resource` is made of; a test folder overrides it to suit its pages."""
    return {"title": "Carte des puits", "content": RESOURCE_TEXT}


@pytest.fixture
def resource(call, bob, resource_fields):
    """Version 1 of a resource by bob in `call`, answering the défi "nappes".

    A folder that needs more history extends it (`def resource(resource, ...)`).
    """
    return make_resource(call, bob, **resource_fields)


def select_at_cutoff(resource, *, steward, amount, published=True, **cutoff):
    """`resource`'s stable version selected with `amount` at a new cut-off (published by default).

    `cutoff` may give its `title`, `date` and the decision's `answer`.
    """
    import datetime

    from appel.stewarding import add_cutoff
    from contributions import deciding

    answer = cutoff.pop("answer", "Retenu.")
    cutoff = add_cutoff(
        call=resource.call,
        title=cutoff.get("title", "Relevé"),
        date=cutoff.get("date", datetime.date(2026, 6, 1)),
        actor=steward,
    )
    deciding.record_decision(
        cutoff=cutoff,
        resource=resource,
        version=resource.stable_version,
        decision="selected",
        answer=answer,
        amount=amount,
        actor=steward,
    )
    if published:
        deciding.publish_cutoff(cutoff=cutoff, actor=steward)
    return cutoff


def make_resource(call, author, *, challenge="nappes", **fields):
    """A new resource through `editing.create_resource`, answering the défi `challenge`."""
    if challenge is not None:
        challenge = call.challenges.get(slug=challenge)
    return editing.create_resource(call=call, author=author, challenge=challenge, **fields).resource


@pytest.fixture
def api():
    return APIClient()


def web_client(user):
    """A browser's client, logged in as `user` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def client_for(user):
    """An API client authenticated with the user's token, as outside tools are."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
