"""Every named URL of the project, answered as one table says, for every role.

The table is the access policy in one place. The meta-test walks the URL
configuration itself: a new view without a row here fails the suite, so no
page or endpoint ships without someone deciding who may use it.

Each request runs in a savepoint rolled back afterwards, so a steward's
POST does not change what the next role sees.
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from appel.models import Call, Cutoff
from resources.models import Resource
from tests.conftest import web_client

from .conftest import ROLES, api_client

# Namespaces and names that are not ours to police (Django's admin has its own
# permission system and tests; i18n switches the language; the schema is public).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language", "api:schema"}

ANON, CONTRIB, AUTHOR, REVIEWER, O_REVIEWER, STEWARD, O_STEWARD, ADMIN = ROLES


# Where anonymous visitors are redirected somewhere else than the login page.
REDIRECTS_ANYONE = {"logout"}


def every(code):
    return dict.fromkeys(ROLES, code)


def rule(default, **codes):
    """`default` for every role but those named (`anonymous=302, steward=200`)."""
    unknown = set(codes) - set(ROLES)
    assert not unknown, unknown
    return {**every(default), **codes}


# Who is what: logged-in -> default; anonymous -> login redirect.
LOGGED_IN_ONLY = rule(200, anonymous=302)
STEWARDS_PAGE = rule(403, anonymous=302, steward=200)
STEWARDS_POST = rule(403, anonymous=302, steward=302)
MEMBERS_PAGE = rule(403, anonymous=302, reviewer=200, steward=200)
FUNDERS_PAGE = rule(403, anonymous=302, steward=200, other_steward=200, admin=200)
CALL = {"slug": "eau"}
RES = {"call_slug": "eau", "resource_slug": "guide"}
V1 = {**RES, "number": 1}
FILE = {**RES, "name": "plan.png"}
V2 = {**RES, "number": 2}
# The API's URLs name them as API.md does.
API_RES = {"call": "eau", "resource": "guide"}
API_FILE = {**API_RES, "name": "plan.png"}
API_V1 = {**API_RES, "number": 1}
API_V2 = {**API_RES, "number": 2}
REVIEW = {"verdict": "comment", "comment": "Clair et utile."}
# The call's one cut-off date (unpublished), made by the `roles` fixture; its id
# is read when the request is built (sequences differ between databases): `url_of`.
CUTOFF = {"call_slug": "eau", "cutoff": "<cutoff>"}
API_CUTOFF = {"call": "eau", "cutoff": "<cutoff>"}
NEW_CUTOFF = {"title": "Relevé de septembre", "date": "2026-09-29"}


def _thread_id(title):
    from contributions.models import Thread

    return Thread.objects.get(title=title).pk


def _post_id(title):
    from contributions.models import Post

    return Post.objects.filter(thread__title=title).order_by("pk").first().pk


def _funder_id():
    from contributions.models import Funder

    return Funder.objects.get_or_create(
        call=Call.objects.get(slug="eau"), name="ADEME", defaults={"budget_amount": 50000}
    )[0].pk


def _milestone_id():
    from contributions.models import Milestone

    resource = Resource.objects.get(call__slug="eau", slug="guide")
    return Milestone.objects.get_or_create(
        resource=resource,
        title="Prototype",
        defaults={"due_date": "2026-09-01", "amount": 100, "created_by": resource.created_by},
    )[0].pk


def _ledger_entry_id():
    """A grant written straight in the table (each request's savepoint rolls it back)."""
    from contributions.models import LedgerEntry

    resource = Resource.objects.get(call__slug="eau", slug="guide")
    return LedgerEntry.objects.create(
        call=resource.call,
        kind="grant",
        counts_as="grant",
        resource=resource,
        amount=1000,
        currency="EUR",
        created_by=resource.call.created_by,
    ).pk


# Rows made at request time (each request's savepoint rolls them back).
FUNDER = {"call_slug": "eau", "funder": _funder_id}
MILESTONE = {**RES, "milestone": _milestone_id}


# Threads exist once the `roles` fixture ran: their ids are looked up at request time.
R_THREAD = {**RES, "thread": lambda: _thread_id("Sur le guide")}
C_THREAD = {"call_slug": "eau", "thread": lambda: _thread_id("Au forum")}
R_POST = {**R_THREAD, "post": lambda: _post_id("Sur le guide")}
C_POST = {**C_THREAD, "post": lambda: _post_id("Au forum")}
# The API names the URL's parts as API.md does.
API_R_THREAD = {**API_RES, "thread": R_THREAD["thread"]}
API_C_THREAD = {"call": "eau", "thread": C_THREAD["thread"]}
API_R_POST = {**API_R_THREAD, "post": R_POST["post"]}
API_C_POST = {**API_C_THREAD, "post": C_POST["post"]}
NEW_THREAD = {"title": "Une idée", "body": "Et si @bob relisait ?"}
POST_ONLY = rule(405)
# Only the thread's author (bob) and the call's stewards resolve it.
RESOLVERS = rule(403, anonymous=302, author=302, steward=302)
AUTHOR_ONLY_PAGE = rule(403, anonymous=302, author=200)
STEWARDS_ONLY_POST = rule(403, anonymous=302, steward=302)
API_SIGNED_IN = rule(200, anonymous=401)


def _people_pages(prefix, kwargs, thread, post):
    return {
        f"contributions:{prefix}-threads": {"kwargs": kwargs, "get": every(200)},
        f"contributions:{prefix}-thread-create": {
            "kwargs": kwargs,
            "get": LOGGED_IN_ONLY,
            "post": rule(302),
            "post_data": NEW_THREAD,
        },
        f"contributions:{prefix}-thread": {
            "kwargs": thread,
            "get": every(200),
            "post": rule(302),
            "post_data": {"body": "Merci !"},
        },
        f"contributions:{prefix}-thread-resolve": {
            "kwargs": thread,
            "get": POST_ONLY,
            "post": RESOLVERS,
            "post_data": {"resolved": "1"},
        },
        f"contributions:{prefix}-post-edit": {"kwargs": post, "get": AUTHOR_ONLY_PAGE},
        f"contributions:{prefix}-post-hide": {
            "kwargs": post,
            "get": POST_ONLY,
            "post": STEWARDS_ONLY_POST,
            "post_data": {"reason": "Hors sujet"},
        },
        f"contributions:{prefix}-watch": {
            "kwargs": kwargs,
            "get": POST_ONLY,
            "post": rule(302),
            "post_data": {"watch": "1"},
        },
    }


def _people_api(prefix, kwargs, thread, post):
    return {
        f"api:{prefix}-threads": {
            "kwargs": kwargs,
            "get": every(200),
            "post": rule(201, anonymous=401),
            "post_data": NEW_THREAD,
        },
        f"api:{prefix}-thread": {
            "kwargs": thread,
            "get": every(200),
            "patch": rule(403, anonymous=401, author=200, steward=200),
            "patch_data": {"resolved": True},
        },
        f"api:{prefix}-thread-posts": {
            "kwargs": thread,
            "get": rule(405, anonymous=401),
            "post": rule(201, anonymous=401),
            "post_data": {"body": "Merci @bob !"},
        },
        f"api:{prefix}-post-hide": {
            "kwargs": post,
            "get": rule(405, anonymous=401),
            "post": rule(403, anonymous=401, steward=200),
            "post_data": {"reason": "Hors sujet"},
        },
        f"api:{prefix}-watch": {
            "kwargs": kwargs,
            "get": rule(405, anonymous=401),
            "put": rule(204, anonymous=401),
            "delete": rule(204, anonymous=401),
        },
    }


# name -> {"kwargs", optional "query", and one expectation per method:
#          "get", "post", "put", "patch", "delete" -> {role: status}; "post_data" the body}
TABLE = {
    # Calls and accounts (pages)
    "appel:home": {"kwargs": {}, "get": every(200)},
    "appel:call-create": {"kwargs": {}, "get": FUNDERS_PAGE},
    "appel:call-detail": {"kwargs": CALL, "get": every(200)},
    "appel:call-edit": {"kwargs": CALL, "get": STEWARDS_PAGE},
    "appel:call-status": {
        "kwargs": CALL,
        "get": STEWARDS_PAGE,  # the confirmation page
        "post": STEWARDS_POST,
    },
    "appel:challenge-create": {"kwargs": CALL, "get": STEWARDS_PAGE},
    "appel:challenge-detail": {"kwargs": {**CALL, "challenge": "nappes"}, "get": every(200)},
    "appel:challenge-edit": {"kwargs": {**CALL, "challenge": "nappes"}, "get": STEWARDS_PAGE},
    "appel:call-members": {"kwargs": CALL, "get": STEWARDS_PAGE},
    "appel:call-audit": {"kwargs": CALL, "get": STEWARDS_PAGE},
    "appel:member-remove": {
        "kwargs": {**CALL, "username": "rita"},
        "get": STEWARDS_PAGE,  # the confirmation page
        "post": STEWARDS_POST,
    },
    "appel:member-search": {"kwargs": {**CALL}, "query": "?q=bo", "get": STEWARDS_PAGE},
    "appel:invitation": {"kwargs": {"token": "forged"}, "get": every(404), "post": every(404)},
    "appel:user-funder": {
        "kwargs": {"username": "bob"},
        "get": rule(405, anonymous=302),
        "post": rule(403, anonymous=302, admin=302),
        "post_data": {"funder": "1"},
    },
    "appel:signup": {"kwargs": {}, "get": rule(302, anonymous=200)},
    "appel:profile": {"kwargs": {}, "get": LOGGED_IN_ONLY},
    # Ends only one's own sessions: another's number is "already ended".
    "appel:session-end": {
        "kwargs": {"pk": 1},
        "get": rule(405, anonymous=302),
        "post": rule(302),
    },
    "appel:user-detail": {"kwargs": {"username": "bob"}, "get": every(200)},
    # Recent changes and the Atom feeds: public, read as anonymous (draft calls: 404 for all).
    "contributions:changes": {"kwargs": {}, "get": every(200), "post": every(405)},
    "contributions:call-changes": {"kwargs": {"call_slug": "eau"}, "get": every(200)},
    "contributions:call-feed": {"kwargs": {"call_slug": "eau"}, "get": every(200)},
    "contributions:resource-feed": {"kwargs": RES, "get": every(200)},
    "contributions:challenge-feed": {
        "kwargs": {"call_slug": "eau", "challenge": "nappes"},
        "get": every(200),
    },
    "contributions:user-feed": {"kwargs": {"username": "bob"}, "get": every(200)},
    "appel:site-page": {"kwargs": {"key": "donnees-personnelles"}, "get": every(200)},
    "appel:sign-out-everywhere": {
        "kwargs": {},
        "get": rule(405, anonymous=302),
        "post": every(302),
    },
    "login": {"kwargs": {}, "get": every(200)},
    "logout": {"kwargs": {}, "get": every(405), "post": every(302)},
    "password_change": {"kwargs": {}, "get": LOGGED_IN_ONLY},
    "password_change_done": {"kwargs": {}, "get": LOGGED_IN_ONLY},
    "password_reset": {"kwargs": {}, "get": every(200)},
    "password_reset_done": {"kwargs": {}, "get": every(200)},
    "password_reset_confirm": {"kwargs": {"uidb64": "Mg", "token": "bad-token"}, "get": every(200)},
    "password_reset_complete": {"kwargs": {}, "get": every(200)},
    # Resources (pages)
    "resources:resource-list": {"kwargs": {"call_slug": "eau"}, "get": every(200)},
    "resources:resource-create": {"kwargs": {"call_slug": "eau"}, "get": LOGGED_IN_ONLY},
    "resources:resource-detail": {"kwargs": RES, "get": every(200)},
    "resources:resource-edit": {"kwargs": RES, "get": LOGGED_IN_ONLY},
    "resources:resource-history": {"kwargs": RES, "get": every(200)},
    "resources:version-detail": {"kwargs": V1, "get": every(200)},
    "resources:version-restore": {
        "kwargs": V1,
        "get": LOGGED_IN_ONLY,  # the confirmation page
        "post": every(302),
    },
    "resources:resource-diff": {"kwargs": RES, "query": "?from=1&to=2", "get": every(200)},
    "resources:markdown-preview": {
        "kwargs": {},
        "get": every(405),
        "post": rule(200, anonymous=403),
        "post_data": {"content": "*hello*"},
    },
    "resources:search": {"kwargs": {}, "query": "?q=guide", "get": every(200)},
    "resources:file-list": {"kwargs": RES, "get": every(200)},
    "resources:file-download": {"kwargs": FILE, "get": every(200)},
    "resources:file-thumbnail": {"kwargs": FILE, "get": every(200)},
    # Reviews, credits, exports (pages)
    "contributions:review-queue": {"kwargs": {"call_slug": "eau"}, "get": every(200)},
    "contributions:version-review": {
        "kwargs": V2,
        "get": every(200),
        # Only the call's reviewers and stewards, and never on one's own edits.
        "post": rule(403, anonymous=302, reviewer=302, steward=302),
        "post_data": REVIEW,
    },
    "contributions:resource-attribution": {"kwargs": RES, "get": every(200)},
    "contributions:version-authors": {"kwargs": V2, "get": every(200)},
    "contributions:resource-export": {"kwargs": RES, "query": "?format=md", "get": every(200)},
    "contributions:resource-cite-cff": {"kwargs": RES, "get": every(200)},
    "contributions:resource-cite-bib": {"kwargs": RES, "get": every(200)},
    "contributions:resource-derive": {"kwargs": RES, "get": LOGGED_IN_ONLY},
    "contributions:call-export": {"kwargs": {"call_slug": "eau"}, "get": every(200)},
    "contributions:call-retribution": {
        "kwargs": {"call_slug": "eau"},
        # Unpublished: the stewards' alone.
        "get": rule(403, steward=200),
        "post": rule(403, anonymous=302, steward=302),
        "post_data": {"action": "publish"},
    },
    # A commun's split and its recording: the stewards' alone ("guide" has no validated
    # version here, so a steward's weight or recording is refused as bad input).
    "contributions:commun-retribution": {
        "kwargs": RES,
        "get": STEWARDS_PAGE,
        "post": rule(403, anonymous=302, steward=400),
        "post_data": {"user": "bob", "weight": "2", "reason": "Les cartes."},
    },
    "contributions:commun-split-record": {
        "kwargs": RES,
        "get": STEWARDS_PAGE,
        "post": rule(403, anonymous=302, steward=400),
    },
    # People: teams, discussion, watching, notifications (pages)
    "resources:resource-join": {"kwargs": RES, "get": POST_ONLY, "post": rule(302)},
    "resources:resource-team": {"kwargs": RES, "get": every(200)},
    "resources:resource-merge": {
        "kwargs": RES,
        "get": rule(403, anonymous=302, steward=200),
        # "guide" is the call's only commun: nothing to merge into (said on the page).
        "post": rule(403, anonymous=302, steward=400),
        "post_data": {"into": "guide"},
    },
    "resources:resource-challenges": {
        "kwargs": RES,
        "get": rule(403, anonymous=302, author=200, steward=200),
        "post": rule(403, anonymous=302, author=302, steward=302),
        "post_data": {"challenges": ["nappes"]},
    },
    **_people_pages("call", {"call_slug": "eau"}, C_THREAD, C_POST),
    **_people_pages("resource", RES, R_THREAD, R_POST),
    "contributions:notifications": {"kwargs": {}, "get": LOGGED_IN_ONLY},
    "contributions:notifications-read": {"kwargs": {}, "get": POST_ONLY, "post": rule(302)},
    "contributions:preferences": {
        "kwargs": {},
        "get": POST_ONLY,
        "post": rule(302),
        "post_data": {"email_notifications": "never"},
    },
    # A forged or cut link: refused, for everyone alike.
    "contributions:unsubscribe": {
        "kwargs": {"token": "forged"},
        "get": every(400),
        "post": every(400),
    },
    "contributions:cutoff-list": {
        "kwargs": {"call_slug": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=302, steward=302),
        "post_data": NEW_CUTOFF,
    },
    "contributions:cutoff-detail": {
        "kwargs": CUTOFF,
        "get": every(200),
        "post": rule(403, anonymous=302, steward=400),
    },
    "contributions:cutoff-publish": {
        "kwargs": CUTOFF,
        "get": STEWARDS_PAGE,
        "post": STEWARDS_POST,
    },
    "contributions:call-dashboard": {"kwargs": {"call_slug": "eau"}, "get": MEMBERS_PAGE},
    "contributions:dashboard-csv": {
        "kwargs": {"call_slug": "eau", "table": "weekly"},
        "get": MEMBERS_PAGE,
    },
    # Money: who funds what, milestones, the ledger (empty: the stewards' alone)
    "contributions:call-funders": {
        "kwargs": {"call_slug": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=302, steward=400),
    },
    "contributions:funder-edit": {
        "kwargs": FUNDER,
        "get": STEWARDS_PAGE,
        "post": rule(403, anonymous=302, steward=400),
    },
    "contributions:resource-milestones": {
        "kwargs": RES,
        "get": every(200),
        "post": rule(403, anonymous=302, steward=400),
    },
    "contributions:milestone-meet": {
        "kwargs": MILESTONE,
        "get": every(405),
        # Without a version: back to the milestones with a message.
        "post": STEWARDS_POST,
    },
    "contributions:call-ledger": {"kwargs": {"call_slug": "eau"}, "get": rule(403, steward=200)},
    "contributions:call-ledger-csv": {
        "kwargs": {"call_slug": "eau"},
        "get": rule(403, steward=200),
    },
    # A person's own data
    "contributions:account-data": {"kwargs": {}, "get": LOGGED_IN_ONLY},
    "contributions:account-delete": {
        "kwargs": {},
        "get": LOGGED_IN_ONLY,
        # Without a choice and a password: the form again, nothing deleted.
        "post": LOGGED_IN_ONLY,
    },
    # API: accounts
    "api:register": {"kwargs": {}, "get": every(405), "post": every(400)},
    "api:token": {"kwargs": {}, "get": every(405), "post": every(400)},
    "api:token-revoke": {
        "kwargs": {},
        "get": rule(405, anonymous=401),
        "post": rule(204, anonymous=401),
    },
    "api:me": {"kwargs": {}, "get": rule(200, anonymous=401)},
    # API: calls, members, challenges
    "api:call-list": {
        "kwargs": {},
        "get": every(200),
        "post": rule(403, anonymous=401, steward=400, other_steward=400, admin=400),
    },
    "api:call-detail": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "patch": rule(403, anonymous=401, steward=200),
    },
    "api:member-list": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=401, steward=400),
    },
    "api:member-detail": {
        "kwargs": {"call": "eau", "username": "rita"},
        "get": every(405),
        "delete": rule(403, anonymous=401, steward=204),
    },
    "api:challenge-list": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=401, steward=400),
    },
    "api:challenge-detail": {
        "kwargs": {"call": "eau", "challenge": "nappes"},
        "get": every(200),
        "patch": rule(403, anonymous=401, steward=200),
    },
    # API: resources and versions
    "api:resource-list": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "post": rule(400, anonymous=401),
    },
    "api:resource-detail": {
        "kwargs": API_RES,
        "get": every(200),
        # Its défis: its leads (bob created it) and the call's stewards.
        "patch": rule(403, anonymous=401, author=200, steward=200),
        "patch_data": {"challenges": ["nappes"]},
    },
    "api:resource-merge": {
        "kwargs": API_RES,
        "get": rule(405, anonymous=401),
        # Into itself: refused with a sentence.
        "post": rule(403, anonymous=401, steward=400),
        "post_data": {"into": "guide"},
    },
    "api:similar-resources": {
        "kwargs": {"call": "eau"},
        "query": "?title=guide",
        "get": every(200),
    },
    "api:version-list": {"kwargs": API_RES, "get": every(200), "post": rule(400, anonymous=401)},
    "api:version-detail": {"kwargs": API_V1, "get": every(200)},
    "api:version-restore": {
        "kwargs": API_V1,
        "get": rule(405, anonymous=401),
        "post": rule(201, anonymous=401),
    },
    "api:resource-diff": {"kwargs": API_RES, "query": "?from=1&to=2", "get": every(200)},
    "api:file-list": {"kwargs": API_RES, "get": every(200), "post": rule(400, anonymous=401)},
    "api:file-detail": {"kwargs": API_FILE, "get": every(200)},
    "api:call-changes": {"kwargs": {"call": "eau"}, "get": every(200)},
    "api:changes": {"kwargs": {}, "get": every(200), "post": every(405)},
    "api:user-detail": {"kwargs": {"username": "bob"}, "get": every(200)},
    "api:user-contributions": {"kwargs": {"username": "bob"}, "get": every(200)},
    "api:search": {"kwargs": {}, "query": "?q=guide", "get": every(200)},
    # API: reviews, credits, exports
    "api:review-queue": {"kwargs": {"call": "eau"}, "get": every(200)},
    "api:version-reviews": {
        "kwargs": API_V2,
        "get": every(200),
        "post": rule(403, anonymous=401, reviewer=201, steward=201),
        "post_data": REVIEW,
    },
    "api:resource-attribution": {"kwargs": API_RES, "get": every(200)},
    "api:resource-export": {"kwargs": API_RES, "query": "?format=json", "get": every(200)},
    "api:call-export": {"kwargs": {"call": "eau"}, "get": every(200)},
    # API: people
    "api:resource-participants": {
        "kwargs": API_RES,
        "get": every(200),
        # bob created "guide": he is in already (200), and its last lead (409 to leave).
        "post": rule(201, anonymous=401, author=200),
        "delete": rule(204, anonymous=401, author=409),
    },
    **_people_api("call", {"call": "eau"}, API_C_THREAD, API_C_POST),
    **_people_api("resource", API_RES, API_R_THREAD, API_R_POST),
    "api:my-notifications": {"kwargs": {}, "get": API_SIGNED_IN},
    "api:my-notifications-read": {
        "kwargs": {},
        "get": rule(405, anonymous=401),
        "post": rule(204, anonymous=401),
    },
    "api:my-preferences": {
        "kwargs": {},
        "get": API_SIGNED_IN,
        "patch": rule(200, anonymous=401),
        "patch_data": {"email_notifications": "never"},
    },
    "api:cutoff-list": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=401, steward=201),
        "post_data": NEW_CUTOFF,
    },
    "api:cutoff-decisions": {
        "kwargs": API_CUTOFF,
        # Unpublished: the stewards' alone.
        "get": rule(403, anonymous=401, steward=200),
        "post": rule(403, anonymous=401, steward=400),
    },
    "api:cutoff-publish": {
        "kwargs": API_CUTOFF,
        "get": every(405),
        "post": rule(403, anonymous=401, steward=200),
    },
    "api:call-dashboard": {
        "kwargs": {"call": "eau"},
        "get": rule(403, anonymous=401, reviewer=200, steward=200),
    },
    "api:call-retribution": {
        "kwargs": {"call": "eau"},
        "get": rule(403, anonymous=401, steward=200),
        "patch": rule(403, anonymous=401, steward=400),
    },
    # API: money
    "api:call-funders": {
        "kwargs": {"call": "eau"},
        "get": every(200),
        "post": rule(403, anonymous=401, steward=400),
    },
    "api:resource-milestones": {
        "kwargs": API_RES,
        "get": every(200),
        "post": rule(403, anonymous=401, steward=400),
    },
    "api:milestone-meet": {
        "kwargs": {**API_RES, "milestone": MILESTONE["milestone"]},
        "get": every(405),
        "post": rule(403, anonymous=401, steward=400),
    },
    # No entry yet: the stewards' alone; never changed nor deleted, whoever asks.
    "api:call-ledger": {
        "kwargs": {"call": "eau"},
        "get": rule(403, anonymous=401, steward=200),
        "post": rule(403, anonymous=401, steward=400),
        "put": every(405),
        "patch": every(405),
        "delete": every(405),
    },
    # One entry (written for the request): the ledger is public.
    "api:ledger-entry": {
        "kwargs": {"call": "eau", "entry": _ledger_entry_id},
        "get": every(200),
        "put": every(405),
        "patch": every(405),
        "delete": every(405),
    },
}


