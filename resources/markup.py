"""Markdown to safe HTML: the one function whose output templates mark safe.

Every piece of user Markdown (resource text, call and challenge descriptions,
review comments) goes through `render_markdown` once, when it is saved; the
stored HTML is what pages and the API show. Changing the allowlist below
means re-rendering what is stored: `python manage.py rerender_markdown`.
"""

import threading
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.text import slugify

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
        "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_CLASSES = {"toc", "footnote", "footnote-ref", "footnote-backref"}


def _allowed_attribute(tag, name, value):
    if name in {"title"}:
        return True
    if name == "id":
        return tag in {"h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div"}
    if name == "class":
        return value in _CLASSES
    if tag == "a":
        return name in {"href", "rel"}
    if tag == "img":
        if name == "src":
            # Images only from https: no tracking over http, no data: payloads.
            return urlsplit(value.strip()).scheme.lower() == "https"
        return name in {"alt", "width", "height"}
    if tag in {"th", "td"}:
        return name in {"align", "colspan", "rowspan"}
    if tag == "ol":
        return name == "start"
    return False


class _ExternalLinkFilter(Filter):
    """Links to other sites get rel="nofollow ugc noopener": user content must not pass rank."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if urlsplit(href).scheme.lower() in {"http", "https"}:
                    attrs[(None, "rel")] = "nofollow ugc noopener"
                else:
                    attrs.pop((None, "rel"), None)
            yield token


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,  # disallowed markup is shown as text: nothing typed is silently lost
    strip_comments=True,
    filters=[_ExternalLinkFilter],
)


def _slugify_heading(value, separator):
    return slugify(value) or "section"


_EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "sane_lists"]
_EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "toc": {"slugify": _slugify_heading, "toc_depth": "2-4"},
}
_local = threading.local()


def _converter():
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
        )
    return md.reset()


def render_markdown(text):
    """Markdown -> sanitized HTML. Safe to mark safe; never call it per request."""
    if not text:
        return ""
    return _cleaner.clean(_converter().convert(text))
