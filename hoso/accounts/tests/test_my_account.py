"""The "Tài khoản của tôi" page: roles, 2FA state, API token create and revoke (audited)."""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from rest_framework.authtoken.models import Token

from hoso.audit.models import AuditEntry

URL = "/tai-khoan/cua-toi/"
TOKEN_URL = "/tai-khoan/cua-toi/ma-api/"


def test_page_shows_roles_and_that_2fa_is_off(client_for: Any) -> None:
    html = client_for("th1.totruong").get(URL).content.decode()

    assert "Tài khoản của tôi" in html
    assert "th1.totruong" in html
    assert "Tổ trưởng" in html and "Tổ khối 1" in html
    assert "Chưa bật" in html
    assert "Bật xác thực hai lớp" in html


def test_page_shows_2fa_on(client_for: Any, demo_user: Any) -> None:
    TOTP.activate(demo_user("th1.giaovien1"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    html = client_for("th1.giaovien1").get(URL).content.decode()

    assert "Đã bật mã xác thực" in html
    assert "Bật xác thực hai lớp" not in html


def test_creating_a_token_shows_it_once_and_is_audited(client_for: Any, demo_user: Any) -> None:
    user = demo_user("th1.giaovien1")
    client = client_for("th1.giaovien1")

    response = client.post(TOKEN_URL, {"action": "create"}, follow=True)

    token = Token.objects.get(user=user)
    assert token.key in response.content.decode()
    assert token.key not in client.get(URL).content.decode()
    entries = AuditEntry.objects.filter(actor=user, action__startswith="accounts.token.")
    assert [(e.action, json.loads(e.data)) for e in entries.order_by("seq")] == [
        ("accounts.token.revoked", {"existed": False}),
        ("accounts.token.issued", {"created": True}),
    ]
    assert token.key not in "".join(e.data for e in entries)


def test_creating_again_replaces_the_old_token(client_for: Any, demo_user: Any) -> None:
    user = demo_user("th1.giaovien1")
    old = Token.objects.create(user=user).key
    client = client_for("th1.giaovien1")

    client.post(TOKEN_URL, {"action": "create"})

    assert Token.objects.get(user=user).key != old


def test_revoking_deletes_the_token_and_is_audited(client_for: Any, demo_user: Any) -> None:
    user = demo_user("th1.giaovien1")
    Token.objects.create(user=user)
    client = client_for("th1.giaovien1")

    response = client.post(TOKEN_URL, {"action": "revoke"})

    assert (response.status_code, response["Location"]) == (302, URL)
    assert not Token.objects.filter(user=user).exists()
    entry = AuditEntry.objects.filter(actor=user, action="accounts.token.revoked").get()
    assert json.loads(entry.data) == {"existed": True}


def test_token_endpoint_refuses_get(client_for: Any, demo_user: Any) -> None:
    user = demo_user("th1.giaovien1")

    response = client_for("th1.giaovien1").get(TOKEN_URL)

    assert response.status_code == 405
    assert not Token.objects.filter(user=user).exists()
