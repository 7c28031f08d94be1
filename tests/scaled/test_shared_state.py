"""Stateless web processes (issue 20 item 2): what one web process learns about a person — a
used TOTP code, failed logins, a session, the data version of kept answers — is known to every
other, because it lives in PostgreSQL or Redis, not in the process.

Two web processes are played by two test clients; switching from one to the other forgets
everything a new process would not have: Django's cache connections, this request's cache and
the in-memory caches of Django's local-memory backend. The control test shows that switch is
real: with a process-local cache the second "process" does not see the first one's used code.
The same is proved with real processes in test_scaled_command.py (a session and a lockout
through two `hoso serve` processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from hoso.accounts.models import AccountProfile
from hoso.accounts.tests.factories import accounts_world
from hoso.core import data_version
from tests.scaled.conftest import redis_url

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
LOGIN_URL = "/tai-khoan/login/"
PASSWORD = "Trong-dong-Dong-Son-1945"
LOCKED_TEXT = "đã bị tạm khóa do nhập sai mật khẩu nhiều lần"


def another_process() -> None:
    """Forget what only this process knows, as a request to another web process would."""
    from django.core.cache import caches
    from django.core.cache.backends import locmem

    from hoso.core.request_cache import forget

    for alias in list(caches.settings):
        try:
            del caches[alias]  # the next use connects anew
        except AttributeError:
            pass
    locmem._caches.clear()
    locmem._expire_info.clear()
    locmem._locks.clear()
    forget()


@pytest.fixture
def person(db: Any, settings: Any) -> Any:
    """A teacher's real account (not a demo one), outside demo mode."""
    settings.DEMO_MODE = False
    world = accounts_world()
    user = world.people["th1.giaovien1"]
    AccountProfile.objects.filter(user=user).update(is_demo=False)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(client: Client, username: str, password: str, ip: str) -> Any:
    return client.post(LOGIN_URL, {"login": username, "password": password}, REMOTE_ADDR=ip)


def _totp(user: Any) -> tuple[Authenticator, str]:
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    return authenticator, secret


def _code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def test_a_totp_code_used_on_one_process_is_refused_on_another(
    shared_redis_cache: str, person: Any
) -> None:
    authenticator, secret = _totp(person)
    code = _code(secret)
    assert TOTP(authenticator).validate_code(code)  # process A accepts it once

    another_process()

    assert not TOTP(Authenticator.objects.get(pk=authenticator.pk)).validate_code(code)


def test_control_a_process_local_cache_would_accept_the_code_again(
    needs_postgres_and_redis: None, settings: Any, person: Any
) -> None:
    # What the test above guards against: with the embedded mode's kind of cache kept in
    # the process, the other process has never seen the code.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    authenticator, secret = _totp(person)
    code = _code(secret)
    assert TOTP(authenticator).validate_code(code)

    another_process()

    assert TOTP(Authenticator.objects.get(pk=authenticator.pk)).validate_code(code)


def test_failures_from_one_address_on_one_process_lock_it_on_another(
    shared_redis_cache: str, person: Any, settings: Any
) -> None:
    settings.HOSO_LOCKOUT_IP_FAILURES = 3
    settings.RATELIMIT_ENABLE = True
    process_a = Client()
    for n in range(3):
        sign_in(process_a, f"acc.nobody{n}", "sai", ip="10.20.30.40")

    another_process()
    response = sign_in(Client(), person.username, PASSWORD, ip="10.20.30.40")

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    # another address still signs in (the lock is the address's, not the account's)
    assert sign_in(Client(), person.username, PASSWORD, ip="10.20.30.41").status_code == 302


def test_an_account_locked_on_one_process_is_locked_on_another(
    shared_redis_cache: str, person: Any, settings: Any
) -> None:
    process_a = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(process_a, person.username, f"sai-{n}", ip=f"10.1.1.{n + 1}")

    another_process()
    response = sign_in(Client(), person.username, PASSWORD, ip="10.2.2.2")

    assert response.status_code != 302
    assert LOCKED_TEXT in response.content.decode()


def test_a_session_made_on_one_process_is_valid_on_another(
    shared_redis_cache: str, person: Any
) -> None:
    process_a = Client()
    assert sign_in(process_a, person.username, PASSWORD, ip="10.3.3.3").status_code == 302
    cookie = process_a.cookies["sessionid"].value

    another_process()
    process_b = Client()
    process_b.cookies["sessionid"] = cookie
    response = process_b.get("/", REMOTE_ADDR="10.3.3.3")

    assert response.status_code == 200
    assert response.wsgi_request.user.pk == person.pk
    # and without the cookie, the same page sends to the login
    assert Client().get("/").status_code == 302


def test_a_write_seen_by_one_process_forgets_the_kept_answers_of_another(
    shared_redis_cache: str,
) -> None:
    from django.db import connection

    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert data_version.kept("scaled-test", compute) == 1
    another_process()
    assert data_version.kept("scaled-test", compute) == 1  # kept in Redis: not computed again

    data_version.replace(connection)  # process B committed a write
    another_process()

    assert data_version.kept("scaled-test", compute) == 2  # process A computes anew


def _check(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hoso.cli", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


def test_the_scaled_mode_warns_of_what_would_stay_on_one_machine(
    needs_postgres_and_redis: None, tmp_path: Path
) -> None:
    from django.db import connection

    conf = connection.settings_dict
    database = (
        f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/"
        f"{conf['NAME']}"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "DJANGO_"))}
    base.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="hoso.settings",
        HOSO_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database,
        HOSO_REDIS_URL=redis_url(),
    )

    local = _check(base)
    assert "hoso.W001" in local and "hoso.W002" in local and "hoso.W003" in local
    assert "hoso.W004" not in local  # HOSO_REDIS_URL gives the shared cache

    key = tmp_path / "key"
    key.write_text("k" * 50)
    shared = _check(
        {
            **base,
            "HOSO_SEARCH_BACKEND": "postgres",
            "HOSO_BLOB_STORE": "s3",
            "HOSO_S3_BUCKET": "hoso",
            "HOSO_SECRET_KEY_FILE": str(key),
        }
    )
    assert "hoso.W00" not in shared, shared
