"""Files of a resource: checking an upload, storing it once, and serving it safely.

A file's type is decided from its bytes, never from its name or the type
the browser claims: an image must decode as the image its first bytes say,
an office document is a zip whose inner `mimetype` or `[Content_Types].xml`
says so, a data file must parse. What could run in a browser (SVG, HTML) is
refused. Images are decoded and encoded again, which drops their EXIF (GPS
position, camera serial number) and anything hidden after the picture.

Bytes go through Django's storage API (local disk or an S3-compatible
bucket, appel/settings.py), under their SHA-256: the same bytes uploaded
twice, in any resource, are stored once. Rows (`ResourceFile`,
`FileRevision`) say which name, revision, license and uploader point to them.
The app serves them itself (`serve`), so a draft call's files stay hidden
and every answer carries the headers that keep a file from acting as a page.
"""

import contextlib
import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from appel import licenses
from appel.models import Call

from .editing import CallNotOpen, refuse_if_merged
from .models import IMAGE_TYPES, FileRevision, Resource, ResourceFile

# Past these, a zip is refused as a possible bomb: what it would take once
# unpacked, in bytes and relative to its own size, and how many entries it holds.
ZIP_MAX_UNPACKED_BYTES = 500_000_000
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 10_000
# Larger pictures are refused before being decoded (a 50,000 x 50,000 PNG fits in a few kB).
IMAGE_MAX_PIXELS = 50_000_000
THUMBNAIL_SIZE = (480, 480)
NAME_MAX_CHARS = 120


@dataclass(frozen=True)
class Kind:
    key: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    kind.key: kind
    for kind in (
        Kind("png", "image/png", ("png",)),
        Kind("jpeg", "image/jpeg", ("jpg", "jpeg")),
        Kind("gif", "image/gif", ("gif",)),
        Kind("webp", "image/webp", ("webp",)),
        Kind("pdf", "application/pdf", ("pdf",)),
        Kind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
        Kind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        Kind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",)),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
        ),
        Kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        Kind("csv", "text/csv; charset=utf-8", ("csv",)),
        Kind("json", "application/json", ("json",)),
        Kind("geojson", "application/geo+json", ("geojson",)),
        Kind("zip", "application/zip", ("zip",)),
    )
}
ACCEPTED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML = {
    "wordprocessingml.document.main+xml": "docx",
    "spreadsheetml.sheet.main+xml": "xlsx",
    "presentationml.presentation.main+xml": "pptx",
}
_GEOJSON_TYPES = {
    "FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
    "Polygon", "MultiPolygon", "GeometryCollection",
}  # fmt: skip
# Markup a browser would run: refused even under a data file's name.
_ACTIVE_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|\?xml)", re.I)


class FileRefused(Exception):
    """The upload is not one of the accepted kinds, or its content does not match its name."""

    field = "file"


class FileTooLarge(Exception):
    def __init__(self, size):
        self.size = size
        super().__init__(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes per file.")
            % {"size": size, "limit": settings.FILE_MAX_BYTES}
        )


class QuotaExceeded(Exception):
    def __init__(self, used, size):
        super().__init__(
            _(
                "The files of this call already take %(used)s bytes; this one (%(size)s bytes) "
                "would pass the call's quota of %(quota)s bytes."
            )
            % {"used": used, "size": size, "quota": settings.FILE_QUOTA_PER_CALL_BYTES}
        )


# Names


