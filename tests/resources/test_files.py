"""resources/files.py: what an upload must be to be kept, and how it is stored."""

import contextlib
import io
import os
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from appel.models import Call
from resources import files
from resources.editing import CallNotOpen
from resources.models import FileRevision

from .samples import (
    EVERY_KIND,
    GPS_TAG,
    bomb_bytes,
    image_bytes,
    ooxml_bytes,
    pdf_bytes,
    upload,
    zip_bytes,
)


def put(resource, user, filename, data, **kwargs):
    return files.upload_file(
        resource=resource, uploader=user, upload=upload(filename, data), **kwargs
    )


@pytest.mark.parametrize("name", sorted(EVERY_KIND))
def test_it_accepts_every_kind_and_types_it_from_the_content(resource, bob, name):
    make, content_type, _inline = EVERY_KIND[name]
    revision = put(resource, bob, name, make())
    assert revision.content_type == content_type
    assert revision.file.name == name
    assert revision.number == 1
    assert revision.uploaded_by == bob
    assert revision.license == resource.license  # the resource's by default
    assert default_storage.exists(revision.storage_path)


def test_it_refuses_html_named_as_a_png(resource, bob):
    with pytest.raises(files.FileRefused, match="HTML and SVG"):
        put(resource, bob, "photo.png", b"<html><script>alert(1)</script></html>")
    assert not FileRevision.objects.exists()


def test_it_refuses_an_svg_with_a_script(resource, bob):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("drawing.svg", "drawing.png", "data.json", "data.csv"):
        with pytest.raises(files.FileRefused, match="HTML and SVG"):
            put(resource, bob, name, svg)


def test_it_refuses_html_files(resource, bob):
    with pytest.raises(files.FileRefused):
        put(resource, bob, "page.html", b"<!DOCTYPE html><p>hi</p>")


def test_it_refuses_a_pdf_that_is_a_zip_bomb(resource, bob):
    # 150 MB of zeros compress to about 150 kB: far past 100 times its size.
    data = bomb_bytes(150_000_000)
    assert len(data) < 1_000_000
    with pytest.raises(files.FileRefused, match="unpack"):
        put(resource, bob, "rapport.pdf", data)
    with pytest.raises(files.FileRefused, match="unpack"):
        put(resource, bob, "archive.zip", data)


def test_it_stops_a_bomb_whose_declared_sizes_lie(resource, bob, monkeypatch):
    data = bytearray(bomb_bytes(3_000_000))
    # Patch the central directory's "uncompressed size" of the one entry down to 10 bytes.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    monkeypatch.setattr(files, "ZIP_MAX_UNPACKED_BYTES", 1_000_000)
    with pytest.raises(files.FileRefused):
        put(resource, bob, "archive.zip", bytes(data))


def test_it_refuses_content_that_does_not_match_the_name(resource, bob):
    with pytest.raises(files.FileRefused, match="must match"):
        put(resource, bob, "rapport.pdf", image_bytes("PNG"))
    with pytest.raises(files.FileRefused, match="must match"):
        put(resource, bob, "notes.docx", zip_bytes({"a.txt": "x"}))
    with pytest.raises(files.FileRefused, match="must match"):
        put(resource, bob, "slides.docx", ooxml_bytes("pptx"))


def test_it_refuses_a_broken_image_and_unknown_kinds(resource, bob):
    with pytest.raises(files.FileRefused, match="not a valid one"):
        put(resource, bob, "photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(files.FileRefused, match="not accepted"):
        put(resource, bob, "program.exe", b"MZ\x90\x00" + b"\0" * 100)
    with pytest.raises(files.FileRefused, match="not valid JSON"):
        put(resource, bob, "data.json", b"{nope")
    with pytest.raises(files.FileRefused, match="GeoJSON"):
        put(resource, bob, "map.geojson", b'{"a": 1}')
    with pytest.raises(files.FileRefused, match="UTF-8"):
        put(resource, bob, "data.csv", b"\xff\xfe\x00a")
    with pytest.raises(files.FileRefused, match="empty"):
        put(resource, bob, "data.csv", b"")


def test_it_names_a_file_without_extension_from_its_content(resource, bob):
    revision = put(resource, bob, "scan", pdf_bytes())
    assert revision.file.name == "scan.pdf"


def test_it_strips_exif_and_gps_from_images(resource, bob):
    for name, fmt in (("photo.jpg", "JPEG"), ("photo.png", "PNG"), ("photo.webp", "WEBP")):
        original = image_bytes(fmt, gps=True)
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_TAG)
        revision = put(resource, bob, name, original)
        with default_storage.open(revision.storage_path) as stored:
            image = Image.open(io.BytesIO(stored.read()))
            assert not image.getexif()
            assert b"SpyCam" not in stored.open().read()
        assert (revision.width, revision.height) == (40, 30)
        assert revision.has_thumbnail
        assert default_storage.exists(revision.thumbnail_path)


