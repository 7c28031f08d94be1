"""The "Tài khoản của tôi" page: roles, 2FA state, API token create and revoke (audited)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from rest_framework.test import APIClient

from hoso.accounts.models import ApiToken
from hoso.accounts.services import create_token
from hoso.accounts.tokens import hash_key
from hoso.audit.models import AuditEntry
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

URL = "/tai-khoan/cua-toi/"
TOKEN_URL = "/tai-khoan/cua-toi/ma-api/"


@pytest.fixture(autouse=True)
def _demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = True  # the demo accounts of `accounts` are signed in as in the demo


def test_page_shows_roles_and_that_2fa_is_off(accounts: Any) -> None:
    html = login(accounts["th1.totruong"]).get(URL).content.decode()

    assert "Tài khoản của tôi" in html
    assert "acc.th1.totruong" in html
    assert "Tổ trưởng" in html and "Tổ khối 1" in html
    assert "Chưa bật" in html
    assert "Bật xác thực hai lớp" in html


def test_page_shows_2fa_on(accounts: Any) -> None:
    TOTP.activate(accounts["th1.giaovien1"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    html = login(accounts["th1.giaovien1"]).get(URL).content.decode()

    assert "Đã bật mã xác thực" in html
    assert "Bật xác thực hai lớp" not in html


def test_creating_a_token_shows_it_once_and_is_audited(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    client = login(accounts["th1.giaovien1"])

    response = client.post(TOKEN_URL, {"action": "create", "name": "Sổ điểm"}, follow=True)

    token = ApiToken.objects.get(user=user)
    key = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    assert token.key_hash == hash_key(key) and token.name == "Sổ điểm"
    assert key not in client.get(URL).content.decode()
    entries = AuditEntry.objects.filter(actor=user, action__startswith="accounts.token.")
    assert [(e.action, json.loads(e.data)["name"]) for e in entries] == [
        ("accounts.token.issued", "Sổ điểm")
    ]
    assert key not in "".join(e.data for e in entries)


def test_the_list_shows_name_created_last_use_and_address(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    _, key = create_token(user=user, name="Phần mềm điểm")
    api = APIClient(REMOTE_ADDR="10.9.8.7")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 200

    html = login(accounts["th1.giaovien1"]).get(URL).content.decode()

    assert "Phần mềm điểm" in html and key[:8] in html and "10.9.8.7" in html
    assert key not in html


def test_creating_again_keeps_the_other_tokens(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    create_token(user=user, name="cũ")
    client = login(accounts["th1.giaovien1"])

    client.post(TOKEN_URL, {"action": "create", "name": "mới"})

    assert sorted(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == [
        "cũ",
        "mới",
    ]


def test_revoking_one_token_stops_it_and_is_audited(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    token, key = create_token(user=user, name="a")
    _, other_key = create_token(user=user, name="b")
    client = login(accounts["th1.giaovien1"])

    response = client.post(TOKEN_URL, {"action": "revoke", "token": str(token.pk)})

    assert (response.status_code, response["Location"]) == (302, URL)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_reason == "owner"
    assert _me(key).status_code == 401
    assert _me(other_key).status_code == 200
    entry = AuditEntry.objects.filter(actor=user, action="accounts.token.revoked").get()
    assert json.loads(entry.data) == {"id": token.pk}


def test_nobody_revokes_another_persons_token(accounts: Any) -> None:
    token, key = create_token(user=accounts["th1.giaovien2"], name="của người khác")

    login(accounts["th1.giaovien1"]).post(TOKEN_URL, {"action": "revoke", "token": str(token.pk)})

    token.refresh_from_db()
    assert token.revoked_at is None
    assert _me(key).status_code == 200


def test_token_endpoint_refuses_get(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]

    response = login(accounts["th1.giaovien1"]).get(TOKEN_URL)

    assert response.status_code == 405
    assert not ApiToken.objects.filter(user=user).exists()


def _me(key: str) -> Any:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/me/")
