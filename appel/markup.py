"""Markdown to safe HTML: the one function whose output templates mark safe.

Every piece of user Markdown (resource text, call and challenge descriptions,
review comments) goes through `render_markdown` once, when it is saved; the
stored HTML is what pages and the API show. Changing the allowlist below
means re-rendering what is stored: `python manage.py rerender_markdown`.
"""

import ctypes
import html
import re
import threading
import xml.etree.ElementTree as etree
from typing import Protocol
from urllib.parse import unquote, urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.text import slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
        "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_CLASSES = {
    "toc", "footnote", "footnote-ref", "footnote-backref",
    "wikilink", "wikilink-missing", "wikilink-note",
}  # fmt: skip
# The one kind of same-site image a text may show: a file of a resource, as
# `files/NAME` resolves (see Links below). Any other image must be https.
_LOCAL_FILE = re.compile(r"/calls/[-\w]+/resources/[-\w]+/files/[^/?#\\\s]+")


def _split(url):
    """urlsplit, or None for what it cannot parse (such as "https://[x"): never an error."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _allowed_attribute(tag, name, value):
    if name in {"title"}:
        return True
    if name == "id":
        return tag in {"h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div"}
    if name == "class":
        return value in _CLASSES
    if name == "lang":
        return tag == "span" and value in {"fr", "en"}
    if tag == "a":
        return name in {"href", "rel"}
    if tag == "img":
        if name == "src":
            # Images only from https: no tracking over http, no data: payloads.
            parts = _split(value)
            if parts is not None and _LOCAL_FILE.fullmatch(value):
                return True
            return parts is not None and parts.scheme.lower() == "https"
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
                href = _split(attrs.get((None, "href"), ""))
                # "//host/path" leaves the site too, without a scheme.
                if href is None or href.scheme.lower() in {"http", "https"} or href.netloc:
                    attrs[(None, "rel")] = "nofollow ugc noopener"
                else:
                    attrs.pop((None, "rel"), None)
            yield token


def _new_cleaner():
    return bleach.sanitizer.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,  # disallowed markup is shown as text: nothing typed is silently lost
        strip_comments=True,
        filters=[_ExternalLinkFilter],
    )


def _slugify_heading(value, separator):
    return slugify(value) or "section"


class Links(Protocol):
    """What a text's relative references point to; the resource being rendered provides it.

    `files/NAME` becomes `file_url(NAME)`; `[[slug]]` and `[[slug|text]]`
    become a link to `page(slug)` ((url, title) of a resource of the same
    call, or None when there is none), or to `new_page_url(slug, title)`, the
    creation of the missing one. Without Links (call descriptions, reviews),
    both are left as typed.
    """

    def file_url(self, name: str) -> str: ...

    def page(self, slug: str) -> tuple[str, str] | None: ...

    def new_page_url(self, slug: str, title: str) -> str: ...


MISSING_NOTES = (("fr", "à écrire"), ("en", "to be written"))
# [[slug]] or [[slug|text]]: slugs as resources get them (resources/editing.py).
WIKILINK = re.compile(r"\[\[([-a-z0-9_]{1,80})(?:\|([^\]\n]{1,200}))?\]\]")


class _WikiLinks(InlineProcessor):
    def __init__(self, md):
        super().__init__(WIKILINK.pattern, md)

    def handleMatch(self, m, data):
        links = getattr(self.md, "links", None)
        if links is None:
            return None, None, None
        slug, text = m.group(1), (m.group(2) or "").strip()
        element = etree.Element("a")
        found = links.page(slug)
        if found is not None:
            url, title = found
            element.set("href", url)
            element.set("class", "wikilink")
            element.text = text or title
        else:
            title = text or slug.replace("-", " ").replace("_", " ").strip().capitalize()
            element.set("href", links.new_page_url(slug, title))
            element.set("class", "wikilink-missing")
            element.text = text or title
            # Stored HTML serves both languages: each note says "to be written" in one, and
            # the stylesheet shows the one of the page's language (exports show both).
            for lang, note in MISSING_NOTES:
                span = etree.SubElement(element, "span")
                span.set("class", "wikilink-note")
                span.set("lang", lang)
                span.text = f" ({note})"
        return element, m.start(0), m.end(0)


class _FileReferences(Treeprocessor):
    """`![alt](files/NAME)` and `[text](files/NAME)` point to the resource's file NAME."""

    def run(self, root):
        links = getattr(self.md, "links", None)
        if links is None:
            return
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            value = element.get(attribute) if attribute else None
            if value and value.startswith("files/"):
                name = unquote(value[len("files/") :])
                if name and "/" not in name and "\\" not in name:
                    element.set(attribute, links.file_url(name))


