"""Two-factor login: who must enrol, enrolment through allauth's pages, sign-in with a TOTP
code, used codes refused, recovery codes usable once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from hoso.accounts.tests.conftest import STRONG_PASSWORD, sign_in, totp_code, totp_secret_of
from hoso.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.usefixtures("accounts")]

ENROL_URL = "/tai-khoan/2fa/totp/activate/"
MFA_AUTHENTICATE_URL = "/tai-khoan/2fa/authenticate/"
RECOVERY_CODES_URL = "/tai-khoan/2fa/recovery-codes/"


@pytest.fixture(autouse=True)
def _clock_tolerance(settings: Any) -> None:
    # One step either side, so a test can use three distinct valid codes in one 30 s window.
    settings.MFA_TOTP_TOLERANCE = 1


def _enrol(client: Client, capture: Any) -> str:
    """Activate TOTP through allauth's page; the secret is read from the page like a person
    typing it into an app would."""
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()
    # allauth emits its "added" signal (our audit hook) on commit.
    with capture(execute=True):
        response = client.post(ENROL_URL, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(secret)


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "username",
    [
        "acc.th1.hieutruong",  # HT
        "acc.th1.phohieutruong",  # PHT
        "acc.th1.vanthu",  # VT
        "acc.phong1.chuyenvien",  # CV_PHONG
        "acc.so.chuyenvien",  # CV_SO
        "acc.admin",  # QTHT
    ],
)
def test_leaders_are_sent_to_totp_enrolment_until_enrolled(
    real_account: Any, username: str, django_capture_on_commit_callbacks: Any
) -> None:
    real_account(username)
    client = Client()
    assert sign_in(client, username, STRONG_PASSWORD).status_code == 302

    home = client.get("/")
    my_account = client.get("/tai-khoan/cua-toi/")

    assert (home.status_code, home["Location"]) == (302, ENROL_URL)
    assert my_account.status_code == 200  # the account pages stay reachable
    _enrol(client, django_capture_on_commit_callbacks)
    assert client.get("/").status_code == 200


def test_teacher_is_not_forced_to_enrol(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    client = Client()
    sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD)

    response = client.get("/")

    assert response.status_code == 200
    assert "Bật xác thực hai lớp" not in response.content.decode()


def test_demo_leader_is_not_forced_in_demo_mode(db: Any, settings: Any) -> None:
    settings.DEMO_MODE = True
    client = Client()
    sign_in(client, "acc.th1.hieutruong", "hoso-demo-2025")

    assert client.get("/").status_code == 200


def test_enrolment_page_is_vietnamese_with_qr_code_under_csp(real_account: Any) -> None:
    real_account("acc.th1.hieutruong")
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)

    response = client.get(ENROL_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bật xác thực hai lớp" in html
    assert "quét mã QR" in html
    assert 'src="data:image/svg+xml;base64,' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "img-src 'self' data:" in csp
    # No inline script: every <script> has a src (data blocks of type JSON are not run).
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_wrong_code_does_not_enrol(real_account: Any) -> None:
    user = real_account("acc.th1.hieutruong")
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    client.get(ENROL_URL)

    response = client.post(ENROL_URL, {"code": "000000"})

    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_enrolment_is_audited_and_creates_recovery_codes(
    real_account: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = real_account("acc.th1.hieutruong")
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)

    _enrol(client, django_capture_on_commit_callbacks)

    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    added = AuditEntry.objects.filter(action="accounts.2fa.added", actor=user)
    assert list(added.values_list("data", flat=True)) == [
        '{"type":"totp"}',
        '{"type":"recovery_codes"}',
    ]


@pytest.fixture
def enrolled(real_account: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, str]:
    """th1.hieutruong, a real account with TOTP enrolled and signed out again."""
    user = real_account("acc.th1.hieutruong")
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    secret = _enrol(client, django_capture_on_commit_callbacks)
    client.post("/tai-khoan/logout/")
    return user, secret


def test_sign_in_asks_for_the_code_then_accepts_it(enrolled: tuple[Any, str]) -> None:
    user, secret = enrolled
    client = Client()

    first = sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    assert (first.status_code, first["Location"]) == (302, MFA_AUTHENTICATE_URL)
    assert _signed_in_user_id(client) is None
    page = client.get(MFA_AUTHENTICATE_URL).content.decode()
    assert "Tài khoản của bạn được bảo vệ bằng xác thực hai lớp" in page

    second = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret, shift=1)})

    assert second.status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)
    assert client.get("/").status_code == 200


def test_wrong_code_is_refused_and_audited(enrolled: tuple[Any, str]) -> None:
    user, _ = enrolled
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)

    response = client.post(MFA_AUTHENTICATE_URL, {"code": "123456"})

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert AuditEntry.objects.filter(action="accounts.2fa.failed", actor=user).count() == 1


def test_a_code_cannot_be_used_twice(enrolled: tuple[Any, str]) -> None:
    _, secret = enrolled
    code = totp_code(secret, shift=-1)
    first = Client()
    sign_in(first, "acc.th1.hieutruong", STRONG_PASSWORD)
    assert first.post(MFA_AUTHENTICATE_URL, {"code": code}).status_code == 302

    second = Client()
    sign_in(second, "acc.th1.hieutruong", STRONG_PASSWORD)
    response = second.post(MFA_AUTHENTICATE_URL, {"code": code})

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng" in response.content.decode()
    assert _signed_in_user_id(second) is None


def _recovery_codes(client: Client) -> list[str]:
    page = client.get(RECOVERY_CODES_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mã khôi phục" in html and "Còn 10 trên 10 mã khôi phục chưa dùng" in html
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert textarea is not None
    return textarea.group(1).split()


def test_recovery_code_works_once(enrolled: tuple[Any, str]) -> None:
    user, secret = enrolled
    viewer = Client()
    sign_in(viewer, "acc.th1.hieutruong", STRONG_PASSWORD)
    viewer.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret, shift=1)})
    codes = _recovery_codes(viewer)
    assert len(codes) == 10

    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    assert client.post(MFA_AUTHENTICATE_URL, {"code": codes[0]}).status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)

    again = Client()
    sign_in(again, "acc.th1.hieutruong", STRONG_PASSWORD)
    refused = again.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})
    assert refused.status_code == 200
    assert _signed_in_user_id(again) is None


def test_recovery_codes_can_be_regenerated_and_downloaded(
    enrolled: tuple[Any, str], django_capture_on_commit_callbacks: Any
) -> None:
    user, secret = enrolled
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret, shift=1)})
    old = _recovery_codes(client)

    page = client.get(RECOVERY_CODES_URL + "generate/")
    assert "Bạn sắp tạo bộ mã khôi phục mới" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(RECOVERY_CODES_URL + "generate/").status_code == 302
    new = _recovery_codes(client)
    download = client.get(RECOVERY_CODES_URL + "download/")

    assert set(new).isdisjoint(old)
    assert download.content.decode().split() == new
    assert AuditEntry.objects.filter(action="accounts.2fa.reset", actor=user).count() == 1


def test_mfa_index_is_vietnamese(enrolled: tuple[Any, str]) -> None:
    _, secret = enrolled
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret, shift=1)})

    html = client.get("/tai-khoan/2fa/").content.decode()

    assert "Xác thực hai lớp" in html
    assert "Ứng dụng xác thực" in html
    assert "Đang bật: đăng nhập cần mã từ ứng dụng xác thực." in html
    for english in ("Authenticator App", "Recovery Codes", "Deactivate", "Two-Factor"):
        assert english not in html


def test_enrolled_secret_matches_the_page(enrolled: tuple[Any, str]) -> None:
    user, secret = enrolled

    assert totp_secret_of(user) == secret
