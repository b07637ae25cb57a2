"""Small files of every accepted kind (and some hostile ones), made in memory for the tests."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# EXIF tags: 0x010F camera make, 0x8825 the GPS block (latitude in 0x0002).
GPS_TAG = 0x8825


def image_bytes(fmt="PNG", *, size=(40, 30), color=(200, 30, 30), gps=False, frames=1):
    image = Image.new("RGB", size, color)
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"
        exif.get_ifd(GPS_TAG)[2] = (48.0, 51.0, 24.0)
        options["exif"] = exif
    if frames > 1:
        options.update(
            save_all=True,
            append_images=[Image.new("RGB", size, (0, 0, 255 - i)) for i in range(frames - 1)],
        )
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def zip_bytes(entries, *, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_bytes():
    return zip_bytes(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content/>",
        }
    )


def ooxml_bytes(kind="docx"):
    part = {
        "docx": "wordprocessingml.document.main+xml",
        "xlsx": "spreadsheetml.sheet.main+xml",
        "pptx": "presentationml.presentation.main+xml",
    }[kind]
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/main.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.{part}"/></Types>'
    )
    return zip_bytes({"[Content_Types].xml": types, "main.xml": "<x/>"})


def bomb_bytes(unpacked=3_000_000):
    """A small zip that unpacks to `unpacked` zero bytes."""
    return zip_bytes({"zeros.bin": b"\0" * unpacked})


GEOJSON = json.dumps(
    {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}
).encode()

# name -> (bytes, served Content-Type, shown inline)
EVERY_KIND = {
    "photo.png": (lambda: image_bytes("PNG"), "image/png", True),
    "photo.jpg": (lambda: image_bytes("JPEG"), "image/jpeg", True),
    "anim.gif": (lambda: image_bytes("GIF", frames=3), "image/gif", True),
    "photo.webp": (lambda: image_bytes("WEBP"), "image/webp", True),
    "doc.pdf": (pdf_bytes, "application/pdf", False),
    "doc.odt": (odt_bytes, "application/vnd.oasis.opendocument.text", False),
    "doc.docx": (
        lambda: ooxml_bytes("docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        False,
    ),
    "sheet.xlsx": (
        lambda: ooxml_bytes("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
    "slides.pptx": (
        lambda: ooxml_bytes("pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        False,
    ),
    "data.csv": (lambda: b"commune;puits\nAlbi;3\n", "text/csv; charset=utf-8", False),
    "data.json": (lambda: b'{"puits": 3}', "application/json", False),
    "map.geojson": (lambda: GEOJSON, "application/geo+json", False),
    "bundle.zip": (lambda: zip_bytes({"a.txt": "bonjour"}), "application/zip", False),
}


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
