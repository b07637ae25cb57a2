#!/usr/bin/env python
"""`make bench`: do pages, saves and history stay fast as a call grows?

Builds the dataset of bench/dataset.py once (SQLite file bench/bench.sqlite3
by default, PostgreSQL when DATABASE_URL says so), reuses it while the
generator version is unchanged, runs every measure, prints one line per
figure and per target (PASS/FAIL), and writes bench/results.json: a flat
object, milliseconds as medians over at least 50 warm requests, queries as
counts for one request. A page that does not exist yet is a FAIL line
marked "missing", never a crash. The run exits 0 even when targets fail:
it is a report. docs/performance.md explains every key.

    .venv/bin/python bench/run.py                 # everything (< 10 min once built)
    .venv/bin/python bench/run.py --only pages,save
    .venv/bin/python bench/run.py --profile       # + cProfile of each page, to a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appel_bench .venv/bin/python bench/run.py
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEFAULT_SQLITE = BENCH / "bench.sqlite3"
RESULTS = BENCH / "results.json"
GROUPS = (
    "pages",
    "changes",
    "save",
    "people",
    "diff",
    "search",
    "similar",
    "dashboard",
    "hub",
    "conditional",
    "lists",
    "files",
    "throughput",
    "export",
)

sys.path.insert(0, str(ROOT))


def configure_environment(database_url):
    """Before django.setup(): the dataset's database, production-like settings."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "appel.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["RATE_LIMITS"] = "off"
    # As in production: a save enqueues its notification task in the database
    # (django_tasks_db); no worker runs it during the bench.
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")


# ---------------------------------------------------------------- results and targets


class Report:
    """The figures (results.json) and the target lines (PASS / FAIL / missing)."""

    def __init__(self):
        self.values = {}
        self.lines = []  # (label, value text, target text, status)
        self.notes = []

    def set(self, key, value, target=None, ok=None, unit="", digits=2):
        if isinstance(value, float):
            value = round(value, digits)
        self.values[key] = value
        if target is None:
            self._line(key, value, "", "info", unit)
        else:
            self._line(key, value, target, "PASS" if ok else "FAIL", unit)

    def check(self, label, ok, target, detail=""):
        """A target that spans several figures (e.g. the same count for 20 and 2,000 versions)."""
        self._line(label, detail, target, "missing" if ok is None else ("PASS" if ok else "FAIL"))

    def missing(self, key, why, target="", required=True):
        """A figure that could not be taken; counted as failed when the issue asks for it."""
        self.values[key] = None
        self._line(key, why, target, "missing" if required else "absent")

    def _line(self, label, value, target, status, unit=""):
        text = "" if value is None else f"{value}{(' ' + unit) if unit else ''}"
        self.lines.append((label, text, target, status))
        print(f"  {status:<7} {label:<34} {text:<28} {target}", flush=True)

    @property
    def passed(self):
        return sum(1 for *_, status in self.lines if status == "PASS")

    @property
    def failed(self):
        return sum(1 for *_, status in self.lines if status in ("FAIL", "missing"))


class Missing(Exception):
    """A page or endpoint that is not there yet (its URL name or path does not resolve)."""


class Broken(Exception):
    """A page answered something else than 200."""


def ms(seconds):
    return seconds * 1000


# ---------------------------------------------------------------- the dataset


def database_url(args):
    return args.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def ensure_postgres_database(url, *, recreate=False):
    """Create the bench database on the server when it does not exist yet (or anew)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating PostgreSQL database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def remove_sqlite(path):
    from django.db import connections

    connections.close_all()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare_dataset(args, url):
    """Reuse a complete dataset of this generator version, else (re)build it."""
    from django.core.management import call_command
    from django.db import connection

    from appel.models import Call, User
    from bench import dataset

    is_default_sqlite = url == f"sqlite:///{DEFAULT_SQLITE}"
    call_command("migrate", verbosity=0, interactive=False)
    call = Call.objects.filter(slug=dataset.CALL_SLUG).first()
    if call and call.summary == dataset.marker(dataset.FULL) and not args.rebuild:
        print(f"Dataset: reusing {connection.vendor} database ({dataset.FULL.signature})")
        dataset.add_people(call)  # a dataset built before the people existed gets them once
        return call
    foreign = Call.objects.exclude(slug=dataset.CALL_SLUG).exists() or (
        User.objects.exclude(username__startswith="bench").exists()
    )
    if foreign and not is_default_sqlite:
        sys.exit(
            "This database holds data that is not the benchmark's: point DATABASE_URL at a "
            "database of its own (e.g. postgres://postgres@127.0.0.1:5432/appel_bench)."
        )
    if call or foreign:
        print("Dataset: removing an incomplete or older dataset")
        # A new database rather than a flush: data migrations (the funders group) run again.
        if connection.vendor == "sqlite":
            remove_sqlite(connection.settings_dict["NAME"])
        elif connection.vendor == "postgresql":
            connection.close()
            ensure_postgres_database(url, recreate=True)
        else:
            sys.exit("Remove this database by hand, or point DATABASE_URL at another one.")
        call_command("migrate", verbosity=0, interactive=False)
    how = "through the domain functions" if args.domain else "fast path, 2 worker processes"
    print(f"Dataset: building {dataset.FULL.signature} ({how})")
    started = time.monotonic()
    call = dataset.build(
        dataset.FULL, fast=not args.domain, workers=2, progress=lambda m: print(m, flush=True)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:  # threads and posts were written in bulk, around the signals of the search index
        call_command("rebuild_search_index")
    print(f"Dataset: built in {time.monotonic() - started:.0f} s")
    return call


# ---------------------------------------------------------------- in-process pages


def url_for(name, *args, query=None):
    """The URL of a named page, or Missing while nobody has written it."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        raise Missing(f"no URL named {name}") from None
    return f"{url}?{urlencode(query)}" if query else url


