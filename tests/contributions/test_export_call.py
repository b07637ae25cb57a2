"""GET calls/{call}/export (API) and the web export page: a streamed zip of the whole call."""

import io
import json
import re
import zipfile

import pytest
import yaml
from django.http import StreamingHttpResponse

from appel.models import Call
from contributions import exports
from resources import editing

from ..conftest import client_for
from .conftest import TEXT, edit, review

API = "/api/v1/calls/eau/export"


def unzip(response):
    assert isinstance(response, StreamingHttpResponse)
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def front_matter(text):
    match = re.match(r"\A---\n(.*?)\n---\n\n(.*)\Z", text, re.S)
    return yaml.safe_load(match[1]), match[2]


@pytest.fixture
def two_resources(resource, charlie, rita, bob):
    """carte-des-puits: v1 validated, v2 and v3 drafts; sources: one version."""
    review(resource.latest_version, rita, comment="Très bien.")
    edit(resource, charlie, TEXT + "\nAjout de charlie.\n")
    edit(resource, bob, TEXT + "\nAjout de charlie, relu par bob.\n")
    editing.create_resource(
        call=resource.call,
        author=charlie,
        title="Sources",
        content="Une liste.",
        license="CC-BY-4.0",
    )
    return resource


def test_it_streams_a_zip_with_every_resource_and_version(api, two_resources):
    response = api.get(API)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(r'attachment; filename="eau-\d{8}\.zip"', response["Content-Disposition"])
    archive = unzip(response)
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "README.md",
        "carte-des-puits/LICENSE",
        "carte-des-puits/attribution.json",
        "carte-des-puits/carte-des-puits.md",
        "carte-des-puits/reviews.json",
        "carte-des-puits/versions/v0001.md",
        "carte-des-puits/versions/v0002.md",
        "carte-des-puits/versions/v0003.md",
        "carte-des-puits/versions/versions.json",
        "sources/LICENSE",
        "sources/attribution.json",
        "sources/reviews.json",
        "sources/sources.md",
        "sources/versions/v0001.md",
        "sources/versions/versions.json",
    ]


def test_it_puts_the_stable_text_and_its_credits_in_each_folder(api, two_resources):
    archive = unzip(api.get(API))
    meta, text = front_matter(archive.read("carte-des-puits/carte-des-puits.md").decode())
    assert text == TEXT
    assert (meta["version"], meta["license"], meta["authors"]) == (1, "etalab-2.0", ["Bob"])
    license_file = archive.read("carte-des-puits/LICENSE").decode()
    assert "Licence Ouverte / Open Licence 2.0" in license_file
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in license_file
    assert "SPDX-License-Identifier: etalab-2.0" in license_file
    assert "— http://testserver/calls/eau/resources/carte-des-puits/ —" in license_file
    credit = json.loads(archive.read("carte-des-puits/attribution.json"))
    assert [c["username"] for c in credit["contributors"]] == ["bob"]
    assert credit["license"]["id"] == "etalab-2.0"
    reviews = json.loads(archive.read("carte-des-puits/reviews.json"))
    assert [(r["version"], r["reviewer"], r["verdict"], r["comment"]) for r in reviews] == [
        (1, "rita", "approve", "Très bien.")
    ]
    assert "SPDX-License-Identifier: CC-BY-4.0" in archive.read("sources/LICENSE").decode()


def test_it_round_trips_every_version(api, two_resources):
    archive = unzip(api.get(API))
    listed = json.loads(archive.read("carte-des-puits/versions/versions.json"))
    assert [(v["number"], v["author"], v["state"]) for v in listed] == [
        (1, "bob", "validated"),
        (2, "charlie", "pending"),
        (3, "bob", "pending"),
    ]
    files = [n for n in archive.namelist() if re.match(r"carte-des-puits/versions/v\d+\.md", n)]
    assert len(files) == len(listed) == two_resources.versions.count()
    for version in two_resources.versions.all():
        meta, text = front_matter(
            archive.read(f"carte-des-puits/versions/v{version.number:04d}.md").decode()
        )
        assert text == version.content
        assert (meta["number"], meta["author"], meta["license"]) == (
            version.number,
            version.author.username,
            "etalab-2.0",
        )


def test_it_writes_a_readme_about_the_call_and_its_licenses(api, two_resources):
    readme = unzip(api.get(API)).read("README.md").decode()
    assert readme.startswith("# Eau et territoires\n")
    assert "Région" in readme
    for license_id in ["CC-BY-4.0", "CC-BY-SA-4.0", "etalab-2.0"]:
        assert license_id in readme
    assert "`carte-des-puits/`" in readme and "`sources/`" in readme
    assert "http://testserver/calls/eau/" in readme


def test_it_sends_the_archive_in_several_chunks(api, two_resources):
    chunks = [chunk for chunk in api.get(API).streaming_content if chunk]
    assert len(chunks) > 5


def test_it_reads_versions_by_batches_not_one_query_each(
    api, resource, bob, charlie, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports, "VERSION_BATCH", 5)
    for n in range(12):
        resource.refresh_from_db()
        edit(resource, bob if n % 2 else charlie, resource.latest_version.content + f"\nMot {n}\n")
    # the call's state (ETag), call + its roles, README listing and files, resources, then for
    # the resource: attribution (3), versions (1) and their texts (3 batches of 5), its files
    # (1), reviews (1)
    with django_assert_num_queries(15):
        archive = unzip(api.get(API))
    assert len([n for n in archive.namelist() if re.search(r"/v\d+\.md$", n)]) == 13


def test_it_exports_an_empty_call(api, call):
    archive = unzip(api.get(API))
    assert archive.namelist() == ["README.md"]


def test_it_hides_a_draft_call(api, resource, alice, bob):
    resource.call.status = Call.Status.DRAFT
    resource.call.save()
    assert api.get(API).status_code == 404
    assert client_for(bob).get(API).status_code == 404
    assert client_for(alice).get(API).status_code == 200


def test_it_offers_the_download_on_a_web_page(client, two_resources):
    page = client.get("/calls/eau/export/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="?download=1"' in html
    assert "2 resources" in html or "2 ressources" in html
    download = client.get("/calls/eau/export/", {"download": "1"})
    assert download["Content-Type"] == "application/zip"
    assert "carte-des-puits/carte-des-puits.md" in unzip(download).namelist()


def test_it_keeps_zip_times_valid_for_old_versions(two_resources):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(exports.call_archive(two_resources.call))))
    assert all(info.date_time >= (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
