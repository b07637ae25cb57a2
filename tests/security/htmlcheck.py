"""What "no executable markup" means, checked on a parsed page.

Used by the XSS corpus tests: a response passes when nothing in it could
run script or send the reader elsewhere, whatever a user typed.
"""

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "srcset",
    "dynsrc",
    "lowsrc",
    "cite",
    "codebase",
}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# Whitespace, control and invisible characters a browser drops inside a scheme.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _scheme_of(value):
    # The parser has already decoded the entities once, as a browser does;
    # decoding again would see schemes no browser sees ("javascript&amp;colon;").
    return _INVISIBLE.sub("", value or "").lower()


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        where = self.getpos()
        attrs_dict = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{where} <{tag}> has event handler {name}={value!r}")
            if name == "style":
                self.problems.append(f"{where} <{tag}> has a style attribute")
            if name in URL_ATTRIBUTES and _scheme_of(value).startswith(BAD_SCHEMES):
                self.problems.append(f"{where} <{tag} {name}={value!r}>")
            if name == "srcdoc":
                self.problems.append(f"{where} <{tag}> has srcdoc")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"{where} forbidden element <{tag}>")
        elif tag == "script":
            self._in_script = True
            src = attrs_dict.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"{where} <script> not from our static files: {src!r}")
        elif tag == "style":
            self.problems.append(f"{where} <style> element")
        elif tag == "meta" and "http-equiv" in attrs_dict:
            self.problems.append(f"{where} <meta http-equiv>")
        elif tag == "link":
            href = attrs_dict.get("href") or ""
            rel = (attrs_dict.get("rel") or "").lower()
            if rel in {"stylesheet", "import", "preload", "modulepreload"} and not href.startswith(
                "/static/"
            ):
                self.problems.append(f"{where} <link rel={rel}> not from our static files")
        elif tag == "form":
            action = (attrs_dict.get("action") or "").strip()
            method = (attrs_dict.get("method") or "get").lower()
            own = action == "" or (action.startswith("/") and not action.startswith("//"))
            if not own or method not in {"get", "post"}:
                self.problems.append(f"{where} <form action={action!r} method={method!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"{self.getpos()} inline script {data[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def html_problems(text):
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.problems


def json_html_problems(data, path="$"):
    """The same check on every "html" / "*_html" string of a JSON answer."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and (key == "html" or key.endswith("_html")):
                problems += [f"{path}.{key}: {p}" for p in html_problems(value)]
            else:
                problems += json_html_problems(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            problems += json_html_problems(item, f"{path}[{index}]")
    return problems
