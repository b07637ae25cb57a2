"""GET calls/{call}/resources/{res}/export (API) and the web export and citation downloads."""

import json
import re

import pytest
import yaml
from django.utils import timezone

from resources import editing

from .conftest import TEXT, edit, review

API = "/api/v1/calls/eau/resources/carte-des-puits/export"
WEB = "/calls/eau/resources/carte-des-puits/"
DRAFT = TEXT + "\nBrouillon de charlie, pas encore relu.\n"


@pytest.fixture
def validated(resource, rita, charlie):
    """Version 1 (bob's) validated by rita; version 2, charlie's draft, waiting on top."""
    review(resource.latest_version, rita)
    edit(resource, charlie, DRAFT)
    resource.refresh_from_db()
    return resource


def split_front_matter(body):
    match = re.match(r"\A---\n(.*?)\n---\n\n(.*)\Z", body, re.S)
    assert match, body[:200]
    return yaml.safe_load(match[1]), match[2]


def test_it_exports_the_stable_markdown_with_its_front_matter(api, validated):
    response = api.get(API, {"format": "md"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="carte-des-puits-v1.md"'
    meta, text = split_front_matter(response.content.decode())
    assert text == TEXT  # the validated text, not charlie's newer draft
    assert meta["title"] == "Carte des puits"
    assert meta["license"] == "etalab-2.0"
    assert meta["authors"] == ["Bob"]
    assert meta["source"] == "http://testserver/calls/eau/resources/carte-des-puits/"
    assert meta["version"] == 1
    assert meta["date"] == timezone.localdate(validated.stable_version.created_at).isoformat()


def test_it_exports_markdown_by_default_and_another_version_on_request(api, validated):
    response = api.get(API, {"version": 2})
    meta, text = split_front_matter(response.content.decode())
    assert (meta["version"], meta["authors"], text) == (2, ["Bob", "Charlie"], DRAFT)


def test_it_exports_the_latest_version_when_none_is_validated(api, resource, charlie):
    edit(resource, charlie, DRAFT)
    meta, text = split_front_matter(api.get(API).content.decode())
    assert (meta["version"], text) == (2, DRAFT)


def test_it_keeps_the_yaml_valid_whatever_the_title(api, call, bob):
    hostile = 'Titre: "piégé"\n---\nlicense: MIT # {[&*!|>'
    editing.create_resource(call=call, author=bob, title=hostile, slug="piege", content="Texte.")
    body = api.get("/api/v1/calls/eau/resources/piege/export").content.decode()
    meta, text = split_front_matter(body)
    assert meta["title"] == hostile.strip()
    assert meta["license"] == "etalab-2.0"
    assert text == "Texte."


def test_it_exports_a_standalone_html_page(api, validated):
    response = api.get(API, {"format": "html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="carte-des-puits-v1.html"'
    page = response.content.decode()
    assert page.startswith("<!doctype html>")
    assert '<html lang="' in page
    assert validated.stable_version.html in page
    assert "Brouillon" not in page
    assert (
        '<a rel="license" href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">' in page
    )
    assert "« Carte des puits », Bob" in page
    assert "<script" not in page and "style=" not in page


def test_it_escapes_the_title_in_the_html_page(api, call, bob):
    editing.create_resource(
        call=call, author=bob, title="<script>alert(1)</script>", slug="xss", content="Texte."
    )
    page = api.get("/api/v1/calls/eau/resources/xss/export", {"format": "html"}).content.decode()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_exports_json_with_the_resource_the_version_and_the_attribution(api, validated):
    response = api.get(API, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["resource"]["slug"] == "carte-des-puits"
    assert body["resource"]["license"]["id"] == "etalab-2.0"
    assert body["resource"]["stable_version"]["number"] == 1
    assert body["resource"]["latest_version"]["number"] == 2
    version = body["version"]
    assert (version["number"], version["state"], version["content"]) == (1, "validated", TEXT)
    assert [r["reviewer"] for r in version["reviews"]] == ["rita"]
    assert [c["username"] for c in body["attribution"]["contributors"]] == ["bob"]


def test_it_answers_400_to_an_unknown_format_and_404_to_an_unknown_version(api, resource):
    bad = api.get(API, {"format": "docx"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "format": ["Choose one of these formats: md, html, json, cff, bib."]
    }
    assert api.get(API, {"version": 7}).status_code == 404
    assert api.get(API, {"version": "x"}).status_code == 400
    assert api.get("/api/v1/calls/eau/resources/nope/export").status_code == 404


def test_it_costs_the_same_queries_whatever_the_history(
    api, resource, bob, charlie, django_assert_num_queries
):
    def count():
        # its state (ETag), resource, edits, approvals, users, the version's text
        with django_assert_num_queries(6):
            assert api.get(API).status_code == 200

    count()
    for n in range(6):
        resource.refresh_from_db()
        edit(resource, bob if n % 2 else charlie, resource.latest_version.content + f"\nMot {n}\n")
    count()


# Web downloads: the same responses


def test_it_serves_the_same_export_on_the_web(client, validated, api):
    web = client.get(WEB + "export/", {"format": "md"})
    assert web.status_code == 200
    assert web.content == api.get(API, {"format": "md"}).content
    assert web["Content-Disposition"] == 'attachment; filename="carte-des-puits-v1.md"'


def test_it_explains_a_bad_format_on_the_web(client, resource):
    response = client.get(WEB + "export/", {"format": "docx"})
    assert response.status_code == 400
    assert "Choose one of these formats" in response.content.decode()


def test_it_serves_a_citation_file_format_file(client, validated):
    response = client.get(WEB + "cite.cff")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="CITATION.cff"'
    cff = yaml.safe_load(response.content)
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "Carte des puits"
    assert cff["authors"] == [{"name": "Bob"}]
    assert cff["license"] == "etalab-2.0"
    assert cff["url"] == "http://testserver/calls/eau/resources/carte-des-puits/"
    assert cff["version"] == "1"
    assert (
        cff["date-released"] == timezone.localdate(validated.stable_version.created_at).isoformat()
    )


def test_it_serves_a_bibtex_entry(client, validated):
    response = client.get(WEB + "cite.bib")
    assert response.status_code == 200
    entry = response.content.decode()
    assert entry.startswith("@misc{CarteDesPuits")
    assert "title = {{Carte des puits}}" in entry
    assert "author = {{Bob}}" in entry
    assert "version = {1}" in entry
    assert "url = {http://testserver/calls/eau/resources/carte-des-puits/}" in entry
    assert "etalab-2.0" in entry


def test_it_escapes_latex_in_bibtex(client, call, bob):
    editing.create_resource(
        call=call, author=bob, title="50% & {plus} _ça_ \\end", slug="latex", content="x"
    )
    entry = client.get("/calls/eau/resources/latex/cite.bib").content.decode()
    assert r"title = {{50\% \& \{plus\} \_ça\_ \textbackslash{}end}}" in entry
