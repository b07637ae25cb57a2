"""Open exports: a resource as Markdown, HTML or JSON, its citation files, a whole call as a zip.

A commun is only reusable if it can leave the platform with its license and
credits attached, so every export embeds them. The web pages and the API
answer with the same responses built here.

The call export is streamed: the zip is written entry by entry into a small
buffer that is handed to the client after each file, resources and versions
are read with server-side iterators, and version texts are read a batch of
versions per query, never one query per version. A call with
thousands of versions neither holds a request open on a huge body in memory
nor times out before the first byte.
"""

import itertools
import json
import re
import zipfile

import yaml
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from appel import licenses
from resources import files as resource_files
from resources import reading
from resources.api import ResourceSerializer, VersionDetailSerializer, VersionSummarySerializer
from resources.models import Resource, ResourceFile, ResourceVersion

from .attribution import absolute_url, attribution_for, version_date
from .models import Review

FORMATS = ("md", "html", "json", "cff", "bib")
# Versions whose text is read per query while writing a call's zip.
VERSION_BATCH = 100


# One resource


def _yaml(data):
    """YAML that a hostile title cannot break: safe_dump quotes what needs quoting."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=2**16)


def _file_url(credit, name, request=None):
    return absolute_url(
        reverse(
            "resources:file-download", args=[credit.resource.call.slug, credit.resource.slug, name]
        ),
        request,
    )


def front_matter(credit, *, request=None):
    """The metadata block opening a Markdown export: what a reuser must keep with the text.

    The files the text uses (`files/NAME`) are listed with their address,
    license and uploader, so that the export can fetch them and credit them.
    """
    version = credit.version
    data = {
        "title": version.title,
        "license": credit.license.id,
        "license_url": credit.license.url,
        "authors": credit.author_names,
        "source": credit.source_url(request),
        "version": version.number,
        "date": version_date(version).isoformat(),
        "credit": credit.credit(request),
    }
    if credit.files:
        data["files"] = [
            {
                "name": file.name,
                "url": _file_url(credit, file.name, request),
                "license": file.license.id,
                "uploaded_by": file.uploader.name,
                "sha256": file.sha256,
            }
            for file in credit.files
        ]
    return data


def markdown_document(credit, content, *, request=None):
    return f"---\n{_yaml(front_matter(credit, request=request))}---\n\n{content}"


def html_document(credit, *, request=None):
    """A standalone page: the sanitized HTML saved with the version, its credit and license."""
    # Files of the resource are linked by their path on the site: a page read elsewhere
    # needs the full address.
    prefix = reverse("resources:file-list", args=[credit.resource.call.slug, credit.resource.slug])
    html = credit.version.html.replace(f'="{prefix}', f'="{absolute_url(prefix, request)}')
    return render_to_string(
        "contributions/export_standalone.html",
        {
            "credit": credit,
            "html": html,
            "files": [(file, _file_url(credit, file.name, request)) for file in credit.files],
            "version": credit.version,
            "credit_line": credit.credit(request),
            "source_url": credit.source_url(request),
            "language": get_language(),
        },
    )


def version_summary(version):
    """A version summary exactly as the API gives it."""
    return dict(VersionSummarySerializer(version).data)


def _review_dict(review, number):
    return {
        "version": number,
        "reviewer": review.reviewer.username,
        "verdict": review.verdict,
        "comment": review.comment,
        "created_at": review.created_at.isoformat(),
    }


def json_document(credit, *, request=None):
    """The resource and the version as the API details them, plus the attribution."""
    context = {"request": request}
    return {
        "resource": ResourceSerializer(credit.resource, context=context).data,
        "version": VersionDetailSerializer(credit.version, context=context).data,
        "attribution": credit.as_dict(request),
    }


def citation_cff(credit, *, request=None):
    """CITATION.cff (Citation File Format 1.2.0) of the credited version."""
    version = credit.version
    data = {
        "cff-version": "1.2.0",
        "message": _("If you reuse this resource, please cite it as below."),
        "type": "dataset",
        "title": version.title,
        "authors": [{"name": name} for name in credit.author_names],
        "license": credit.license.id,
        "url": credit.source_url(request),
        "version": str(version.number),
        "date-released": version_date(version).isoformat(),
    }
    return _yaml(data)


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def bibtex_escape(text):
    """Escape LaTeX's special characters so a title cannot close a field or run a command."""
    text = " ".join(str(text).split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACEMENTS.get(m[1], "\\" + m[1]), text)


def bibtex(credit, *, request=None):
    """A BibTeX @misc entry of the credited version."""
    version = credit.version
    day = version_date(version)
    key = re.sub(r"[^A-Za-z0-9]+", "", credit.resource.slug.title()) or "commun"
    fields = [
        ("title", "{" + bibtex_escape(version.title) + "}"),
        ("author", " and ".join("{" + bibtex_escape(name) + "}" for name in credit.author_names)),
        ("year", str(day.year)),
        ("month", str(day.month)),
        ("date", day.isoformat()),
        ("version", str(version.number)),
        ("howpublished", r"\url{" + credit.source_url(request) + "}"),
        ("url", credit.source_url(request)),
        (
            "note",
            bibtex_escape(f"{credit.license.name} ({credit.license.id}), {credit.license.url}"),
        ),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key}{day.year}v{version.number},\n{body}\n}}\n"


