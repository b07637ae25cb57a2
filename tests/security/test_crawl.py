"""No link leads its viewer to a refusal or a crash.

For each role, in French and in English, the main pages are read and every
same-site link they show is followed: none may answer 403 (a link the
viewer should not have been shown) or 500. DEBUG is off, as in production.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from appel.models import Call
from tests.conftest import make_call

from .conftest import ROLES

START = [
    "/",
    "/calls/eau/",
    "/calls/eau/resources/",
    "/calls/eau/resources/guide/",
    "/calls/eau/resources/guide/history/",
    "/calls/eau/resources/guide/versions/1/",
    "/calls/eau/resources/guide/diff/?from=1&to=2",
    "/calls/eau/resources/guide/attribution/",
    "/calls/eau/reviews/",
    "/calls/eau/resources/guide/versions/2/review/",
    "/calls/eau/changes/",
    "/calls/eau/export/",
    "/calls/brouillon/",
    "/search/?q=guide",
    "/users/bob/",
    "/accounts/profile/",
]
HREF = re.compile(r'\shref="([^"#]*)')


def _links(base, html):
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        same_site = parts.scheme in ("", "http") and parts.netloc in ("", "testserver")
        if same_site and not parts.path.startswith("/static/"):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_link_leads_to_a_refusal_or_a_crash(roles, alice, role, language):
    make_call(alice, slug="brouillon", status=Call.Status.DRAFT, title="Brouillon")
    client = Client(headers={"accept-language": language}, raise_request_exception=False)
    if roles[role] is not None:
        client.force_login(roles[role])
    seen, bad = set(), []
    for start in START:
        response = client.get(start)
        if response.status_code != 200:
            # Someone else's draft is a plain 404; anything else is a fault.
            assert (start, response.status_code) == ("/calls/brouillon/", 404) or (
                start == "/accounts/profile/" and role == "anonymous"
            ), (start, response.status_code)
            continue
        for link in _links(start, response.content.decode()):
            if link in seen:
                continue
            seen.add(link)
            status = client.get(link).status_code
            if status in (403, 500):
                bad.append((start, link, status))
    assert len(seen) > 20
    assert bad == []