def api_path(path, query=None):
    """An API path fixed by shared/API.md, or Missing while it does not resolve."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        raise Missing(f"{path} does not resolve") from None
    return f"{path}?{urlencode(query)}" if query else path


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise Broken(f"{url} answered {response.status_code}")
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
    return response


def median_ms(client, urls, *, n=60, warm=5, before=None):
    """Median time of n requests cycling over urls, after untimed ones (each URL once, >= `warm`).

    `before()`, when given, runs before each timed request, outside the timing.
    """
    for i in range(max(warm, len(urls))):
        fetch(client, urls[i % len(urls)])
    times = []
    for i in range(n):
        url = urls[i % len(urls)]
        if before:
            before()
        started = time.perf_counter()
        fetch(client, url)
        times.append(time.perf_counter() - started)
    return ms(statistics.median(times))


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch(client, url)  # warm: caches, connection
    with CaptureQueriesContext(connection) as context:
        fetch(client, url)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


class Profiler:
    """--profile: cProfile of 20 requests of each page, top functions to a text file."""

    def __init__(self, enabled):
        self.folder = Path(tempfile.gettempdir()) / "appel-bench-profiles" if enabled else None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)

    def page(self, key, client, urls, sql=None):
        if not self.folder:
            return
        profile = cProfile.Profile()
        profile.enable()
        for i in range(20):
            fetch(client, urls[i % len(urls)])
        profile.disable()
        with open(self.folder / f"{key}.txt", "w") as out:
            if sql:
                out.write(f"{len(sql)} queries for one request:\n")
                out.writelines(f"  {q[:400]}\n" for q in sql)
                out.write("\n")
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


def measure_page(report, profiler, client, key, urls, *, target_ms=None, n=60, required=True):
    """`key`_ms (median) and the query count of the first URL; returns the count or None."""
    try:
        urls = [u() if callable(u) else u for u in urls]
        value = median_ms(client, urls, n=n)
        count, sql = queries(client, urls[0])
    except (Missing, Broken) as problem:
        target = f"<= {target_ms} ms" if target_ms else ""
        report.missing(f"{key}_ms", str(problem), target, required=required)
        return None
    if target_ms is None:
        report.set(f"{key}_ms", value, unit="ms")
    else:
        report.set(f"{key}_ms", value, f"<= {target_ms} ms", value <= target_ms, "ms")
    profiler.page(key, client, urls, sql)
    return count


def measure_uncached_page(report, client, urls):
    """For information: the resource page when its parts are not cached (a first visit)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report.set(
        "resource_page_uncached_ms", median_ms(client, urls, n=60, before=cache.clear), unit="ms"
    )
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        fetch(client, urls[0])
    report.values["resource_page_uncached_queries"] = len(context.captured_queries)


def query_target(report, key, counts, *, limit=10):
    """At most `limit` queries, the same count whatever the history length."""
    known = [c for c in counts.values() if c is not None]
    detail = ", ".join(f"{label} {count}" for label, count in counts.items())
    if len(known) != len(counts):
        report.missing(key, detail, f"<= {limit}, equal")
        return
    ok = max(known) <= limit and len(set(known)) == 1
    report.check(key, ok, f"<= {limit}, equal for 20 and 2,000 versions", detail)


def _page_links(html, path):
    """{(parameter, number)} of the links to `path` whose parameter is named like a page."""
    found = set()
    for href in re.findall(r'href="([^"]+)"', html):
        parts = urlsplit(unescape(href))
        if parts.path not in ("", path):
            continue
        for name, value in parse_qsl(parts.query):
            if value.isdigit() and "page" in name:
                found.add((name, int(value)))
    return found


def history_last_page(client, first_url):
    """The URL of the history's last page, found the way a reader finds it: by the links.

    From the first page, follow the link with the largest page number until
    no page links further (one hop with a "last" link, one per page with
    "next" links only).
    """
    path = urlsplit(first_url).path
    url, parameter, number = first_url, None, 1
    for _ in range(1000):
        links = _page_links(fetch(client, url).content.decode(), path)
        further = [(n, name) for name, n in links if n > number]
        if not further:
            break
        number, parameter = max(further)
        url = f"{path}?{urlencode({parameter: number})}"
    if parameter is None:
        raise Broken(f"{first_url} has no link to a further page")
    return url, parameter


def run_pages(report, profiler, ctx):
    from django.test import Client

    from bench import dataset

    client = Client(raise_request_exception=False)
    call, cold, hot, sample = ctx["call"], ctx["cold"], ctx["hot"], ctx["sample"]
    c = call.slug

    def detail(slug):
        return url_for("resources:resource-detail", c, slug)

    print("Pages (in process, django.test.Client, anonymous):")
    counts = {}
    counts["20 versions"] = measure_page(
        report,
        profiler,
        client,
        "resource_page",
        [lambda s=s: detail(s) for s in sample],
        target_ms=3,
        n=100,
    )
    counts["2,000 versions"] = measure_page(
        report, profiler, client, "resource_page_hot", [lambda: detail(hot.slug)]
    )
    report.values["resource_page_queries"] = counts["20 versions"]
    report.values["resource_page_queries_hot"] = counts["2,000 versions"]
    query_target(report, "resource_page_queries", counts)
    measure_uncached_page(report, client, [detail(s) for s in sample])

    history = {}
    first_hot = last_hot = None
    try:
        first_hot = url_for("resources:resource-history", c, hot.slug)
        last_hot, parameter = history_last_page(client, first_hot)
        report.notes.append(f"history pagination parameter: {parameter}; last page {last_hot}")
    except (Missing, Broken) as problem:
        report.missing("history_first_page_hot_ms", str(problem))
        report.missing("history_last_page_hot_ms", str(problem))
    if first_hot:
        history["2,000 versions, first page"] = measure_page(
            report, profiler, client, "history_first_page_hot", [first_hot]
        )
        history["2,000 versions, last page"] = measure_page(
            report, profiler, client, "history_last_page_hot", [last_hot]
        )
        first = report.values.get("history_first_page_hot_ms")
        last = report.values.get("history_last_page_hot_ms")
        if first and last:
            report.check(
                "history_last_vs_first",
                last <= 1.2 * first,
                "last page <= 1.2 x first page",
                f"{last / first:.2f} x",
            )
        else:
            report.check("history_last_vs_first", None, "last page <= 1.2 x first page")
    try:
        cold_history = url_for("resources:resource-history", c, cold.slug)
        history["20 versions"] = queries(client, cold_history)[0]
    except (Missing, Broken) as problem:
        history["20 versions"] = None
        report.notes.append(f"history (20 versions): {problem}")
    report.values["history_page_queries_hot"] = history.get("2,000 versions, first page")
    report.values["history_page_queries_cold"] = history.get("20 versions")
    query_target(report, "history_page_queries", history)

    # call_page_ms and call_page_queries: run_hub (the call page lists its communs).

    api = {}

    def api_detail(slug):
        return api_path(f"/api/v1/calls/{c}/resources/{slug}")

    api["20 versions"] = measure_page(
        report, profiler, client, "api_resource", [lambda s=s: api_detail(s) for s in sample]
    )
    api["2,000 versions"] = measure_page(
        report, profiler, client, "api_resource_hot", [lambda: api_detail(hot.slug)]
    )
    report.values["api_resource_queries"] = api["20 versions"]
    report.values["api_resource_queries_hot"] = api["2,000 versions"]
    query_target(report, "api_resource_queries", api)

    attribution = measure_page(
        report,
        profiler,
        client,
        "attribution_hot",
        [lambda: url_for("contributions:resource-attribution", c, hot.slug)],
    )
    report.values["attribution_hot_queries"] = attribution

    # Other pages, for information: where the next slow page would show up.
    n = hot.latest_version.number
    others = {
        "version_page_hot": lambda: url_for("resources:version-detail", c, hot.slug, n),
        "diff_page_hot": lambda: url_for(
            "resources:resource-diff", c, hot.slug, query={"from": n - 1, "to": n}
        ),
        "authors_page_hot": lambda: url_for("contributions:version-authors", c, hot.slug, n),
        "api_history_hot": lambda: api_path(f"/api/v1/calls/{c}/resources/{hot.slug}/versions"),
        "api_version_hot": lambda: api_path(f"/api/v1/calls/{c}/resources/{hot.slug}/versions/{n}"),
        "api_attribution_hot": lambda: api_path(
            f"/api/v1/calls/{c}/resources/{hot.slug}/attribution"
        ),
    }
    for key, url in others.items():
        count = measure_page(report, profiler, client, key, [url], n=50, required=False)
        report.values[f"{key}_queries"] = count
    report.notes.append(f"dataset: {dataset.FULL.signature}")


