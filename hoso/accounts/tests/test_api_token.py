"""POST /api/v1/auth/token/ and GET /api/v1/me/: password, TOTP, used codes, token use."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from rest_framework.test import APIClient

from hoso.accounts.models import ApiToken
from hoso.accounts.tests.conftest import STRONG_PASSWORD, totp_code
from hoso.accounts.tokens import hash_key

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.usefixtures("accounts")]

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


@pytest.fixture
def totp_user(real_account: Any, settings: Any) -> tuple[Any, str]:
    settings.MFA_TOTP_TOLERANCE = 1
    user = real_account("acc.th1.hieutruong")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    return user, secret


def _post(data: dict[str, str]) -> Any:
    return APIClient().post(TOKEN_URL, data, format="json", REMOTE_ADDR="10.5.5.5")


def test_totp_user_without_otp_gets_401_in_vietnamese(totp_user: tuple[Any, str]) -> None:
    user, _ = totp_user

    response = _post({"username": "acc.th1.hieutruong", "password": STRONG_PASSWORD})

    assert response.status_code == 401
    assert response.json() == {
        "code": "otp_required",
        "message": "Cần mã xác thực (otp) 6 chữ số từ ứng dụng xác thực.",
        "fields": {},
    }
    assert not ApiToken.objects.filter(user=user).exists()


def test_totp_user_with_valid_otp_gets_a_token_once_per_code(totp_user: tuple[Any, str]) -> None:
    user, secret = totp_user
    code = totp_code(secret)
    data = {"username": "acc.th1.hieutruong", "password": STRONG_PASSWORD, "otp": code}

    first = _post(data)
    reused = _post(data)

    assert first.status_code == 200
    assert set(first.json()) == {"token"}
    assert ApiToken.objects.get(user=user).key_hash == hash_key(first.json()["token"])
    assert reused.status_code == 401
    assert reused.json()["message"] == "Mã xác thực không đúng hoặc đã được dùng."


def test_wrong_otp_is_refused(totp_user: tuple[Any, str]) -> None:
    user, _ = totp_user

    response = _post(
        {"username": "acc.th1.hieutruong", "password": STRONG_PASSWORD, "otp": "000000"}
    )

    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=user).exists()


def test_wrong_password_is_refused(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")

    response = _post({"username": "acc.th1.giaovien1", "password": "sai-mat-khau"})

    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa.",
        "fields": {},
    }
    assert not ApiToken.objects.filter(user=user).exists()


def test_leader_without_totp_must_enrol_on_the_web_first(real_account: Any) -> None:
    user = real_account("acc.th1.hieutruong")

    response = _post({"username": "acc.th1.hieutruong", "password": STRONG_PASSWORD})

    assert response.status_code == 401
    assert "bắt buộc xác thực hai lớp" in response.json()["message"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_works_on_me(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    token = _post({"username": "acc.th1.giaovien1", "password": STRONG_PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "acc.th1.giaovien1"
    assert {r["role"] for r in body["roles"]} == {"GV"}


def test_me_without_token_is_401(db: Any) -> None:
    response = APIClient().get(ME_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_api_failures_count_towards_the_account_lockout(real_account: Any) -> None:
    real_account("acc.th1.giaovien1")
    for n in range(5):
        APIClient().post(
            TOKEN_URL,
            {"username": "acc.th1.giaovien1", "password": f"sai-{n}"},
            format="json",
            REMOTE_ADDR=f"10.6.0.{n + 1}",
        )

    response = _post({"username": "acc.th1.giaovien1", "password": STRONG_PASSWORD})

    assert (response.status_code, response.json()["code"]) == (429, "locked")
    assert "tạm khóa" in response.json()["message"]
