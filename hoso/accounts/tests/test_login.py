"""Signing in through the real login form: audit, lockout, demo password, session rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client

from hoso.accounts.tests.conftest import LOGIN_URL, STRONG_PASSWORD, sign_in
from hoso.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.usefixtures("accounts")]

DEMO_PASSWORD = "hoso-demo-2025"
LOCKED_TEXT = "đã bị tạm khóa do nhập sai mật khẩu nhiều lần"


def _actions_since(seq: int) -> list[str]:
    entries = AuditEntry.objects.filter(seq__gt=seq).order_by("seq")
    return list(entries.values_list("action", flat=True))


def _last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def test_login_page_is_vietnamese_with_big_fields_and_help_line(client: Client) -> None:
    response = client.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    assert "Đăng nhập</button>" in html.replace("\n", "").replace("  ", "")
    assert "Quên mật khẩu? Liên hệ văn thư của trường." in html
    assert "sign up" not in html.lower()
    assert "/tai-khoan/signup/" not in html
    assert "<script>" not in html


def test_successful_login_is_audited(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")
    client = Client()

    response = sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD, ip="10.1.2.3")

    assert response.status_code == 302
    assert response["Location"] == "/"
    entry = AuditEntry.objects.get(action="accounts.login.ok")
    assert (entry.actor_id, entry.actor_name, entry.ip) == (
        user.pk,
        "acc.th1.giaovien1",
        "10.1.2.3",
    )


def test_failed_login_is_audited_and_shows_vietnamese_error(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    client = Client()

    response = sign_in(client, "acc.th1.giaovien1", "sai-mat-khau", ip="10.1.2.3")

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert (entry.actor_id, entry.actor_name, entry.ip) == (None, "acc.th1.giaovien1", "10.1.2.3")
    assert json.loads(entry.data) == {"username": "acc.th1.giaovien1"}
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login.ok").count() == 0


def test_five_failures_lock_the_account_even_from_different_ips(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    client = Client()
    for n in range(5):
        sign_in(client, "acc.th1.giaovien1", f"sai-{n}", ip=f"10.0.0.{n + 1}")

    # Given five failures from five machines, when the right password comes from a sixth:
    response = sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD, ip="10.0.0.99")

    # then the account stays locked, with the Vietnamese page, an audit entry, no session.
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.lockout").count() >= 1
    assert AuditEntry.objects.filter(action="accounts.login.ok").count() == 0
    lock = AuditEntry.objects.filter(action="accounts.lockout").first()
    assert lock is not None and lock.actor_name == "acc.th1.giaovien1"


def test_other_accounts_are_not_locked_by_someone_elses_failures(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    real_account("acc.th1.giaovien2")
    client = Client()
    for n in range(5):
        sign_in(client, "acc.th1.giaovien1", f"sai-{n}", ip=f"10.0.0.{n + 1}")

    response = sign_in(Client(), "acc.th1.giaovien2", STRONG_PASSWORD, ip="10.0.0.50")

    assert response.status_code == 302


def test_failures_from_one_ip_lock_that_ip_across_usernames(
    real_account: Any, settings: Any
) -> None:
    # A school shares one address: the address limit is higher than the account limit.
    settings.HOSO_LOCKOUT_IP_FAILURES = 5
    settings.RATELIMIT_ENABLE = True
    for name in ("acc.th1.giaovien1", "acc.th1.giaovien2", "acc.th1.giaovien3"):
        real_account(name)
    client = Client()
    for n, name in enumerate(["acc.th1.giaovien1", "acc.th1.giaovien2", "acc.th1.giaovien3"] * 2):
        if n == 5:
            break
        sign_in(client, name, f"sai-{n}", ip="10.9.9.9")

    # Given five failures for three accounts from one machine, a right password from it is refused
    response = sign_in(client, "acc.th1.giaovien3", STRONG_PASSWORD, ip="10.9.9.9")

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.lockout").exists()
    assert AuditEntry.objects.filter(action="accounts.login.ok").count() == 0
    # while the same account from another machine still signs in.
    assert sign_in(Client(), "acc.th1.giaovien3", STRONG_PASSWORD, ip="10.8.8.8").status_code == 302


def test_lockout_changes_nothing_but_attempts_and_audit(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")
    password_before = user.password
    seq_before = _last_seq()
    client = Client()
    for n in range(6):
        sign_in(client, "acc.th1.giaovien1", f"sai-{n}", ip="10.0.0.1")
    user.refresh_from_db()

    assert user.password == password_before
    assert user.is_active is True
    assert AccessAttempt.objects.filter(username="acc.th1.giaovien1").count() == 1
    # The fifth failure locks; every attempt is recorded as failed, each lockout on its own.
    failed, lockout = "accounts.login.failed", "accounts.lockout"
    assert _actions_since(seq_before) == [failed] * 4 + [lockout, failed] * 2


def test_demo_password_refused_outside_demo_mode(db: Any, settings: Any) -> None:
    settings.DEMO_MODE = False
    client = Client()

    response = sign_in(client, "acc.th1.giaovien1", DEMO_PASSWORD)

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_password_accepted_in_demo_mode(db: Any, settings: Any) -> None:
    settings.DEMO_MODE = True
    client = Client()

    response = sign_in(client, "acc.th1.giaovien1", DEMO_PASSWORD)

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sessions_expire_after_8_hours_and_at_browser_close() -> None:
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert django_settings.ACCOUNT_SESSION_REMEMBER is False


def test_session_cookie_sent_to_browser_has_no_expiry(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    client = Client()

    response = sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD)

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close() is True


def test_argon2_is_the_production_password_hasher() -> None:
    import hoso.settings as production

    assert production.PASSWORD_HASHERS[0] == "hoso.accounts.hashers.BoundedArgon2PasswordHasher"


@pytest.mark.parametrize("path", ["/", "/tai-khoan/cua-toi/"])
def test_anonymous_is_sent_to_login(db: Any, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
