"""/api/v1/sso/: the Sở's administrator reads and sets the province's sign-in; the secret is
write-only; anyone else gets 404; bad values are a Vietnamese 400 and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.accounts.models import SsoProvider
from hoso.accounts.sso.services import SECRET_PURPOSE
from hoso.audit.models import AuditEntry
from hoso.core.secrets import unseal_or_empty
from hoso.org.models import Role
from tests.factories import UserFactory, api_login, grant, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

BODY = {
    "enabled": True,
    "issuer_url": "https://login.microsoftonline.com/0f0e0d0c-1111-2222-3333-444455556666/v2.0",
    "client_id": "7c1a2b3c-aaaa-bbbb-cccc-ddddeeeeffff",
    "client_secret": "bi-mat-entra",
    "allowed_domains": ["thnguyendu.edu.vn", "@thcskimdong.edu.vn"],
}


@pytest.fixture
def world(settings: Any) -> Any:
    settings.HOSO_2FA_REQUIRED_ROLES = []
    world = school_world("ssa")
    admin = UserFactory(username="ssa.admin")
    grant(admin, Role.QTHT, world.units["so"])
    world.people["admin"] = admin
    return world


def _url(world: Any, kind: str = "microsoft") -> str:
    return f"/api/v1/sso/providers/{world.units['so'].pk}/{kind}/"


def test_the_administrator_sets_and_reads_the_microsoft_sign_in(world: Any) -> None:
    api = api_login(world.people["admin"])
    answer = api.put(_url(world), BODY, format="json")
    assert answer.status_code == 200, answer.json()
    got = answer.json()
    assert got["allowed_domains"] == ["thnguyendu.edu.vn", "thcskimdong.edu.vn"]
    assert got["has_secret"] is True
    assert "client_secret" not in got
    so = world.units["so"]
    assert got["redirect_uri"] == (
        f"http://testserver/tai-khoan/oidc/microsoft-{so.pk}/login/callback/"
    )
    listed = api.get("/api/v1/sso/providers/").json()["results"]
    assert [(p["kind"], p["enabled"]) for p in listed] == [("microsoft", True)]
    assert api.get(_url(world)).json()["client_id"] == BODY["client_id"]
    assert _secret(SsoProvider.objects.get()) == "bi-mat-entra"


def test_a_bad_issuer_is_a_vietnamese_400_and_nothing_changes(world: Any) -> None:
    api = api_login(world.people["admin"])
    answer = api.put(_url(world), {**BODY, "issuer_url": "ftp://x.vn"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "Địa chỉ nhà cung cấp phải là một địa chỉ https đầy đủ, không có ? hay #."
    )
    assert not SsoProvider.objects.exists()
    assert not AuditEntry.objects.filter(action="accounts.sso.configured").exists()


@pytest.mark.parametrize("key", ["giaovien", "hieutruong", "chuyenvien"])
def test_anyone_else_gets_404_and_an_empty_list(world: Any, key: str) -> None:
    api = api_login(world.people[key])
    assert api.put(_url(world), BODY, format="json").status_code == 404
    assert api.get(_url(world)).status_code == 404
    assert api.get("/api/v1/sso/providers/").json()["results"] == []
    assert not SsoProvider.objects.exists()


def test_an_unknown_provider_kind_is_404(world: Any) -> None:
    api = api_login(world.people["admin"])
    assert api.put(_url(world, "facebook"), BODY, format="json").status_code == 404
    assert not SsoProvider.objects.exists()


def _secret(config: SsoProvider) -> str:
    """The stored secret is sealed: a database dump alone does not reveal it."""
    assert "bi-mat" not in config.client_secret
    return unseal_or_empty(SECRET_PURPOSE, config.client_secret)
