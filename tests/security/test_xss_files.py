"""The XSS corpus through file names, link texts and file references (resources/files.py, links.py).

Every payload is uploaded as a file name, and used as the text of a
`[[slug|...]]` link and as the description of a `files/NAME` image; no page,
API answer or rendered text may then hold anything that runs.
"""

import pytest

from resources import editing, files
from resources.links import render
from tests.conftest import client_for
from tests.resources.samples import upload

from .htmlcheck import html_problems
from .test_xss import PAYLOADS


@pytest.fixture
def guide(call, bob):
    return editing.create_resource(call=call, author=bob, title="Guide", content="Texte.").resource


def test_payloads_as_file_names_show_nowhere_as_markup(guide, bob, client):
    names = set()
    for index, payload in enumerate(PAYLOADS):
        try:
            revision = files.upload_file(
                resource=guide,
                uploader=bob,
                upload=upload(f"{index}.csv", b"a;b\n"),
                name=payload[:200],
            )
        except files.FileRefused:
            continue  # nothing left of the name once cleaned: refused with a sentence
        names.add(revision.file.name)
    assert len(names) > len(PAYLOADS) / 2
    for name in names:
        assert not set(name) & set("<>\"'`/\\&;= \t\n")
    client.force_login(bob)
    base = "/calls/eau/resources/guide"
    for url in (f"{base}/", f"{base}/files/", f"{base}/edit/", f"{base}/history/"):
        response = client.get(url)
        assert response.status_code == 200
        assert html_problems(response.content.decode()) == [], url
    api = client_for(bob)
    answer = api.get("/api/v1/calls/eau/resources/guide/files?page_size=200").json()
    assert {file["name"] for file in answer["results"]} <= names


def test_payloads_in_link_texts_and_file_references_render_harmless(guide):
    for payload in PAYLOADS:
        payload = payload.replace("\n", " ")
        text = (
            f"[[guide|{payload}]] [[missing|{payload}]] "
            f"![{payload}](files/a.png) [{payload}](files/b.pdf) [[{payload}]]"
        )
        assert html_problems(render(guide, text)) == [], payload