class _LinksExtension(markdown.Extension):
    def extendMarkdown(self, md):
        # Before links (160) and references (170), after code spans (190) and escapes (180).
        md.inlinePatterns.register(_WikiLinks(md), "wikilink", 175)
        md.treeprocessors.register(_FileReferences(md), "file_references", 5)


_EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "sane_lists", _LinksExtension()]
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


def _cleaner():
    """One cleaner per thread: bleach's keeps parser state between calls."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner


# Some texts make Python-Markdown work in quadratic time (thousands of "["
# never closed: 8,000 of them take 30 s), or recurse once per level of
# nesting ("- - - - ... x", 800 levels: RecursionError). Such shapes are
# recognised before rendering and shown as typed; what is left is bounded by
# a time guard that follows the text's size: about 2 s for a comment, 6 s
# for the largest text (a 1 MB document renders in about 2 s; a megabyte of
# one-word list items and table rows would take 10 s). A save renders while
# it holds the resource's row lock. The live preview passes a shorter guard.
RENDER_SECONDS_BASE = 2
RENDER_SECONDS_PER_MB = 4
# Deeper than this, lists and quotes are not a document any reader could follow.
MAX_NESTING = 30
MAX_UNCLOSED_BRACKETS = 500
_NESTED_LINE = re.compile(rf"^[ \t]*(?:(?:[-*+>]|\d{{1,9}}[.)])[ \t]+){{{MAX_NESTING + 1}}}", re.M)


def render_seconds(text):
    return RENDER_SECONDS_BASE + RENDER_SECONDS_PER_MB * len(text) / 1_000_000


def _pathological(text):
    """True for the shapes that make the renderer quadratic or recursive (see above)."""
    if text.count("[") - text.count("]") > MAX_UNCLOSED_BRACKETS:
        return True
    return _NESTED_LINE.search(text) is not None


class _Overtime(Exception):
    """Raised inside the rendering thread once its time is up."""


def _within(seconds, work):
    """work(), interrupted by _Overtime after `seconds`.

    A timer thread raises the exception in this thread (CPython's async
    exceptions): no cost while rendering, unlike a trace function. The lock
    makes sure it can never fire once work() is over.
    """
    ident = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}
    raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def fire():
        with lock:
            if not state["done"]:
                state["fired"] = True
                raise_in(ctypes.c_ulong(ident), ctypes.py_object(_Overtime))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        return work()
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                raise_in(ctypes.c_ulong(ident), None)  # not delivered yet: withdrawn
        timer.cancel()


def _unformatted(text):
    """The text as typed, escaped: what readers get when it cannot be rendered in time."""
    return f"<pre>{html.escape(text, quote=False)}</pre>"


def render_markdown(text, *, links=None, seconds=None):
    """Markdown -> sanitized HTML. Safe to mark safe; never call it per request.

    `links` (a Links) resolves `files/NAME` and `[[slug]]`; the sanitizer
    judges its output like any other HTML. `seconds` caps the time guard
    below render_seconds(text) (the preview's).
    """
    if not text:
        return ""
    if _pathological(text):
        return _unformatted(text)
    guard = render_seconds(text) if seconds is None else min(seconds, render_seconds(text))

    def render():
        md = _converter()
        md.links = links
        try:
            return _cleaner().clean(md.convert(text))
        finally:
            md.links = None

    try:
        return _within(guard, render)
    except (_Overtime, RecursionError):
        # Stopped midway: start the next text with a fresh converter and cleaner.
        _local.md = _local.cleaner = None
        return _unformatted(text)
