"""Real-browser tests: Playwright for Python driving Debian's chromium.

Playwright cannot download its own browser on these machines; .ci/run
installs Debian's `chromium` and these tests launch it by path. Without it
(a laptop without chromium) the e2e tests are skipped with a clear reason.
"""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory and the server's threads share its one
    connection: two requests at once (a live preview while a file uploads) broke each
    other. Connections stay threaded (chromium keeps them open); only the application
    call, body included, is serialised.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def serialised(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serialised)


LiveServerThread.server_class = OneRequestAtATimeServer


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Playwright's sync API keeps an event loop running in this thread; the ORM calls of
    the test body and of the database teardown are synchronous on purpose. Allowed around
    each browser test only, never for the whole session: `check --deploy`
    (tests/security) rightly refuses this variable."""
    if item.get_closest_marker("e2e") is None:  # hooks of a conftest see every item
        yield
        return
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason=f"chromium not found at {CHROMIUM}"))


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module: its event loop stops before other folders' tests run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(locale="fr-FR", width=1280) -> a page on its own context, base URL set."""
    contexts = []

    def make(locale="fr-FR", width=1280, height=900):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, username, password):
    from tests.conftest import PASSWORD

    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations of the given impacts on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in impacts
    ]


LONG_TEXT = """# Guide des nappes phréatiques

Les nappes se rechargent en hiver. Voir https://www.example.org/un/tres/long/chemin/sans/espace/aucun/pour/verifier/que/la/page/ne/deborde/jamais/sur/un/telephone/etroit/index.html pour les détails.

## Mesures

| Station | Commune | Profondeur (m) | Tendance sur dix ans | Dernière mesure | Responsable du suivi |
|---|---|---|---|---|---|
| BSS001 | Rennes-la-Grande-Ville | 12,5 | en baisse régulière | 2026-01-15 | Service départemental de l'eau |
| BSS002 | Saint-Malo-sur-Mer | 8,1 | stable | 2026-01-16 | Syndicat intercommunal |

## Script de relevé

```python
def niveau_moyen(releves_de_la_station_pendant_toute_la_periode_de_mesure_retenue):
    return sum(releves_de_la_station_pendant_toute_la_periode_de_mesure_retenue) / len(releves_de_la_station_pendant_toute_la_periode_de_mesure_retenue)
```

Mesurer le niveau chaque mois, et noter la date.
"""  # noqa: E501 (long lines are the point: the page must not overflow)


@pytest.fixture
def resource_fields():
    return {"title": "Guide des nappes", "content": LONG_TEXT, "comment": "Premier jet"}


@pytest.fixture
def resource(resource, charlie):
    """The root `resource` with a table, code and a long URL, and a second version by charlie."""
    from resources.editing import edit_resource

    edit_resource(
        resource=resource,
        author=charlie,
        content=LONG_TEXT.replace("en hiver", "surtout en hiver"),
        base_version=1,
        comment="Précision",
    )
    resource.refresh_from_db()
    return resource


def tab_to(page, selector, max_tabs=80):
    """Press Tab until the focused element matches `selector`, as a keyboard user does."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{selector} not reached in {max_tabs} tabs; focus is on {focused}")
