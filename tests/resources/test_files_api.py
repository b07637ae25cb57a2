"""The files API (shared/API.md, "Files and links between communs") and how bytes are served."""

import pytest
from django.core.files.storage import default_storage

from appel.models import Call
from resources import files
from tests.conftest import client_for

from .conftest import API, SLUG
from .samples import EVERY_KIND, image_bytes, pdf_bytes, upload

FILES = f"{API}/{SLUG}/files"
PAGE_FILES = f"/calls/eau/resources/{SLUG}/files/"


def post(client, filename, data, **fields):
    return client.post(FILES, {"file": upload(filename, data), **fields}, format="multipart")


@pytest.fixture
def bob_api(bob):
    return client_for(bob)


def test_it_uploads_and_lists(resource, bob_api):
    response = post(bob_api, "photo.png", image_bytes())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"].endswith(f"{FILES}/photo.png")
    assert body["name"] == "photo.png"
    assert body["revision"] == 1
    assert body["content_type"] == "image/png"
    assert body["license"] == "etalab-2.0"
    assert body["uploaded_by"] == "bob"
    assert len(body["sha256"]) == 64
    assert body["url"].endswith(f"{PAGE_FILES}photo.png")
    assert [r["revision"] for r in body["revisions"]] == [1]
    listed = bob_api.get(FILES).json()
    assert listed["count"] == 1
    assert set(listed["results"][0]) == {
        "name", "url", "size", "content_type", "sha256", "license", "uploaded_by",
        "created_at", "revision",
    }  # fmt: skip
    assert bob_api.get(f"{API}/{SLUG}").json()["files_count"] == 1


def test_the_same_name_is_a_new_revision_and_the_old_one_stays_downloadable(resource, bob_api):
    post(bob_api, "data.csv", b"a;b\n1;2\n")
    response = post(bob_api, "data.csv", b"a;b\n1;3\n", license="CC-BY-4.0")
    assert response.status_code == 201
    body = response.json()
    assert body["revision"] == 2
    assert body["license"] == "CC-BY-4.0"
    assert [r["revision"] for r in body["revisions"]] == [2, 1]
    old = body["revisions"][1]
    assert old["url"].endswith("data.csv?revision=1")
    assert bob_api.get(old["url"]).getvalue() == b"a;b\n1;2\n"
    assert bob_api.get(f"{FILES}/data.csv?download=1").getvalue() == b"a;b\n1;3\n"
    assert bob_api.get(f"{FILES}/data.csv?download=1&revision=1").getvalue() == b"a;b\n1;2\n"
    assert bob_api.get(f"{FILES}/data.csv?download=1&revision=9").status_code == 404
    detail = bob_api.get(f"{FILES}/data.csv").json()
    assert detail["revision"] == 2 and len(detail["revisions"]) == 2


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", 400, "HTML"),
        ("drawing.svg", b"<svg onload=alert(1)><script>alert(1)</script></svg>", 400, "SVG"),
        ("rapport.pdf", image_bytes(), 400, "must match"),
        ("program.exe", b"MZ" + b"\0" * 64, 400, "not accepted"),
    ],
)
def test_refusals_are_400_with_a_sentence(resource, bob_api, name, data, status, message):
    response = post(bob_api, name, data)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert "file" in response.json()["errors"]
    assert not default_storage.exists("files")


def test_a_zip_bomb_named_pdf_is_refused(resource, bob_api):
    from .samples import bomb_bytes

    response = post(bob_api, "rapport.pdf", bomb_bytes(150_000_000))
    assert response.status_code == 400
    assert "unpack" in response.json()["detail"]


def test_oversized_and_over_quota_are_413(resource, bob_api, settings):
    settings.FILE_MAX_BYTES = 500
    response = post(bob_api, "data.csv", b"a;b\n" * 200)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    settings.FILE_MAX_BYTES = 20_000_000
    settings.FILE_QUOTA_PER_CALL_BYTES = 100
    assert post(bob_api, "a.csv", b"a;b\n" * 20).status_code == 201
    response = post(bob_api, "b.csv", b"a;b\n" * 20)
    assert response.status_code == 413
    assert "quota" in response.json()["detail"]


def test_a_body_far_over_the_limit_is_refused_before_reading(resource, bob_api, settings):
    settings.FILE_MAX_BYTES = 1000
    response = post(bob_api, "data.csv", b"a;b\n" * 100_000)
    assert response.status_code == 413