def _filename(resource, version, extension):
    return f"{resource.slug}-v{version.number}.{extension}"


def _attachment(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def parse_format(value):
    """`?format=` with md as the default; ValidationError (400) for a format we do not write."""
    value = value or "md"
    if value not in FORMATS:
        raise ValidationError(
            {
                "format": [
                    _("Choose one of these formats: %(formats)s.") % {"formats": ", ".join(FORMATS)}
                ]
            }
        )
    return value


def export_response(resource, version, export_format, *, request=None):
    """The download of `version` in `export_format`, as the API and the web page both serve it."""
    credit = attribution_for(resource, version)
    if export_format == "html":
        return _attachment(
            html_document(credit, request=request),
            "text/html; charset=utf-8",
            _filename(resource, version, "html"),
        )
    if export_format == "cff":
        return _attachment(
            citation_cff(credit, request=request),
            "application/x-yaml; charset=utf-8",
            "CITATION.cff",
        )
    if export_format == "bib":
        return _attachment(
            bibtex(credit, request=request),
            "application/x-bibtex; charset=utf-8",
            _filename(resource, version, "bib"),
        )
    if export_format == "json":
        body = json.dumps(json_document(credit, request=request), ensure_ascii=False, indent=2)
        return _attachment(body, "application/json", _filename(resource, version, "json"))
    return _attachment(
        markdown_document(credit, version.content, request=request),
        "text/markdown; charset=utf-8",
        _filename(resource, version, "md"),
    )


# A whole call, streamed


class _Pipe:
    """A write-only file for zipfile that keeps bytes until they are drained.

    Having no seek() or tell(), it makes zipfile write each entry's sizes
    after its data (data descriptors), which is what lets the archive be
    sent while it is still being written.
    """

    def __init__(self):
        self._chunks = []

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _zip_time(moment):
    local = timezone.localtime(moment)
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _write(archive, name, data, moment, *, compress=True):
    info = zipfile.ZipInfo(name, date_time=_zip_time(moment))
    # Uploaded files are mostly compressed already (images, office documents, zips).
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def license_text(credit, *, request=None):
    lic = credit.license
    return (
        f"{lic.name}\n{lic.url}\nSPDX-License-Identifier: {lic.id}\n\n"
        + _("Credit to give when reusing this resource:")
        + f"\n{credit.credit(request)}\n"
    )


def _files_readme(rows):
    """README lines naming every file of the call with its license and uploader."""
    lines = []
    for slug, name, license, display_name, username in rows:
        lines.append(
            f"- `{slug}/files/{name}` — {license} — "
            + _("uploaded by %(name)s") % {"name": display_name or username}
        )
    if not lines:
        return []
    return [
        "## " + _("Files"),
        "",
        _(
            "Images, documents and data of the resources are in each resource's files/ folder, "
            "older revisions in files/revisions/. Each is under the license named here; a "
            "LICENSE file beside it says so when it differs from its resource's."
        ),
        "",
        *lines,
        "",
    ]


def readme(call, resources, *, base_url, exported_at, file_rows=()):
    allowed = ", ".join(
        f"{lic.name} ({lic.id})" for lic in call.allowed_license_objects()
    ) or pgettext("no license", "none")
    lines = [
        f"# {call.title}",
        "",
        call.summary,
        "",
        _(
            "A call for commons run by %(funder)s: contributors co-edit openly licensed resources "
            "that answer its challenges, and reviewers validate their versions."
        )
        % {"funder": call.funder_name or _("its stewards")},
        "",
        _("Source: %(url)s") % {"url": base_url + call.get_absolute_url()},
        _("Exported on %(date)s.")
        % {"date": timezone.localtime(exported_at).isoformat(timespec="seconds")},
        "",
        "## " + _("Licenses"),
        "",
        _("Resources of this call may use these licenses: %(licenses)s.") % {"licenses": allowed},
        _(
            "Each resource folder holds its own LICENSE file and attribution.json: keep the credit "
            "line they give with any reuse."
        ),
        "",
        "## " + _("Contents"),
        "",
        _(
            "For each resource, a folder named after it holds its validated text (the latest one "
            "when no version was validated yet) with its metadata, LICENSE, attribution.json, "
            "reviews.json, and versions/ with every version's text and versions.json."
        ),
        "",
    ]
    lines += [f"- `{slug}/` — {title} ({license})" for slug, title, license in resources]
    lines += ["", *_files_readme(file_rows)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _versions_with_text(resource):
    """The resource's versions, oldest first, with their texts read a batch at a time.

    The metadata streams from one server-side cursor; the texts come from
    reversion's snapshots with one query per batch (resources.reading), so
    a long history costs a handful of queries and one batch in memory.
    """
    rows = (
        ResourceVersion.objects.filter(resource=resource)
        .select_related("author")
        .defer("html", "authorship")
        .order_by("number")
        .iterator(chunk_size=VERSION_BATCH)
    )
    for batch in itertools.batched(rows, VERSION_BATCH):
        reading.load_contents(batch)
        yield from batch


def _resource_entries(archive, resource, *, request):
    """Write one resource's folder; yields nothing itself, the caller drains after each call."""
    credit = attribution_for(resource)
    displayed = credit.version.number
    folder = resource.slug
    versions = []
    displayed_text = ""
    for version in _versions_with_text(resource):
        text = version.content
        if version.number == displayed:
            displayed_text = text
        meta = {**version_summary(version), "title": version.title}
        body = f"---\n{_yaml({**meta, 'license': resource.license})}---\n\n{text}"
        _write(archive, f"{folder}/versions/v{version.number:04d}.md", body, version.created_at)
        versions.append(meta)
        yield
    moment = credit.version.created_at
    _write(archive, f"{folder}/versions/versions.json", _json(versions), moment)
    _write(
        archive,
        f"{folder}/{folder}.md",
        markdown_document(credit, displayed_text, request=request),
        moment,
    )
    _write(archive, f"{folder}/LICENSE", license_text(credit, request=request), moment)
    _write(archive, f"{folder}/attribution.json", _json(credit.as_dict(request)), moment)
    yield from _file_entries(archive, resource)
    reviews = (
        Review.objects.filter(version__resource=resource)
        .select_related("reviewer")
        .annotate(number=F("version__number"))
        .order_by("version__number", "created_at", "pk")
    )
    _write(
        archive,
        f"{folder}/reviews.json",
        _json([_review_dict(review, review.number) for review in reviews.iterator(chunk_size=500)]),
        moment,
    )
    yield


def _file_entries(archive, resource):
    """The resource's files: the latest bytes at files/NAME, older ones in files/revisions/.

    Read from the storage one file at a time; a LICENSE beside a file whose
    license is not the resource's; files.json describes every revision.
    """
    described, moment = [], None
    for revision in resource_files.every_revision(resource):
        name = revision.file.name
        latest = revision.pk == revision.file.latest_id
        path = f"files/{name}" if latest else f"files/revisions/r{revision.number}-{name}"
        try:
            with default_storage.open(revision.storage_path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # bytes lost from the storage: the rest of the export still goes out
        _write(archive, f"{resource.slug}/{path}", data, revision.created_at, compress=False)
        if latest and revision.license != resource.license:
            info = licenses.get(revision.license)
            text = f"{info.name}\n{info.url}\n" if info else ""
            _write(
                archive,
                f"{resource.slug}/files/{name}.LICENSE",
                text
                + f"SPDX-License-Identifier: {revision.license}\n\n"
                + _("Uploaded by %(name)s.") % {"name": revision.uploaded_by.name}
                + "\n",
                revision.created_at,
            )
        moment = max(moment or revision.created_at, revision.created_at)
        described.append(
            {
                "name": name,
                "path": path,
                "revision": revision.number,
                "content_type": revision.content_type,
                "size": revision.size,
                "sha256": revision.sha256,
                "license": revision.license,
                "uploaded_by": revision.uploaded_by.username,
                "created_at": revision.created_at.isoformat(),
            }
        )
        yield
    if described:
        _write(archive, f"{resource.slug}/files/files.json", _json(described), moment)


def call_archive(call, *, request=None):
    """Yield the bytes of a zip of the whole call as they are written (see module docstring)."""
    exported_at = timezone.now()
    base_url = absolute_url("/", request).rstrip("/")
    pipe = _Pipe()
    resources = Resource.objects.filter(call=call).order_by("slug")
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        listing = resources.values_list("slug", "title", "license")
        file_rows = (
            ResourceFile.objects.filter(resource__call=call)
            .order_by("resource__slug", "name")
            .values_list(
                "resource__slug",
                "name",
                "latest__license",
                "latest__uploaded_by__display_name",
                "latest__uploaded_by__username",
            )
        )
        _write(
            archive,
            "README.md",
            readme(
                call,
                listing.iterator(),
                base_url=base_url,
                exported_at=exported_at,
                file_rows=file_rows.iterator(),
            ),
            exported_at,
        )
        yield pipe.drain()
        rows = resources.with_versions().select_related("derived_from__resource__call")
        for resource in rows.iterator(chunk_size=50):
            resource.call = call
            for _written in _resource_entries(archive, resource, request=request):
                if data := pipe.drain():
                    yield data
    yield pipe.drain()


def call_archive_response(call, *, request=None):
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = StreamingHttpResponse(
        call_archive(call, request=request), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-{stamp}.zip"'
    return response
