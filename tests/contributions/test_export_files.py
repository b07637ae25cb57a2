"""Files in the exports and the credits: the zip carries them with their licenses,
the single exports list them, and the uploaders of the files a text uses are credited."""

import io
import json
import re
import zipfile

import pytest
import yaml

from resources import files
from tests.resources.samples import image_bytes, upload

from .conftest import TEXT, edit

pytestmark = pytest.mark.usefixtures("english")

RESOURCE_API = "/api/v1/calls/eau/resources/carte-des-puits"
FILE_URL = "/calls/eau/resources/carte-des-puits/files/"


def put(resource, user, filename, data, **kwargs):
    return files.upload_file(
        resource=resource, uploader=user, upload=upload(filename, data), **kwargs
    )


@pytest.fixture
def with_files(resource, bob, charlie):
    """The text shows puits.png (charlie's, CC-BY-4.0) and links data.csv (two revisions)."""
    put(resource, charlie, "puits.png", image_bytes(), license="CC-BY-4.0")
    put(resource, bob, "data.csv", b"a;b\n1;2\n")
    put(resource, bob, "data.csv", b"a;b\n1;3\n")
    put(resource, bob, "unused.json", b"{}")
    edit(resource, bob, TEXT + "\n![Le puits](files/puits.png)\n\n[Données](files/data.csv)\n")
    resource.refresh_from_db()
    return resource


def unzip(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_call_zip_carries_every_file_and_revision_with_licenses(api, with_files):
    archive = unzip(api.get("/api/v1/calls/eau/export"))
    names = set(archive.namelist())
    folder = "carte-des-puits"
    assert {
        f"{folder}/files/puits.png",
        f"{folder}/files/data.csv",
        f"{folder}/files/revisions/r1-data.csv",
        f"{folder}/files/unused.json",
        f"{folder}/files/files.json",
        f"{folder}/files/puits.png.LICENSE",
    } <= names
    # Same license as the resource (etalab-2.0): no LICENSE of its own.
    assert f"{folder}/files/data.csv.LICENSE" not in names
    assert archive.read(f"{folder}/files/data.csv") == b"a;b\n1;3\n"
    assert archive.read(f"{folder}/files/revisions/r1-data.csv") == b"a;b\n1;2\n"
    png = archive.read(f"{folder}/files/puits.png")
    assert png.startswith(b"\x89PNG")
    license_text = archive.read(f"{folder}/files/puits.png.LICENSE").decode()
    assert "CC-BY-4.0" in license_text and "Charlie" in license_text
    described = json.loads(archive.read(f"{folder}/files/files.json"))
    assert {(d["name"], d["revision"], d["license"]) for d in described} == {
        ("data.csv", 1, "etalab-2.0"),
        ("data.csv", 2, "etalab-2.0"),
        ("puits.png", 1, "CC-BY-4.0"),
        ("unused.json", 1, "etalab-2.0"),
    }
    readme = archive.read("README.md").decode()
    assert f"`{folder}/files/puits.png` — CC-BY-4.0 — uploaded by Charlie" in readme
    assert f"`{folder}/files/data.csv` — etalab-2.0 — uploaded by Bob" in readme
    # The text's relative references work inside the archive.
    text = archive.read(f"{folder}/{folder}.md").decode()
    assert "](files/puits.png)" in text


def test_the_markdown_export_lists_the_files_the_text_uses(api, with_files):
    body = api.get(f"{RESOURCE_API}/export", {"format": "md"}).content.decode()
    meta = yaml.safe_load(re.match(r"\A---\n(.*?)\n---\n", body, re.S)[1])
    assert [(f["name"], f["license"], f["uploaded_by"]) for f in meta["files"]] == [
        ("data.csv", "etalab-2.0", "Bob"),
        ("puits.png", "CC-BY-4.0", "Charlie"),
    ]
    assert meta["files"][1]["url"] == f"http://testserver{FILE_URL}puits.png"
    assert "files by Bob, Charlie" in meta["credit"]


def test_the_html_export_points_to_the_files_by_full_address(api, with_files):
    page = api.get(f"{RESOURCE_API}/export", {"format": "html"}).content.decode()
    assert f'src="http://testserver{FILE_URL}puits.png"' in page
    assert f'href="http://testserver{FILE_URL}data.csv"' in page
    assert 'src="/calls/' not in page
    assert "uploaded by Charlie" in page


def test_attribution_credits_uploaders_of_files_in_use(api, with_files):
    body = api.get(f"{RESOURCE_API}/attribution").json()
    assert [(f["name"], f["uploaded_by"]) for f in body["files"]] == [
        ("data.csv", "bob"),
        ("puits.png", "charlie"),
    ]
    assert "unused.json" not in json.dumps(body)
    assert body["credit"].endswith("files by Bob, Charlie")


def test_a_text_without_files_credits_no_uploader(api, resource, bob):
    put(resource, bob, "unused.json", b"{}")
    body = api.get(f"{RESOURCE_API}/attribution").json()
    assert body["files"] == []
    assert "files by" not in body["credit"]


def test_the_attribution_page_lists_the_files(client, with_files):
    html = client.get("/calls/eau/resources/carte-des-puits/attribution/").content.decode()
    assert "Files in the text" in html
    assert f'href="{FILE_URL}puits.png"' in html