def run_dashboard(report, profiler, ctx):
    """The steering dashboard of the whole call, as its steward reads it (page and API)."""
    from django.test import Client

    from appel.models import Membership

    steward = ctx["call"].memberships.filter(role=Membership.Role.STEWARD).first().user
    client = Client(raise_request_exception=False)
    client.force_login(steward)
    c = ctx["call"].slug
    print("Dashboard (in process, signed in as the call's steward):")
    count = measure_page(
        report,
        profiler,
        client,
        "dashboard",
        [lambda: url_for("contributions:call-dashboard", c)],
        target_ms=50,
    )
    if count is None:
        report.missing("dashboard_queries", "", "<= 15")
    else:
        report.set("dashboard_queries", count, "<= 15", count <= 15)
    # For information: the first visit after a change, figures computed again.
    from django.core.cache import cache

    dashboard_url = url_for("contributions:call-dashboard", c)
    report.set(
        "dashboard_uncached_ms",
        median_ms(client, [dashboard_url], n=10, warm=1, before=cache.clear),
        unit="ms",
    )
    api = measure_page(
        report,
        profiler,
        client,
        "api_dashboard",
        [lambda: api_path(f"/api/v1/calls/{c}/dashboard")],
        required=False,
    )
    report.values["api_dashboard_queries"] = api


def run_hub(report, profiler, ctx):
    """The call page with its communs listed, and a défi's page, as an anonymous reader."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    call = ctx["call"]
    challenge = call.challenges.order_by("position", "pk").first()
    print("Call hub and défi pages (in process, anonymous):")
    for key, urls in (
        ("call_page", [lambda: url_for("appel:call-detail", call.slug)]),
        (
            "challenge_page",
            [lambda: url_for("appel:challenge-detail", call.slug, challenge.slug)],
        ),
    ):
        count = measure_page(report, profiler, client, key, urls, target_ms=10)
        if count is None:
            report.missing(f"{key}_queries", "", "<= 8")
        else:
            report.set(f"{key}_queries", count, "<= 8", count <= 8)
    # For information: a contributor signed in gets the page rendered for them, the call's
    # figures from the cache (appel/callstats.py), queries for their session and header included.
    reader = Client(raise_request_exception=False)
    reader.force_login(ctx["author"])
    count = measure_page(
        report,
        profiler,
        reader,
        "call_page_signed_in",
        [lambda: url_for("appel:call-detail", call.slug)],
        n=50,
        required=False,
    )
    report.values["call_page_signed_in_queries"] = count


def run_conditional(report, ctx):
    """A resource page asked again with the ETag the browser holds: 304, nothing rendered."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    c = ctx["call"].slug
    print("Conditional GETs (in process, anonymous, If-None-Match):")
    try:
        urls = [url_for("resources:resource-detail", c, slug) for slug in ctx["sample"]]
        tags = {url: fetch(client, url).get("ETag") for url in urls}
    except (Missing, Broken) as problem:
        report.missing("resource_page_304_ms", str(problem), "<= 1.5 ms")
        return
    if not all(tags.values()):
        report.missing("resource_page_304_ms", "no ETag on the resource page", "<= 1.5 ms")
        return
    times = []
    for i in range(100):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH=tags[url])
        times.append(time.perf_counter() - started)
        if response.status_code != 304:
            report.missing("resource_page_304_ms", f"{url} answered {response.status_code}")
            return
    value = ms(statistics.median(times))
    report.set("resource_page_304_ms", value, "<= 1.5 ms", value <= 1.5, "ms")


