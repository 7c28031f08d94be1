"""Headers and limits: CSP without inline scripts in the templates, HSTS behind TLS, nosniff,
no framing, Referrer-Policy; per-client rate limits with a Vietnamese 429. The rendered pages'
markup and their forms' CSRF protection are checked on the one crawl of every page
(tests/security/test_vietnamese_pages.py).

Needs the demo province: pages, forms and rate limits are taken as the demo's th1.giaovien1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from hoso.core.security import THROTTLED_MESSAGE
from tests.security.crawl import inline_violations

ROOT = Path(__file__).resolve().parents[2]


def _template_files() -> list[Path]:
    return list((ROOT / "hoso").rglob("templates/**/*.html"))


def test_no_template_has_inline_scripts_handlers_or_styles():
    problems = []
    for path in _template_files():
        for what in inline_violations(path.read_text("utf-8")):
            problems.append(f"{path.relative_to(ROOT)}: {what}")
    assert problems == [], "The CSP forbids these; move JS/CSS to static files:\n" + "\n".join(
        problems
    )


def test_the_inline_check_recognises_what_it_must_refuse():
    assert inline_violations("<script>alert(1)</script>")
    assert inline_violations('<button onclick="x()">')
    assert inline_violations('<div hx-on:click="x()">')
    assert inline_violations('<p style="color:red">')
    assert not inline_violations('<script src="/static/a.js" defer></script>')
    assert not inline_violations('<script id="d" type="application/json">{}</script>')


@pytest.mark.django_db
@pytest.mark.parametrize("username", [None, "th1.giaovien1"])
def test_pages_send_the_security_headers(username: str | None, client_for: Any):
    client = client_for(username) if username else Client()
    response = client.get("/" if username else settings.LOGIN_URL)

    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # plain HTTP: HSTS would lock users out


def test_behind_tls_turns_on_hsts_and_secure_cookies(tmp_path: Path):
    code = (
        "import django, json; from django.conf import settings as s; django.setup();"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_PROXY_SSL_HEADER]))"
    )
    env = {
        **os.environ,
        "HOSO_BEHIND_TLS": "1",
        "HOSO_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hoso.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    hsts, session_secure, csrf_secure, proxy = json.loads(out.stdout.strip().splitlines()[-1])
    assert hsts >= 31536000 and session_secure and csrf_secure
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_header_on_secure_requests(client_for: Any):
    response = client_for("th1.giaovien1").get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.fixture
def limiter_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limiter counts in one-minute windows of the clock: a still clock for it alone,
    so that 21 posts on a slow machine cannot straddle two windows."""
    from types import SimpleNamespace

    from django_ratelimit import core

    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=True)
def test_login_is_rate_limited_per_address_with_a_vietnamese_429(limiter_clock: None):
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.7")
    # Empty forms: no authentication is attempted, so django-axes (5 failures → lockout)
    # does not answer first; the per-address limit counts every POST.
    statuses = [client.post(settings.LOGIN_URL, {}).status_code for _ in range(21)]
    assert 429 not in statuses[:20]
    assert statuses[20] == 429
    response = client.post(settings.LOGIN_URL, {})
    assert response.status_code == 429 and THROTTLED_MESSAGE in response.content.decode()
    assert response["Retry-After"] == "60"
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(settings.LOGIN_URL, {}).status_code == 200


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=True)
def test_token_endpoint_is_rate_limited_with_a_json_429(limiter_clock: None):
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    body: dict[str, str] = {}  # invalid form: no authentication, no axes lockout
    statuses = [client.post("/api/v1/auth/token/", body).status_code for _ in range(21)]
    assert statuses[:20].count(429) == 0 and statuses[20] == 429
    last = client.post("/api/v1/auth/token/", body)
    assert last.json() == {"code": "throttled", "message": THROTTLED_MESSAGE, "fields": {}}