def named_patterns(patterns=None, namespace=None):
    """Every (namespaced name) of the URL configuration, walked recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            if inner in SKIPPED_NAMESPACES:
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from named_patterns(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name not in SKIPPED_NAMES:
                yield name


def test_it_has_a_rule_for_every_url_of_the_project():
    names = set(named_patterns())
    assert names - set(TABLE) == set(), "URL names without an access rule in TABLE"
    assert set(TABLE) - names == set(), "rules for URL names that no longer exist"


def test_it_finds_pages_and_api_endpoints_in_the_walk():
    names = set(named_patterns())
    assert {"appel:home", "resources:resource-edit", "api:version-reviews"} <= names
    assert not any(name.startswith("admin:") for name in names)


def kwargs_of(entry):
    """The URL's parts of a TABLE entry; ids of rows made by the fixtures are looked up now."""
    return {key: value() if callable(value) else value for key, value in entry["kwargs"].items()}


def url_of(name):
    """The URL of a TABLE entry, ids of fixture rows (threads, the cut-off) filled in."""
    entry = TABLE[name]
    kwargs = kwargs_of(entry)
    if kwargs.get("cutoff") == "<cutoff>":
        kwargs["cutoff"] = Cutoff.objects.get(call__slug="eau").pk
    return reverse(name, kwargs=kwargs) + entry.get("query", "")


def _request(name, method, user):
    entry = TABLE[name]
    url = url_of(name)
    data = entry.get(f"{method}_data", {})
    if name.startswith("api:"):
        client = api_client(user)
        return (
            getattr(client, method)(url, data, format="json")
            if method != "get"
            else client.get(url)
        )
    client = web_client(user)
    return getattr(client, method)(url, data) if method != "get" else client.get(url)


CASES = [
    (name, method)
    for name, entry in TABLE.items()
    for method in ("get", "post", "put", "patch", "delete")
    if method in entry
]


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_it_answers_each_role_as_the_table_says(roles, name, method):
    expected = TABLE[name][method]
    answered = {}
    for role in ROLES:
        with transaction.atomic():
            response = _request(name, method, roles[role])
            transaction.set_rollback(True)
        answered[role] = response.status_code
        if role == ANON and response.status_code == 302 and name not in REDIRECTS_ANYONE:
            # A private page sends visitors to log in, never anywhere else.
            assert response["Location"].startswith(reverse("login")), response["Location"]
    assert answered == expected


def test_it_sends_anonymous_visitors_of_private_pages_to_the_login(roles):
    response = web_client(None).get(reverse("appel:call-audit", kwargs=CALL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
