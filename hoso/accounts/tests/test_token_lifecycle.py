"""Issue 13 item 2: API tokens hashed at rest, expiring, revoked on a password change and on an
administrator's lock; a token issued in demo mode stops working outside demo mode."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from hoso.accounts.models import ApiToken
from hoso.accounts.services import api_token_issue
from hoso.accounts.tests.conftest import STRONG_PASSWORD
from hoso.accounts.tokens import hash_key
from hoso.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def _me(key: str) -> Any:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/me/")


def test_only_a_hash_is_stored(accounts: Any) -> None:
    key = api_token_issue(user=accounts["th1.giaovien1"], name="x")

    row = ApiToken.objects.get(key_hash=hash_key(key))
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert key not in stored
    assert row.prefix == key[:8]
    assert _me(key).status_code == 200


def test_tokens_expire_after_the_configured_days(accounts: Any, settings: Any) -> None:
    settings.HOSO_API_TOKEN_DAYS = 7
    key = api_token_issue(user=accounts["th1.giaovien1"])
    row = ApiToken.objects.get(key_hash=hash_key(key))
    assert row.expires_at - row.created_at == dt.timedelta(days=7)

    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = _me(key)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.usefixtures("accounts")
def test_a_password_change_revokes_every_token(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")
    keys = [api_token_issue(user=user, name=n) for n in ("a", "b")]
    client = Client()
    client.post("/tai-khoan/login/", {"login": "acc.th1.giaovien1", "password": STRONG_PASSWORD})

    changed = client.post(
        "/tai-khoan/password/change/",
        {
            "oldpassword": STRONG_PASSWORD,
            "password1": "Sen-hong-Thap-Muoi-2026",
            "password2": "Sen-hong-Thap-Muoi-2026",
        },
    )

    assert changed.status_code == 302, changed.content.decode()[:1000]
    assert [_me(k).status_code for k in keys] == [401, 401]
    assert set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True)) == {
        "password"
    }
    assert AuditEntry.objects.filter(action="accounts.token.revoked_all").count() == 1


def test_a_rehash_by_a_newer_hasher_is_not_a_password_change(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    key = api_token_issue(user=user)
    user.password = "x" + user.password  # what check_password's upgrade writes: no raw password
    user.save(update_fields=["password"])

    assert _me(key).status_code == 200


def test_an_administrators_lock_revokes_every_token(accounts: Any) -> None:
    user = accounts["th1.giaovien1"]
    key = api_token_issue(user=user)

    user.is_active = False
    user.save()
    user.is_active = True  # unlocking does not bring the tokens back
    user.save()

    assert _me(key).status_code == 401
    assert ApiToken.objects.get(key_hash=hash_key(key)).revoked_reason == "locked"


def test_demo_mode_tokens_stop_outside_demo_mode(accounts: Any, settings: Any) -> None:
    settings.DEMO_MODE = True
    demo_key = api_token_issue(user=accounts["th1.giaovien1"])
    assert _me(demo_key).status_code == 200

    settings.DEMO_MODE = False
    real_key = api_token_issue(user=accounts["th1.giaovien1"])

    assert _me(demo_key).status_code == 401
    assert _me(real_key).status_code == 200


def test_last_use_records_time_and_address(accounts: Any) -> None:
    key = api_token_issue(user=accounts["th1.giaovien1"])
    api = APIClient(REMOTE_ADDR="10.1.2.3")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    api.get("/api/v1/me/")

    row = ApiToken.objects.get(key_hash=hash_key(key))
    assert row.last_used_ip == "10.1.2.3" and row.last_used_at is not None