def clean_name(raw):
    """A safe file name from what the uploader typed or their browser sent.

    Only the last path component is kept (no traversal), control and format
    characters go, and anything but letters, digits, "_", "-" and "." becomes
    "-", so that `files/NAME` works as is in Markdown and in a URL. Refuses
    (FileRefused) what is left empty.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = re.sub(r"[^\w.-]+", "-", name.strip())
    name = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", name)).strip(".-_")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    stem = stem[: NAME_MAX_CHARS - len(extension) - 1].strip(".-_")
    if not stem:
        raise FileRefused(_("Give the file a name made of letters or digits."))
    return f"{stem}.{extension}" if extension else stem


def _fit(name):
    """`name` within NAME_MAX_CHARS, its extension kept (it may have been added since cleaning)."""
    if len(name) <= NAME_MAX_CHARS:
        return name
    stem, _dot, extension = name.rpartition(".")
    return f"{stem[: NAME_MAX_CHARS - len(extension) - 1].rstrip('.-_')}.{extension}"


def _extension(name):
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


# Content


@dataclass
class Checked:
    kind: Kind
    data: bytes
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def check_content(data, name):
    """What `data` really is (Checked, images re-encoded), or FileRefused saying why."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(data, "png")
    if head.startswith(b"\xff\xd8\xff"):
        return _image(data, "jpeg")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _image(data, "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _image(data, "webp")
    if head.startswith(b"%PDF-"):
        return Checked(KINDS["pdf"], data)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return Checked(KINDS[_zip_kind(data)], data)
    return _text(data, name)


def _image(data, key):
    kind = KINDS[key]
    try:
        with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[key]]) as image:
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise FileRefused(
                    _("The image is %(w)s × %(h)s pixels; the limit is %(limit)s million pixels.")
                    % {"w": width, "h": height, "limit": IMAGE_MAX_PIXELS // 1_000_000}
                )
            image.load()
            if key == "jpeg":  # the stored picture stands as it was shown, without its EXIF
                image = ImageOps.exif_transpose(image)
            clean = _reencode(image, key)
            thumbnail = _thumbnail(image)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - Pillow's decoders raise many kinds on hostile bytes
        raise FileRefused(
            _("This file starts like a %(type)s image but is not a valid one.")
            % {"type": key.upper()}
        ) from None
    return Checked(kind, clean, width, height, thumbnail)


def _reencode(image, key):
    """The picture alone: encoding it again leaves out EXIF, GPS, XMP, comments and trailers."""
    keep = {"transparency", "duration", "loop", "background", "icc_profile", "disposal"}
    frames = getattr(image, "n_frames", 1)
    image.info = {k: v for k, v in image.info.items() if k in keep}
    out = io.BytesIO()
    options = {"format": _PILLOW_FORMATS[key]}
    if key == "jpeg":
        options.update(quality=92, icc_profile=image.info.get("icc_profile"))
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
    elif key == "webp":
        options.update(quality=90)
    if frames > 1 and key in {"gif", "webp", "png"}:
        options["save_all"] = True
    image.save(out, **options)
    return out.getvalue()


def _thumbnail(image):
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    transparent = image.mode in {"P", "LA", "RGBA", "PA"}
    small = image.convert("RGBA" if transparent else "RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80)
    return out.getvalue()


def _zip_kind(data):
    """Which zip this is (an ODF or OOXML document, or a plain archive), after bomb checks.

    Entries are really decompressed, counting bytes as they come, because the
    sizes a zip declares can lie; a bomb is stopped at the first byte past
    the limits.
    """
    refused = _(
        "This archive would unpack to more than %(limit)s bytes, or %(ratio)s times "
        "its size: it is refused."
    ) % {"limit": ZIP_MAX_UNPACKED_BYTES, "ratio": ZIP_MAX_RATIO}
    limit = min(ZIP_MAX_UNPACKED_BYTES, max(len(data), 1_000_000) * ZIP_MAX_RATIO)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise FileRefused(
                    _("This archive holds more than %(n)s files.") % {"n": ZIP_MAX_ENTRIES}
                )
            if sum(entry.file_size for entry in entries) > limit:
                raise FileRefused(refused)
            unpacked, inner = 0, {}
            for entry in entries:
                if entry.flag_bits & 0x1:
                    raise FileRefused(_("Encrypted archives cannot be checked: they are refused."))
                with archive.open(entry) as member:
                    while chunk := member.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise FileRefused(refused)
                        if entry.filename in {"mimetype", "[Content_Types].xml"}:
                            inner[entry.filename] = inner.get(entry.filename, b"") + chunk
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - a damaged archive fails in many ways inside zipfile
        raise FileRefused(_("This archive is damaged or uses a method we cannot read.")) from None
    mimetype = inner.get("mimetype", b"").strip()
    if mimetype in _ODF:
        return _ODF[mimetype]
    types = inner.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    for marker, key in _OOXML.items():
        if f"officedocument.{marker}" in types:
            return key
    return "zip"


def _text(data, name):
    """CSV, JSON and GeoJSON have no magic bytes: they must decode and parse as what they claim."""
    if _ACTIVE_MARKUP.search(data[:4096]):
        raise FileRefused(
            _("HTML and SVG files are refused: a browser could run what they contain.")
        )
    extension = _extension(name)
    if extension not in {"csv", "json", "geojson"}:
        raise FileRefused(
            _("This kind of file is not accepted. Accepted: %(list)s.")
            % {"list": ", ".join(ACCEPTED_EXTENSIONS)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("A data file must be UTF-8 text.")) from None
    if "\x00" in text:
        raise FileRefused(_("A data file cannot contain NUL characters."))
    if extension == "csv":
        try:
            for _row in csv.reader(io.StringIO(text)):
                pass
        except csv.Error as error:
            raise FileRefused(_("This CSV file cannot be read: %(e)s") % {"e": error}) from None
        return Checked(KINDS["csv"], data)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise FileRefused(_("This file is not valid JSON.")) from None
    if extension == "geojson":
        if not (isinstance(value, dict) and value.get("type") in _GEOJSON_TYPES):
            raise FileRefused(_("This file is JSON but not GeoJSON (no GeoJSON “type”)."))
        return Checked(KINDS["geojson"], data)
    return Checked(KINDS["json"], data)


def _named(name, kind):
    """The name, checked against the content: an extension that lies is refused, none is added."""
    extension = _extension(name)
    if not extension:
        return f"{name}.{kind.extensions[0]}"
    if extension not in kind.extensions:
        raise FileRefused(
            _("The content is %(type)s but the name ends in “.%(ext)s”: they must match.")
            % {"type": kind.extensions[0].upper(), "ext": extension}
        )
    return name


# Storing


def _store(path, data):
    """Write `data` under `path` unless it is there already (same path, same bytes)."""
    if default_storage.exists(path):
        return
    saved = default_storage.save(path, ContentFile(data))
    if saved != path:  # the same bytes stored an instant ago by another upload
        default_storage.delete(saved)


def _check_license(resource, license):
    if reason := licenses.refusal(license):
        raise ValidationError({"license": [reason]})
    if license not in resource.call.allowed_licenses:
        raise ValidationError(
            {
                "license": [
                    _("This call accepts only these licenses: %(ids)s.")
                    % {"ids": ", ".join(resource.call.allowed_licenses)}
                ]
            }
        )


def upload_file(
    *, resource: Resource, uploader, upload, name: str | None = None, license: str | None = None
) -> FileRevision:
    """Add `upload` (a Django UploadedFile) to `resource`, as a new file or a new revision.

    Refusals: CallNotOpen, FileTooLarge, QuotaExceeded, FileRefused (type,
    content or name), ValidationError (license). Nothing is stored then.
    """
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    refuse_if_merged(resource)
    if upload.size > settings.FILE_MAX_BYTES:
        raise FileTooLarge(upload.size)
    name = clean_name(name or upload.name)
    if not _extension(name):
        # A name chosen without extension borrows the uploaded file's (data files need one).
        with contextlib.suppress(FileRefused):
            if extension := _extension(clean_name(upload.name)):
                name = f"{name}.{extension}"
    license = license or resource.license
    _check_license(resource, license)
    data = b"".join(upload.chunks())
    if len(data) > settings.FILE_MAX_BYTES:
        raise FileTooLarge(len(data))
    if not data:
        raise FileRefused(_("The file is empty."))
    checked = check_content(data, name)
    name = _fit(_named(name, checked.kind))
    sha256 = hashlib.sha256(checked.data).hexdigest()
    revision = FileRevision(
        sha256=sha256,
        size=len(checked.data),
        content_type=checked.kind.content_type,
        license=license,
        uploaded_by=uploader,
        width=checked.width,
        height=checked.height,
        has_thumbnail=checked.thumbnail is not None,
    )
    _store(revision.storage_path, checked.data)
    if checked.thumbnail is not None:
        _store(revision.thumbnail_path, checked.thumbnail)
    return _save_revision(resource, name, revision)


@transaction.atomic
def _save_revision(resource, name, revision):
    # The call's row is the uploads' lock: two cannot both fit in the quota's last bytes, nor
    # both create the same new name (the second one becomes its revision 2).
    call = Call.objects.select_for_update().get(pk=resource.call_id)
    if not call.is_open:
        raise CallNotOpen(call)
    used = FileRevision.objects.filter(file__resource__call=call).aggregate(total=Sum("size"))
    used = used["total"] or 0
    if used + revision.size > settings.FILE_QUOTA_PER_CALL_BYTES:
        raise QuotaExceeded(used, revision.size)
    file, _created = ResourceFile.objects.get_or_create(resource=resource, name=name)
    last = file.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision.file = file
    revision.number = last + 1
    revision.created_at = timezone.now()
    revision.save()
    file.latest = revision
    file.save(update_fields=["latest"])
    revision.file.resource = resource
    return revision


# Reading and serving


def files_of(resource):
    """The files of `resource`, by name, each with its latest revision and uploader (one query)."""
    return resource.files.select_related("latest__uploaded_by").order_by("name")


def get_file(resource, name):
    """One file of `resource` by name, else 404."""
    try:
        file = files_of(resource).get(name=name)
    except ResourceFile.DoesNotExist:
        raise Http404(_("This resource has no file named “%(name)s”.") % {"name": name}) from None
    file.resource = resource
    return file


def get_revision(file, raw_number):
    """The revision `?revision=N` names (the latest when absent), else 404."""
    if raw_number in (None, ""):
        revision = file.latest
    else:
        try:
            number = int(raw_number)
        except (TypeError, ValueError):
            number = 0
        revision = (
            file.revisions.select_related("uploaded_by").filter(number=number).first()
            if 1 <= number <= 2**31 - 1
            else None
        )
    if revision is None:
        raise Http404(_("This file has no such revision."))
    revision.file = file
    return revision


def revisions_of(file):
    return file.revisions.select_related("uploaded_by").order_by("-number")


def serve(request, revision, *, thumbnail=False):
    """The bytes of `revision` with headers that keep them from ever acting as a page.

    Only the accepted images are shown inline; everything else downloads.
    `Content-Security-Policy: sandbox` and `nosniff` hold even if a browser
    is told to open the file. The ETag is the SHA-256: a cached copy is
    revalidated for free.
    """
    etag = f'"{revision.sha256}{"-t" if thumbnail else ""}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        path = revision.thumbnail_path if thumbnail else revision.storage_path
        try:
            handle = default_storage.open(path, "rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("The bytes of this file are missing from the storage.")) from None
        name = revision.file.name
        if thumbnail:
            content_type, name = "image/webp", f"{name.rsplit('.', 1)[0]}-thumbnail.webp"
        else:
            content_type = revision.content_type
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=content_type not in IMAGE_TYPES,
            filename=name,
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # Images may be embedded elsewhere (an exported page shows them by their full address);
    # other files are for this site's pages and downloads only.
    response["Cross-Origin-Resource-Policy"] = (
        "cross-origin" if thumbnail or revision.is_image else "same-origin"
    )
    return response


def every_revision(resource):
    """Every revision of every file of `resource`, by name then number, streamed (exports)."""
    return (
        FileRevision.objects.filter(file__resource=resource)
        .select_related("file", "uploaded_by")
        .order_by("file__name", "number")
        .iterator(chunk_size=100)
    )


def uploads_of(resource, *, limit=50):
    """The latest uploads of `resource`, newest first (the history page lists them)."""
    return (
        FileRevision.objects.filter(file__resource=resource)
        .select_related("file", "uploaded_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def revisions_in(found):
    """Every revision of the files `found`, newest first, with uploaders (one query)."""
    return (
        FileRevision.objects.filter(file__in=found)
        .select_related("uploaded_by")
        .order_by("file_id", "-number")
    )


# `files/NAME` as rendered into a version's HTML (resources/links.py): the names a text uses.
_RENDERED_FILE = re.compile(r'(?:src|href)="/calls/[-\w]+/resources/[-\w]+/files/([^"/?#]+)"')


def in_use(resource, html):
    """The latest revisions of the files of `resource` that `html` (a version's) shows or links.

    No query when the text uses no file; else one, with the uploaders.
    """
    prefix = f"/calls/{resource.call.slug}/resources/{resource.slug}/files/"
    names = {
        unquote(match.group(1))
        for match in _RENDERED_FILE.finditer(html or "")
        if prefix in match.group(0)
    }
    if not names:
        return []
    found = (
        FileRevision.objects.filter(file__resource=resource, file__name__in=names)
        .filter(file__latest=models.F("pk"))
        .select_related("file", "uploaded_by")
        .order_by("file__name")
    )
    return list(found)