def test_it_refuses_a_file_over_the_size_limit(resource, bob, settings):
    settings.FILE_MAX_BYTES = 1000
    with pytest.raises(files.FileTooLarge):
        put(resource, bob, "data.csv", b"a;b\n" * 300)
    assert not FileRevision.objects.exists()


def test_it_refuses_a_file_past_the_call_quota(resource, bob, settings):
    settings.FILE_QUOTA_PER_CALL_BYTES = 200
    put(resource, bob, "a.csv", b"a;b\n" * 40)
    with pytest.raises(files.QuotaExceeded):
        put(resource, bob, "b.csv", b"c;d\n" * 15)
    assert FileRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\win.ini.csv", "win.ini.csv"),
        ("/abs/path/carte.csv", "carte.csv"),
        ("ma\x00carte\x1b[31m.csv", "macarte-31m.csv"),
        ("carte des puits (2024).CSV", "carte-des-puits-2024.csv"),
        ("..hidden.csv", "hidden.csv"),
        ("été\u202e.csv", "été.csv"),
        ("<script>alert(1)</script>.csv", "script.csv"),  # "/" ends a path component
        ("<img src=x onerror=alert(1)>.csv", "img-src-x-onerror-alert-1.csv"),
    ],
)
def test_it_sanitises_names(resource, bob, raw, clean):
    revision = put(resource, bob, raw, b"a;b\n")
    assert revision.file.name == clean


@pytest.mark.parametrize("raw", ["..", "/", "a/..", "\x00\x01", "   ", "-.-"])
def test_it_refuses_names_with_nothing_left(resource, bob, raw):
    with pytest.raises(files.FileRefused):
        put(resource, bob, "x.csv", b"a;b\n", name=raw)


def test_the_same_name_makes_revisions_and_keeps_the_old_ones(resource, bob, charlie):
    first = put(resource, bob, "data.csv", b"a;b\n1;2\n")
    second = put(resource, charlie, "data.csv", b"a;b\n1;3\n")
    assert (first.number, second.number) == (1, 2)
    assert first.file_id == second.file_id
    file = files.get_file(resource, "data.csv")
    assert file.latest == second
    assert [r.number for r in files.revisions_of(file)] == [2, 1]
    assert default_storage.exists(first.storage_path)
    assert files.get_revision(file, "1").sha256 == first.sha256


def test_identical_content_is_stored_once(resource, bob, charlie, call):
    data = image_bytes("PNG")
    one = put(resource, bob, "a.png", data)
    two = put(resource, charlie, "b.png", data)
    assert one.sha256 == two.sha256 and one.storage_path == two.storage_path
    folder = default_storage.path(f"files/{one.sha256[:2]}")
    assert os.listdir(folder) == [one.sha256]


def test_a_license_outside_the_call_is_refused(resource, bob):
    with pytest.raises(ValidationError) as error:
        put(resource, bob, "a.csv", b"a\n", license="MIT")
    assert "license" in error.value.message_dict
    with pytest.raises(ValidationError):
        put(resource, bob, "a.csv", b"a\n", license="CC-BY-NC-4.0")
    assert put(resource, bob, "a.csv", b"a\n", license="CC-BY-4.0").license == "CC-BY-4.0"


def test_a_closed_call_takes_no_file(resource, bob, call):
    call.status = Call.Status.CLOSED
    call.save()
    resource.call.refresh_from_db()
    with pytest.raises(CallNotOpen):
        put(resource, bob, "a.csv", b"a\n")


def test_a_long_name_keeps_its_extension_within_the_limit(resource, bob):
    revision = put(resource, bob, "x.csv", b"a\n", name="é" * 300)
    assert len(revision.file.name) <= files.NAME_MAX_CHARS
    assert revision.file.name.endswith("é.csv")
    revision = put(resource, bob, "scan", pdf_bytes(), name="b" * 300)
    assert len(revision.file.name) == files.NAME_MAX_CHARS
    assert revision.file.name.endswith("b.pdf")


@pytest.mark.parametrize("name", sorted(EVERY_KIND))
def test_damaged_files_are_refused_with_a_sentence_never_an_error(name):
    """Bytes flipped, cut or repeated in every kind: accepted as they are, or FileRefused."""
    original = EVERY_KIND[name][0]()
    rng = random.Random(name)
    for _ in range(60):
        data = bytearray(original)
        for _flip in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        with contextlib.suppress(files.FileRefused):
            files.check_content(bytes(data), name)