def run_lists(report, profiler, ctx):
    """A call's resource list and its review queue: fast and constant whatever the call's size."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    c = ctx["call"].slug
    print("List pages (in process, anonymous, first page):")
    pages = {
        "resource_list_page": lambda: url_for("resources:resource-list", c),
        "review_queue_page": lambda: url_for("contributions:review-queue", c),
    }
    for key, url in pages.items():
        count = measure_page(report, profiler, client, key, [url], target_ms=10)
        if count is None:
            report.missing(f"{key}_queries", "", "<= 8")
        else:
            report.set(f"{key}_queries", count, "<= 8", count <= 8)


# ---------------------------------------------------------------- saves, diff, search


def variant(content, i):
    """The text with one word of one paragraph changed: a typical small edit."""
    paragraphs = content.split("\n\n")
    rng = random.Random(i)
    candidates = [k for k, p in enumerate(paragraphs) if p[:1].isalpha()]
    k = rng.choice(candidates)
    words = paragraphs[k].split(" ")
    j = rng.randrange(len(words))
    words[j] = f"modifié{i}"
    paragraphs[k] = " ".join(words)
    return "\n\n".join(paragraphs)


def run_commit_hooks():
    """Run what the COMMIT would run (the on-commit callbacks) inside the open transaction."""
    from django.db import connection

    hooks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, hook, _robust in hooks:
        hook()


def time_saves(resource, author, *, n=60, warm=5, commit_hooks=False):
    """Median of edit_resource on `resource`, each in a transaction rolled back afterwards.

    Rolled back so that the dataset stays as built (and the resource keeps its
    history length); what is left out is the final COMMIT only. With
    `commit_hooks`, what the commit would trigger is timed too: the signal
    of the saved version, whose receiver enqueues the notification task.
    """
    from django.db import transaction

    from resources.editing import edit_resource
    from resources.models import Resource

    resource = Resource.objects.select_related("latest_version").get(pk=resource.pk)
    base = resource.latest_version.number
    times = []
    for i in range(warm + n):
        text = variant(resource.content, i)
        with transaction.atomic():
            started = time.perf_counter()
            result = edit_resource(
                resource=resource, author=author, content=text, base_version=base, comment="bench"
            )
            if commit_hooks:
                run_commit_hooks()
            elapsed = time.perf_counter() - started
            assert result.created and result.version.number == base + 1
            transaction.set_rollback(True)
        if i >= warm:
            times.append(elapsed)
    return ms(statistics.median(times))


def run_save(report, ctx):
    print("Saves (resources.editing.edit_resource, 5 KB text):")
    author = ctx["author"]
    cold = time_saves(ctx["cold"], author)
    hot = time_saves(ctx["hot"], author)
    report.set("save_cold_ms", cold, unit="ms")
    report.set("save_hot_ms", hot, "<= 25 ms", hot <= 25, "ms")
    # A history 100 times longer must not make a save slower: measured in the same run.
    report.set("save_hot_ratio", hot / cold, "<= 1.3", hot <= 1.3 * cold, "x save_cold", digits=3)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from resources.editing import edit_resource

    hot_resource = ctx["hot"]
    hot_resource.refresh_from_db()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        edit_resource(
            resource=hot_resource,
            author=author,
            content=variant(hot_resource.content, 999),
            base_version=hot_resource.latest_version.number,
        )
        transaction.set_rollback(True)
    report.set("save_hot_queries", len(captured.captured_queries))

    # The worst texts an editor can send (see worst_texts): one save each on
    # top of the other text, the slowest one reported, and the word
    # authorship it computed (authorship.derive alone, under the same lock).
    from resources import authorship
    from resources.editing import create_resource

    worst, worst_authorship = [], []
    for name, a, b in worst_texts():
        with transaction.atomic():
            version = create_resource(
                call=ctx["cold"].call, author=author, title=f"Pire cas {name}", content=a
            )
            started = time.perf_counter()
            result = edit_resource(
                resource=version.resource, author=author, content=b, base_version=version.number
            )
            worst.append(time.perf_counter() - started)
            assert result.created
            transaction.set_rollback(True)
        started = time.perf_counter()
        authorship.derive(a, authorship.initial(a, author.pk), b, author.pk)
        worst_authorship.append(time.perf_counter() - started)
    # The rest of a save is Markdown rendering, bounded by its time guard
    # (2 s + 4 s per MB, appel/markup.py): 6 s for the largest text.
    report.set("save_worst_ms", ms(max(worst)), "<= 7000 ms", max(worst) <= 7.0, "ms")
    report.set(
        "authorship_worst_ms",
        ms(max(worst_authorship)),
        "<= 1000 ms",
        max(worst_authorship) <= 1.0,
        "ms",
    )


def run_people(report, ctx):
    """Saving a watched commun, the notifications page, a long thread."""
    from django.db import transaction
    from django.test import Client

    from appel.models import User
    from bench import dataset
    from contributions import tasks
    from contributions.models import Thread, Watch

    print("People (300 watchers, a thread of 200 posts, 300 notifications):")
    hot, author = ctx["hot"], ctx["author"]
    watchers = Watch.objects.filter(resource=hot).count()
    # Interleaved, in rounds: on a shared machine the load moves between two
    # separate series more than the enqueue costs.
    plain, watched = [], []
    for _ in range(5):
        plain.append(time_saves(hot, author, n=12, warm=1))
        watched.append(time_saves(hot, author, n=12, warm=1, commit_hooks=True))
    plain, watched = statistics.median(plain), statistics.median(watched)
    report.set(
        "save_hot_watched_ms",
        watched,
        f"<= 1.3 x save_hot ({plain:.2f} ms, same rounds), {watchers} watchers",
        watched <= 1.3 * plain,
        "ms",
    )
    # For information: the fan-out the task does in the worker, off the request.
    from resources.editing import edit_resource

    times = []
    hot.refresh_from_db()
    for i in range(5):
        with transaction.atomic():
            version = edit_resource(
                resource=hot,
                author=author,
                content=variant(hot.content, 500 + i),
                base_version=hot.latest_version.number,
            ).version
            started = time.perf_counter()
            tasks.notify_version.call(version.pk, author.pk)
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    report.set("fanout_300_watchers_ms", ms(statistics.median(times)), unit="ms")

    reader = Client(raise_request_exception=False)
    reader.force_login(User.objects.get(username=dataset.READER))
    count = measure_page(
        report,
        Profiler(False),
        reader,
        "notifications_page",
        [url_for("contributions:notifications")],
        target_ms=50,
    )
    if count is not None:
        report.set("notifications_page_queries", count, "<= 5", count <= 5)
    thread = Thread.objects.get(call=hot.call, title=dataset.PEOPLE_THREAD)
    url = url_for("contributions:resource-thread", hot.call.slug, hot.slug, thread.pk)
    count = measure_page(
        report,
        Profiler(False),
        Client(raise_request_exception=False),
        "thread_page",
        [url],
        target_ms=100,
    )
    if count is not None:
        report.set("thread_page_queries", count, "<= 5", count <= 5)


def _five_mb_pdf(i):
    """5 MB that pass as a PDF (checked from its first bytes), different each time."""
    body = random.Random(i).randbytes(5_000_000 - 64)
    return b"%PDF-1.7\n" + body + b"\n%%EOF\n"


def _photo(i, size=(1024, 768)):
    """A photo-like JPEG (noise compresses badly, as a real photo's grain does)."""
    import io

    from PIL import Image

    image = Image.frombytes("RGB", size, random.Random(i).randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def run_files(report, ctx):
    """Uploads (resources.files.upload_file) and the resource page showing 20 images.

    Everything runs in transactions rolled back, against a temporary
    MEDIA_ROOT removed at the end: the dataset is left as it was.
    """
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from resources import files
    from resources.editing import edit_resource

    print("Files (resources.files.upload_file, the resource page with 20 images):")
    author, resource = ctx["author"], ctx["cold"]
    media = tempfile.mkdtemp(prefix="appel-bench-media-")
    try:
        with override_settings(MEDIA_ROOT=media):

            def upload(name, data):
                with transaction.atomic():
                    started = time.perf_counter()
                    files.upload_file(
                        resource=resource,
                        uploader=author,
                        upload=SimpleUploadedFile(name, data),
                    )
                    elapsed = time.perf_counter() - started
                    transaction.set_rollback(True)
                return elapsed

            pdfs = [_five_mb_pdf(i) for i in range(12)]
            times = [upload(f"rapport-{i}.pdf", data) for i, data in enumerate(pdfs)]
            report.set(
                "upload_5mb_ms", ms(statistics.median(times[2:])), "<= 300 ms",
                ms(statistics.median(times[2:])) <= 300, "ms",
            )  # fmt: skip
            photos = [_photo(i) for i in range(8)]
            times = [upload(f"photo-{i}.jpg", data) for i, data in enumerate(photos)]
            report.set("upload_photo_ms", ms(statistics.median(times[2:])), unit="ms")
            report.notes.append(
                f"upload_photo: a {len(photos[0]) // 1000} kB 1024x768 JPEG, decoded, "
                "re-encoded without EXIF and thumbnailed"
            )

            client = Client(raise_request_exception=False)
            page = url_for("resources:resource-detail", resource.call.slug, resource.slug)
            # Counted at once: a capture reads the connection's log (9,000 queries at most)
            # when asked, not when it ends.
            connection.queries_log.clear()
            cache.clear()
            with CaptureQueriesContext(connection) as capture:
                fetch(client, page)
            plain_first = len(capture)
            plain_ms = median_ms(client, [page], n=100)
            plain_count, _sql = queries(client, page)
            with transaction.atomic():
                resource.refresh_from_db()
                text = resource.content + "".join(
                    f"\n![Photo {n}](files/photo-{n}.jpg)\n" for n in range(20)
                )
                edit_resource(
                    resource=resource,
                    author=author,
                    content=text,
                    base_version=resource.latest_version.number,
                )
                for n in range(20):
                    files.upload_file(
                        resource=resource,
                        uploader=author,
                        upload=SimpleUploadedFile(f"photo-{n}.jpg", _photo(100 + n, (320, 240))),
                    )
                cache.clear()
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as capture:
                    fetch(client, page)
                first = len(capture)
                value = median_ms(client, [page], n=100)
                connection.queries_log.clear()
                count, _sql = queries(client, page)
                transaction.set_rollback(True)
            cache.clear()  # parts cached under rows that were rolled back
            # The same page without files, measured just before under the same load: the
            # images must cost no query (their thumbnails and text are in the cached parts).
            report.set("resource_page_plain_same_run_ms", plain_ms, unit="ms")
            report.set("resource_page_20_images_ms", value, unit="ms")
            report.set(
                "resource_page_20_images_queries", count, f"= {plain_count} (the page without)",
                count == plain_count,
            )  # fmt: skip
            report.set(
                "resource_page_20_images_uncached_queries", first,
                f"= {plain_first} (the page without), <= 10",
                first == plain_first <= 10,
            )  # fmt: skip
    finally:
        shutil.rmtree(media, ignore_errors=True)


def hundred_kb_texts():
    """Two ~100 KB Markdown texts (twenty bench documents end to end) differing in 30 places."""
    from bench import dataset

    a = "\n".join(dataset.resource_plan(dataset.FULL, i).steps[0].content for i in range(20))
    lines = a.split("\n")
    rng = random.Random(30)
    changed = rng.sample([k for k, line in enumerate(lines) if len(line.split()) > 4], 30)
    for k in changed:
        words = lines[k].split(" ")
        words[rng.randrange(len(words))] = "changé"
        lines[k] = " ".join(words)
    return a, "\n".join(lines)


def worst_texts():
    """Pairs of ~1 MB texts (the size limit) built to make a word diff work hardest.

    Few or no words occur once: one word repeated with two changes far apart;
    blocks of random "a"/"b" words between unique markers, on one line and on
    many (difflib's matcher was quadratic on such repeats); short Markdown
    lines drawn at random from four.
    """
    rng = random.Random(18)
    size = 980_000
    repeated = "mot " * (size // 4)
    cases = [
        (
            "repeated",
            repeated,
            repeated[:300_000] + "x " + repeated[300_002:700_000] + "y" + repeated[700_001:],
        ),
    ]
    for joiner in (" ", "\n"):
        sides = ([], [])
        k = 0
        while sum(map(len, sides[0])) < size:
            k += 1
            for side in sides:
                side.append(f"U{k} " + " ".join(rng.choice("ab") for _ in range(35)))
        texts = (joiner.join(side)[:size] for side in sides)
        cases.append((f"blocks{'-lines' if joiner == chr(10) else ''}", *texts))
    short = ["- a", "- b", "", "| x |"]
    cases.append(
        (
            "short-lines",
            "\n".join(rng.choice(short) for _ in range(size // 4)),
            "\n".join(rng.choice(short) for _ in range(size // 4)),
        )
    )
    return cases


def run_diff(report):
    from resources.diff import word_diff

    a, b = hundred_kb_texts()
    assert 95_000 <= len(a.encode()) <= 130_000
    for _ in range(3):
        word_diff(a, b)
    times = []
    for _ in range(50):
        started = time.perf_counter()
        changes = word_diff(a, b)
        times.append(time.perf_counter() - started)
    assert "".join(c["text"] for c in changes if c["op"] != "delete") == b
    report.set(
        "diff_100kb_ms",
        ms(statistics.median(times)),
        "<= 30 ms",
        statistics.median(times) <= 0.030,
        "ms",
    )
    worst = 0.0
    for _name, a, b in worst_texts():
        for _ in range(2):
            started = time.perf_counter()
            changes = word_diff(a, b)
            worst = max(worst, time.perf_counter() - started)
        assert "".join(c["text"] for c in changes if c["op"] != "delete") == b
    report.set("diff_worst_1mb_ms", ms(worst), "<= 2000 ms", worst <= 2.0, "ms")


# One word, a name, two words with an accent, the same typed without it and in the other order
# (SQLite: the FTS5 index of resources/fts.py; PostgreSQL: its full-text search).
SEARCHES = [
    "infiltration",
    "Pontarlier",
    "nappe phréatique",
    "phreatique nappe",
    "carte des puits",
]


def run_search(report, profiler, ctx):
    from django.test import Client

    client = Client(raise_request_exception=False)
    print("Search (web page, 1,000 resources, 4 queries in turn):")
    count = measure_page(
        report,
        profiler,
        client,
        "search",
        [lambda q=q: url_for("resources:search", query={"q": q}) for q in SEARCHES],
        target_ms=50,
    )
    if count is None:
        report.missing("search_queries", "", "<= 10")
    else:
        report.set("search_queries", count, "<= 10", count <= 10)
    measure_page(
        report,
        profiler,
        client,
        "api_search",
        [lambda q=q: api_path("/api/v1/search", {"q": q}) for q in SEARCHES],
        n=50,
        required=False,
    )


def run_changes(report, profiler, ctx):
    """Recent changes (edits, reviews, posts merged) and a person's page, anonymous."""
    from django.db.models import Count
    from django.test import Client

    from contributions.models import Review

    client = Client(raise_request_exception=False)
    c, author = ctx["call"].slug, ctx["author"]
    print("Recent changes and profiles (22,000 versions, 7,000 reviews, anonymous):")
    count = measure_page(
        report,
        profiler,
        client,
        "changes_page",
        [lambda: url_for("contributions:call-changes", c)],
        target_ms=10,
    )
    if count is None:
        report.missing("changes_page_queries", "", "<= 8")
    else:
        report.set("changes_page_queries", count, "<= 8", count <= 8)
    # For information: every call, a filtered list, the last pages, the API.
    others = {
        "changes_site_page": lambda: url_for("contributions:changes"),
        "changes_filtered_page": lambda: url_for(
            "contributions:call-changes", c, query={"user": author.username, "kind": "edit"}
        ),
        "changes_unreviewed_page": lambda: url_for(
            "contributions:call-changes", c, query={"unreviewed": "1"}
        ),
        "api_changes": lambda: api_path(f"/api/v1/calls/{c}/changes"),
        "call_feed": lambda: url_for("contributions:call-feed", c),
    }
    for key, url in others.items():
        count = measure_page(report, profiler, client, key, [url], n=50, required=False)
        report.values[f"{key}_queries"] = count

    count = measure_page(
        report,
        profiler,
        client,
        "profile_page",
        [lambda: url_for("appel:user-detail", author.username)],
        target_ms=10,
    )
    if count is None:
        report.missing("profile_page_queries", "", "<= 8")
    else:
        report.set("profile_page_queries", count, "<= 8", count <= 8)
    # For information: the busiest reviewer (over a thousand reviews to count and list).
    reviewer = (
        Review.objects.filter(version__resource__call=ctx["call"])
        .values("reviewer__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("reviewer__username", flat=True)
        .first()
    )
    if reviewer:
        count = measure_page(
            report,
            profiler,
            client,
            "profile_page_reviewer",
            [lambda: url_for("appel:user-detail", reviewer)],
            n=50,
            required=False,
        )
        report.values["profile_page_reviewer_queries"] = count


# ---------------------------------------------------------------- similar communs


def similar_proposals(call, count=4):
    """Proposals like those people type: an existing title a little changed, its first text."""
    from resources.models import Resource

    resources = Resource.objects.filter(call=call).order_by("pk").only("title", "content")
    total = resources.count()
    picked = [resources[i * total // count] for i in range(count)] if total else []
    return [
        {"title": f"{r.title.lower()} (nouvelle version)", "content": r.content[:600]}
        for r in picked
    ] + [{"title": "Vélos cargo partagés", "content": "Une flotte prêtée aux artisans."}]


def run_similar(report, profiler, ctx):
    from django.test import Client

    client = Client(raise_request_exception=False)
    proposals = similar_proposals(ctx["call"])
    print(f"Similar communs (API, 1,000 resources, {len(proposals)} proposals in turn):")
    path = f"/api/v1/calls/{ctx['call'].slug}/resources/similar"
    count = measure_page(
        report,
        profiler,
        client,
        "similar",
        [lambda p=p: api_path(path, p) for p in proposals],
        target_ms=100,
    )
    if count is None:
        report.missing("similar_queries", "", "<= 5", required=False)
    else:
        report.set("similar_queries", count, "<= 5", count <= 5)


# ---------------------------------------------------------------- throughput


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(port, path, timeout=5):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(urls)s") do
  if #line > 0 then paths[#paths + 1] = line end
end
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def load_wrk(port, urls_file, seconds, folder):
    script = folder / "random.lua"
    script.write_text(WRK_SCRIPT % {"urls": urls_file})
    out = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    problems = []
    if bad:
        problems.append(f"{bad.group(1)} non-2xx answers")
    if errors:
        problems.append(f"socket errors {errors.group(1)}")
    return rps, problems


def load_python(port, urls, seconds):
    """Fallback without wrk: 4 threads, keep-alive connections (reopened when gunicorn closes)."""
    import http.client

    stop = time.monotonic() + seconds
    counts, problems = [0] * 4, []

    def worker(k):
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                conn.request("GET", rng.choice(urls))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    problems.append(response.status)
                counts[k] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), (
        [f"{len(problems)} non-200 answers"] if problems else []
    )


def have_wrk():
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  installing wrk (apt-get install -y wrk)")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            timeout=300,
        )
    return bool(shutil.which("wrk"))


# Throughput keys and their targets, as ratios to the floor measured in the same run.
THROUGHPUT_RATIO_TARGETS = {"throughput_resource": 0.20, "throughput_hot": 0.30}
FLOOR_APP = "django.core.wsgi:get_wsgi_application()"  # with DJANGO_SETTINGS_MODULE=bench.floor


BENCH_REDIS_URL = "redis://127.0.0.1:6379/15"


def shared_cache_url():
    """The Redis the app servers share, as deployed (docs/deploy.md), emptied; "" if none answers.

    `BENCH_REDIS_URL` (default: database 15 of a local Redis) is the bench's
    own: it is flushed, so that no stamp of an earlier dataset survives.
    Without it each gunicorn worker keeps its own cache, as `make run` does.
    """
    import redis

    url = os.environ.get("BENCH_REDIS_URL", BENCH_REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return ""
    return url


def read_each_once(port, paths):
    """Every path asked once (4 at a time): a site in use, where each page was read lately."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        statuses = set(pool.map(lambda path: get_status(port, path, timeout=30), paths))
    if statuses != {200}:
        raise Broken(f"reading each page once answered {sorted(statuses)}")


def start_gunicorn(app, port, env, log):
    """`app` under gunicorn.conf.py (read from ROOT) with 2 workers, as every throughput key."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_200(server, port, path, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if get_status(port, path) == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise Broken(f"gunicorn did not answer 200 on {path} (log: {log_path})")
        time.sleep(0.3)


def stop_gunicorn(server):
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def ratio(rps, floor_rps):
    """A throughput as a share of the floor's (None when either is missing)."""
    if rps is None or not floor_rps:
        return None
    return round(rps / floor_rps, 3)


def throughput_figures(report, measured, floors):
    """Report the floor, every throughput in rps (a plain figure) and its ratio (the target).

    `measured` maps each key prefix (`throughput_hot`) to (rps, note,
    problems); `floors` holds the floor's rps of the runs taken around them,
    whose mean is the floor.
    """
    floor = statistics.mean(floors) if floors else None
    if floor is None:
        report.missing("throughput_floor_rps", "the floor could not be measured")
    else:
        runs = " / ".join(f"{f:.0f}" for f in floors)
        report.set("throughput_floor_rps", floor, unit=f"rps (runs {runs})")
    for prefix, (rps, note, problems) in measured.items():
        target = THROUGHPUT_RATIO_TARGETS.get(prefix)
        report.set(f"{prefix}_rps", rps, unit="rps" + note)
        value = ratio(rps, floor)
        key = f"{prefix}_ratio"
        if value is None:
            report.missing(key, "no floor", f">= {target} x floor" if target else "")
        elif target is None:
            report.set(key, value, unit="x floor", digits=3)
        else:
            ok = value >= target and not problems
            report.set(key, value, f">= {target} x floor", ok, "x floor", digits=3)


def run_throughput(report, ctx, url, seconds):
    """gunicorn, 2 workers, loaded over loopback by 4 connections for `seconds`, floor around.

    The floor (bench/floor.py: Django with no middleware and no database
    answering 14 KB from memory) is served the same way and loaded before
    and after the pages; the pages' targets are their share of its mean.
    """
    print(f"Throughput (gunicorn -w 2, 4 connections, {seconds} s each, floor before and after):")
    print(f"  load average before: {os.getloadavg()[0]:.2f}")
    try:
        paths = [
            url_for("resources:resource-detail", ctx["call"].slug, r) for r in ctx["all_slugs"]
        ]
        hot = url_for("resources:resource-detail", ctx["call"].slug, ctx["hot"].slug)
    except Missing as problem:
        for prefix, target in THROUGHPUT_RATIO_TARGETS.items():
            report.missing(f"{prefix}_ratio", str(problem), f">= {target} x floor")
        return
    folder = Path(tempfile.mkdtemp(prefix="appel-bench-"))
    cache_url = shared_cache_url()
    report.values["throughput_cache"] = "redis" if cache_url else "per-process"
    print(f"  cache: {'Redis, shared by the workers' if cache_url else 'per process'}")
    (folder / "resources.txt").write_text("\n".join(paths) + "\n")
    (folder / "hot.txt").write_text(hot + "\n")
    (folder / "floor.txt").write_text("/\n")
    port, floor_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "RATE_LIMITS": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": cache_url,
    }
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (closed in the finally below)
    floor_log = open(folder / "floor.log", "w")  # noqa: SIM115 (closed in the finally below)
    servers = [
        start_gunicorn("appel.wsgi", port, env, log),
        start_gunicorn(
            FLOOR_APP, floor_port, {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}, floor_log
        ),
    ]
    try:
        wait_for_200(servers[0], port, hot, folder / "gunicorn.log")
        wait_for_200(servers[1], floor_port, "/", folder / "floor.log")
        read_each_once(port, paths)
        generator = "wrk" if have_wrk() else "python"
        report.values["load_generator"] = generator

        def load(on_port, urls_file):
            if generator == "wrk":
                return load_wrk(on_port, urls_file, seconds, folder)
            return load_python(on_port, urls_file.read_text().split(), seconds)

        floors, measured = [], {}
        floors.append(load(floor_port, folder / "floor.txt")[0])
        for prefix, urls_file in (
            ("throughput_resource", folder / "resources.txt"),
            ("throughput_hot", folder / "hot.txt"),
        ):
            rps, problems = load(port, urls_file)
            note = f" ({generator}{'; ' + ', '.join(problems) if problems else ''})"
            measured[prefix] = (rps, note, problems)
        floors.append(load(floor_port, folder / "floor.txt")[0])
        print(f"  load average after: {os.getloadavg()[0]:.2f}")
        throughput_figures(report, measured, floors)
    except Broken as problem:
        for prefix, target in THROUGHPUT_RATIO_TARGETS.items():
            report.missing(f"{prefix}_ratio", str(problem), f">= {target} x floor")
    finally:
        for server in servers:
            stop_gunicorn(server)
        log.close()
        floor_log.close()


# ---------------------------------------------------------------- export memory


def peak_rss_mb():
    """This process's peak resident memory, in MB.

    From /proc (VmHWM), whose peak belongs to the program now running:
    `getrusage`'s ru_maxrss keeps, across exec, the peak of the bench
    process that started the probe (225 MB after the other groups), which
    the probe would then report as its own.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # no /proc: an upper bound, at least
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_probe(path):
    """In a fresh process: stream GET `path` to the end; print peak RSS and figures as JSON."""
    import django

    django.setup()
    from django.test import Client

    before = peak_rss_mb()
    started = time.perf_counter()
    response = Client(raise_request_exception=False).get(path)
    size, head = 0, b""
    streaming = getattr(response, "streaming", False)
    chunks = response.streaming_content if streaming else [response.content]
    for chunk in chunks:
        if not head:
            head = bytes(chunk[:4])
        size += len(chunk)
    print(
        json.dumps(
            {
                "status": response.status_code,
                "streaming": streaming,
                "bytes": size,
                "zip": head.startswith(b"PK"),
                "seconds": time.perf_counter() - started,
                "rss_before_mb": before,
                "peak_mb": peak_rss_mb(),
            }
        )
    )


def run_export(report, ctx, url, timeout):
    print("Export of the whole call (GET /api/v1/calls/{call}/export, streamed, fresh process):")
    path = f"/api/v1/calls/{ctx['call'].slug}/export"
    try:
        api_path(path)
    except Missing as problem:
        report.missing("export_peak_mb", str(problem), "< 150 MB")
        return
    try:
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), "--export-probe", path, "--database-url", url],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        report.missing("export_peak_mb", f"did not finish in {timeout} s", "< 150 MB")
        return
    except (ValueError, IndexError):
        report.missing("export_peak_mb", f"probe failed: {out.stderr[-300:]}", "< 150 MB")
        return
    ok = figures["status"] == 200 and figures["zip"]
    report.set(
        "export_peak_mb",
        figures["peak_mb"],
        "< 150 MB, a zip, streamed",
        ok and figures["streaming"] and figures["peak_mb"] < 150,
        f"MB (status {figures['status']}, "
        f"{'streamed' if figures['streaming'] else 'NOT streamed'})",
    )
    report.set("export_seconds", figures["seconds"], unit="s")
    report.set("export_size_mb", figures["bytes"] / 1e6, unit="MB")
    report.values["export_baseline_rss_mb"] = round(figures["rss_before_mb"], 1)


# ---------------------------------------------------------------- main


def context():
    """The call, the hot resource, a typical one and a fixed random sample of slugs."""
    from appel.models import User
    from bench import dataset
    from resources.models import Resource

    resources = Resource.objects.filter(call__slug=dataset.CALL_SLUG)
    all_slugs = list(resources.order_by("slug").values_list("slug", flat=True))
    hot = resources.select_related("call", "latest_version").get(slug=dataset.HOT_SLUG)
    rng = random.Random(8)
    sample = rng.sample([s for s in all_slugs if s != dataset.HOT_SLUG], 50)
    cold = resources.select_related("call", "latest_version").get(slug=sample[0])
    return {
        "call": hot.call,
        "hot": hot,
        "cold": cold,
        "sample": sample,
        "all_slugs": [s for s in all_slugs if s != dataset.HOT_SLUG],
        "author": User.objects.get(username=f"bench{dataset.FULL.users - 1:03d}"),
    }


def git_commit():
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "")
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else bench/bench.sqlite3")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again")
    parser.add_argument(
        "--domain", action="store_true", help="build through the domain functions (slow)"
    )
    parser.add_argument("--only", help=f"comma-separated groups among: {', '.join(GROUPS)}")
    parser.add_argument("--seconds", type=int, default=20, help="load time per throughput measure")
    parser.add_argument("--export-timeout", type=int, default=300)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each page to a temp folder"
    )
    parser.add_argument("--export-probe", help=argparse.SUPPRESS)
    args = parser.parse_args()

    url = database_url(args)
    configure_environment(url)
    if args.export_probe:
        return export_probe(args.export_probe)
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    if unknown := groups - set(GROUPS):
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)

    import django

    # whitenoise warns when collectstatic has not run; the bench serves no static file.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    django.setup()
    from django.db import connection

    from bench import dataset

    started = time.monotonic()
    load_start = os.getloadavg()[0]
    if load_start > 1.0:
        print(
            f"Warning: load average {load_start:.1f} on {os.cpu_count()} cores: other processes "
            "are using the CPU, timings will be slower than on an idle machine."
        )
    prepare_dataset(args, url)
    ctx = context()
    report = Report()
    profiler = Profiler(args.profile)
    print(f"\n  {'status':<7} {'key':<34} {'value':<28} target")

    def diff(report):
        print("Diff (resources.diff.word_diff):")
        run_diff(report)

    def closed(measure):
        def run(report):
            connection.close()  # the measure runs in other processes
            measure(report)

        return run

    measures = {
        "pages": lambda r: run_pages(r, profiler, ctx),
        "changes": lambda r: run_changes(r, profiler, ctx),
        "save": lambda r: run_save(r, ctx),
        "people": lambda r: run_people(r, ctx),
        "diff": diff,
        "search": lambda r: run_search(r, profiler, ctx),
        "similar": lambda r: run_similar(r, profiler, ctx),
        "dashboard": lambda r: run_dashboard(r, profiler, ctx),
        "hub": lambda r: run_hub(r, profiler, ctx),
        "conditional": lambda r: run_conditional(r, ctx),
        "lists": lambda r: run_lists(r, profiler, ctx),
        "files": lambda r: run_files(r, ctx),
        "throughput": closed(lambda r: run_throughput(r, ctx, url, args.seconds)),
        "export": closed(lambda r: run_export(r, ctx, url, args.export_timeout)),
    }
    for group in GROUPS:
        if group not in groups:
            continue
        try:
            measures[group](report)
        except Exception as error:  # a report, not a crash: say what broke and go on
            traceback.print_exc()
            report.missing(f"{group}_group", f"crashed: {type(error).__name__}: {error}"[:200])

    report.values.update(
        {
            "database": connection.vendor,
            "generator_version": dataset.GENERATOR_VERSION,
            "dataset": dataset.FULL.signature,
            "commit": git_commit(),
            "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "duration_s": round(time.monotonic() - started, 1),
            "load_average_start": round(load_start, 2),
            "load_average_end": round(os.getloadavg()[0], 2),
            "cpu_count": os.cpu_count(),
            "targets_passed": report.passed,
            "targets_failed": report.failed,
        }
    )
    report.values.setdefault("load_generator", None)
    values = report.values
    if args.only and RESULTS.exists():
        # A partial run updates the figures it took and keeps the others.
        try:
            previous = json.loads(RESULTS.read_text())
        except ValueError:
            previous = {}
        if previous.get("database") == connection.vendor:
            values = {**previous, **report.values, "groups_of_last_run": args.only}
    RESULTS.write_text(json.dumps(values, indent=2, ensure_ascii=False) + "\n")
    for note in report.notes:
        print(f"  note: {note}")
    if profiler.folder:
        print(f"  profiles: {profiler.folder}")
    print(
        f"\nSummary: {report.passed} targets passed, {report.failed} failed or missing "
        f"({connection.vendor}, {report.values['duration_s']:.0f} s, load average "
        f"{report.values['load_average_start']} at the start, "
        f"{report.values['load_average_end']} at the end). Results: {RESULTS}"
    )
    failing = [label for label, _, _, status in report.lines if status in ("FAIL", "missing")]
    if failing:
        print("  failing: " + ", ".join(failing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