def test_missing_file_and_bad_license_are_400(resource, bob_api):
    response = bob_api.post(FILES, {"name": "x.csv"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    response = post(bob_api, "a.csv", b"a\n", license="CC-BY-NC-4.0")
    assert response.status_code == 400
    assert "license" in response.json()["errors"]
    response = bob_api.post(FILES, {"file": "not a file"}, format="json")
    assert response.status_code in {400, 415}


def test_anonymous_upload_is_refused(resource, api):
    response = api.post(FILES, {"file": upload("a.csv", b"a\n")}, format="multipart")
    assert response.status_code == 401
    assert not files.files_of(resource).exists()


def test_a_closed_call_refuses_uploads_with_409(resource, bob_api, call):
    call.status = Call.Status.CLOSED
    call.save()
    assert post(bob_api, "a.csv", b"a\n").status_code == 409


def test_traversal_names_are_cleaned_not_followed(resource, bob_api, _media_root):
    response = post(bob_api, "x.csv", b"a\n", name="../../../settings.csv")
    assert response.status_code == 201
    assert response.json()["name"] == "settings.csv"
    for path in _media_root.rglob("*"):
        assert path.resolve().is_relative_to(_media_root.resolve())


def test_unknown_files_are_404(resource, bob_api):
    assert bob_api.get(f"{FILES}/nothing.png").status_code == 404
    assert bob_api.get(f"{FILES}/nothing.png?download=1").status_code == 404
    assert bob_api.get(f"{PAGE_FILES}nothing.png").status_code == 404


@pytest.mark.parametrize("name", sorted(EVERY_KIND))
def test_served_headers_on_every_kind(resource, bob, api, name):
    make, content_type, inline = EVERY_KIND[name]
    revision = files.upload_file(resource=resource, uploader=bob, upload=upload(name, make()))
    for url in (f"{FILES}/{name}?download=1", f"{PAGE_FILES}{name}"):
        response = api.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline" if inline else "attachment"), disposition
        assert name in disposition
        assert response["ETag"] == f'"{revision.sha256}"'
        policy = "cross-origin" if inline else "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == policy
        assert b"".join(response.streaming_content)
    again = api.get(f"{PAGE_FILES}{name}", HTTP_IF_NONE_MATCH=f'"{revision.sha256}"')
    assert again.status_code == 304


def test_thumbnails_are_webp_images_made_once(resource, bob, api):
    files.upload_file(resource=resource, uploader=bob, upload=upload("p.jpg", image_bytes("JPEG")))
    response = api.get(f"{PAGE_FILES}p.jpg/thumbnail")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    files.upload_file(resource=resource, uploader=bob, upload=upload("d.pdf", pdf_bytes()))
    assert api.get(f"{PAGE_FILES}d.pdf/thumbnail").status_code == 404


def test_a_draft_calls_files_are_404_but_for_its_stewards(resource, bob, alice, api, call):
    files.upload_file(resource=resource, uploader=bob, upload=upload("p.png", image_bytes()))
    call.status = Call.Status.DRAFT
    call.save()
    for client in (api, client_for(bob)):
        assert client.get(FILES).status_code == 404
        assert client.get(f"{FILES}/p.png").status_code == 404
        assert client.get(f"{FILES}/p.png?download=1").status_code == 404
        assert client.get(f"{PAGE_FILES}p.png").status_code == 404
        assert client.get(f"{PAGE_FILES}p.png/thumbnail").status_code == 404
        assert client.get(PAGE_FILES).status_code == 404
    steward = client_for(alice)
    assert steward.get(f"{FILES}/p.png").status_code == 200
    assert steward.get(f"{FILES}/p.png?download=1").status_code == 200


def test_uploads_are_rate_limited(resource, bob_api, limits_on):
    limits_on.setenv("RATE_LIMIT_UPLOAD", "2/m")
    assert post(bob_api, "a.csv", b"a\n").status_code == 201
    assert post(bob_api, "b.csv", b"b\n").status_code == 201
    response = post(bob_api, "c.csv", b"c\n")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_missing_bytes_in_storage_are_404_not_500(resource, bob, api):
    revision = files.upload_file(resource=resource, uploader=bob, upload=upload("a.csv", b"a\n"))
    default_storage.delete(revision.storage_path)
    assert api.get(f"{PAGE_FILES}a.csv").status_code == 404


def test_head_answers_the_headers_of_a_file(resource, bob, api):
    files.upload_file(resource=resource, uploader=bob, upload=upload("d.pdf", pdf_bytes()))
    response = api.head(f"{PAGE_FILES}d.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert api.post(f"{PAGE_FILES}d.pdf").status_code == 405
