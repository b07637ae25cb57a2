"""Hostile Markdown through the real save path (API create and edit): nothing stored can run.

The stored HTML is parsed back with the standard library's parser, as a
browser would read it, and checked against the allowlist of
appel/markup.py: known tags only, no event handler, no style, and only
http(s)/mailto or relative links and images.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from appel import markup
from resources.models import ResourceVersion
from tests.conftest import client_for

from .conftest import API, SLUG

HOSTILE = [
    # script and event handlers
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<img src="https://ok.example/a.png" onload="alert(1)">',
    '<p onclick="alert(1)">x</p>',
    "<div onmouseover=alert(1)>x</div>",
    '<a href="#" onfocus=alert(1) autofocus>x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<video><source onerror=alert(1)></video>",
    '<a href="x" title="&quot; onmouseover=&quot;alert(1)">x</a>',
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    # javascript:, vbscript:, data: in every Markdown link form
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#9;ascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: &#106;avascript:alert(1)",
    '[ref]\n\n[ref]: <javascript:alert(1)> "t"',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "![x](https://[broken)",
    # raw <a href> with encoded or mixed-case schemes
    '<a href="javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#x20;javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="java&Tab;script:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    '<a href="  &#14;  javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    # raw HTML blocks, SVG, MathML
    "<div>\n<script>alert(1)</script>\n</div>",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # style
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<span style="position:fixed;top:0">x</span>',
    # frames, objects, forms, meta, base
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<img src="https://ok.example/a.png" srcset="javascript:alert(1)">',
    # through other Markdown constructs
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "```\n</code><script>alert(1)</script>\n```",
    "[^1]\n\n[^1]: <script>alert(1)</script>",
    "# <img src=x onerror=alert(1)>",
    "[TOC]\n\n## <script>alert(1)</script>",
    "> <a href='javascript:alert(1)'>x</a>",
    "- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
]

ALLOWED_ATTRIBUTES = {
    "href", "rel", "title", "id", "class", "src", "alt", "width", "height",
    "align", "colspan", "rowspan", "start",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Checker(HTMLParser):
    """Collects every way the HTML could run code, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in markup.ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in {"href", "src"} and not _safe_url(value or ""):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def _safe_url(value):
    # Attribute values come entity-decoded; browsers also drop whitespace and
    # control characters inside a scheme, so this drops them all first.
    squeezed = "".join(ch for ch in value if ch > " " and ch != "\x7f")
    try:
        scheme = urlsplit(squeezed).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES


def problems(html):
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def test_there_are_enough_hostile_inputs():
    assert len(set(HOSTILE)) >= 50


def test_the_checker_catches_what_it_must():
    assert problems('<a href="javascript:alert(1)">x</a>')
    assert problems('<a href="&#106;avascript:alert(1)">x</a>')
    assert problems('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert problems("<p onclick=x>y</p>") and problems('<p style="x">y</p>')
    assert problems("<script>x</script>") and problems("<iframe></iframe>")
    assert not problems('<p><a href="https://ok.example" rel="nofollow ugc noopener">x</a></p>')
    assert not problems('<a href="#top">t</a> <a href="/local">l</a> <a href="mailto:a@b.c">m</a>')


@pytest.mark.parametrize("payload", HOSTILE)
def test_it_stores_nothing_executable_when_a_resource_is_created(call, bob, payload):
    body = {"title": "Essai", "content": f"Avant.\n\n{payload}\n\nAprès.\n"}
    response = client_for(bob).post(API, body, format="json")
    assert response.status_code == 201, response.json()
    stored = ResourceVersion.objects.get(resource__slug=response.json()["slug"], number=1)
    assert "Après." in stored.html
    assert problems(stored.html) == []


@pytest.mark.parametrize("payload", HOSTILE)
def test_it_stores_nothing_executable_when_a_resource_is_edited(resource, charlie, payload):
    body = {"content": f"# Carte\n\n{payload}\n", "base_version": 1}
    response = client_for(charlie).post(f"{API}/{SLUG}/versions", body, format="json")
    assert response.status_code == 201, response.json()
    stored = ResourceVersion.objects.get(resource=resource, number=2)
    assert problems(stored.html) == []
    assert response.json()["html"] == stored.html


def test_it_marks_links_to_other_sites(call, bob):
    content = "[a](https://ok.example) [b](//other.example/x) [c](/calls/) [d](#carte)"
    response = client_for(bob).post(API, {"title": "Liens", "content": content}, format="json")
    html = ResourceVersion.objects.get(resource__slug=response.json()["slug"]).html
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert '<a href="/calls/">c</a>' in html and '<a href="#carte">d</a>' in html


def test_it_shows_a_text_that_cannot_be_rendered_in_time_as_typed(call, bob, monkeypatch):
    monkeypatch.setattr(markup, "RENDER_SECONDS_BASE", 0.01)
    monkeypatch.setattr(markup, "RENDER_SECONDS_PER_MB", 0)
    content = "[x](#y) *a* " * 20_000 + "<script>alert(1)</script>"
    response = client_for(bob).post(API, {"title": "Bombe", "content": content}, format="json")
    assert response.status_code == 201
    html = ResourceVersion.objects.get(resource__slug="bombe").html
    assert html.startswith("<pre>[x](#y)") and "&lt;script&gt;" in html
    assert problems(html) == []


@pytest.mark.parametrize(
    "content",
    ["[" * 20_000, "- " * 800 + "x", "1. " * 800 + "x", "> - " * 400 + "x", "* + " * 400 + "x"],
)
def test_it_shows_a_text_too_deep_or_too_open_to_render_as_typed(content):
    """Unclosed brackets are quadratic in Python-Markdown, nested lists recursive."""
    html = markup.render_markdown(content + "<script>alert(1)</script>")
    assert html.startswith("<pre>") and "&lt;script&gt;" in html
    assert problems(html) == []


def test_it_renders_lists_nested_as_deep_as_documents_go():
    html = markup.render_markdown("- " * 6 + "x")
    assert html.count("<ul>") == 6


def test_its_time_guard_follows_the_size_of_the_text():
    assert markup.render_seconds("x" * 1_000) < 2.1
    assert 5 < markup.render_seconds("x" * 1_000_000) < 7


def test_the_preview_gets_two_seconds_at_most(bob, client, monkeypatch):
    guards = []
    real = markup._within
    monkeypatch.setattr(
        markup, "_within", lambda seconds, work: guards.append(seconds) or real(seconds, work)
    )
    client.force_login(bob)
    assert client.post("/preview/", {"content": "*x*"}).status_code == 200
    assert guards == [2]
