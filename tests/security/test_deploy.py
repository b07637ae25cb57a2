"""Production settings: `check --deploy` clean, CSP and security headers, static files, gunicorn."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import web_client

ROOT = Path(__file__).resolve().parents[2]
# What docs/deploy.md tells operators to set.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "communs.example.org",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "appel.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_the_documented_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    documented = (ROOT / "docs" / "deploy.md").read_text()
    for name in PRODUCTION_ENV:
        assert f"`{name}" in documented, name


def test_it_warns_when_the_production_environment_is_missing():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009"):
        assert warning in result.stdout + result.stderr, warning


def test_it_reads_security_settings_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "appel.settings", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True", "False"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("anonymous", "/"),
        ("anonymous", "/calls/eau/"),
        ("anonymous", "/calls/eau/resources/guide/"),
        ("author", "/calls/eau/resources/guide/edit/"),
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/calls/nope/"),
    ],
)
def test_it_sends_a_strict_content_security_policy(roles, role, url):
    response = web_client(roles[role]).get(url)
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_it_serves_static_files_through_whitenoise_without_debug(settings, tmp_path, db):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "css" / "app.css").exists()
    client = Client()  # a new handler: whitenoise scans STATIC_ROOT when it starts
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    body = b"".join(response.streaming_content)
    assert body == (ROOT / "static" / "css" / "app.css").read_bytes()
    compressed = client.get("/static/js/app.js", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed.status_code == 200 and compressed["Content-Encoding"] == "gzip"
    assert client.get("/static/nope.css").status_code == 404


def test_it_configures_gunicorn_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--print-config",
            "-c",
            "gunicorn.conf.py",
            "appel.wsgi",
        ],
        cwd=ROOT,
        env={**os.environ, "WEB_CONCURRENCY": "5", "FORWARDED_ALLOW_IPS": "10.0.0.1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = {
        line.split("=")[0].strip(): line.split("=", 1)[1].strip()
        for line in result.stdout.splitlines()
        if "=" in line
    }
    assert config["workers"] == "5"
    assert config["worker_class"] == "gthread"
    assert int(config["threads"]) >= 2
    assert config["accesslog"] == "-"
    assert config["forwarded_allow_ips"] == "['10.0.0.1']"
    assert 30 <= int(config["timeout"]) <= 120
