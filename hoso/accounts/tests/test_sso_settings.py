"""The Sở's single sign-on settings: who may open and change them, what a bad value does
(a Vietnamese message, nothing changed), and the person's page of linked accounts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount

from hoso.accounts.models import SsoProvider
from hoso.accounts.sso.services import SECRET_PURPOSE, sso_provider_save
from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.secrets import unseal_or_empty
from hoso.org.models import Role, UnitKind
from tests.factories import UnitFactory, UserFactory, grant, login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

URL = "/tai-khoan/dang-nhap-mot-lan/"


@pytest.fixture
def world(settings: Any) -> Any:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = school_world("ssc")
    admin = UserFactory(username="ssc.admin")
    grant(admin, Role.QTHT, world.units["so"])
    world.people["admin"] = admin
    return world


def _form(world: Any, kind: str = "google", **fields: str) -> dict[str, str]:
    prefix = f"{kind}-{world.units['so'].pk}"
    values = {
        "enabled": "on",
        "issuer_url": "https://accounts.google.com",
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": "bi-mat",
        "allowed_domains": "@thnguyendu.edu.vn\nthcskimdong.edu.vn",
        **fields,
    }
    body = {f"{prefix}-{k}": v for k, v in values.items() if v is not None}
    return {"province": str(world.units["so"].pk), "kind": kind, **body}


def test_the_administrator_of_the_so_configures_google(world: Any) -> None:
    client = login(world.people["admin"])
    page = client.get(URL).content.decode()
    so = world.units["so"]
    assert f"http://testserver/tai-khoan/oidc/microsoft-{so.pk}/login/callback/" in page
    answer = client.post(URL, _form(world))
    assert answer.status_code == 302
    config = SsoProvider.objects.get(province=so, kind="google")
    assert (config.enabled, _secret(config)) == (True, "bi-mat")
    assert config.domains() == ["thnguyendu.edu.vn", "thcskimdong.edu.vn"]
    entry = AuditEntry.objects.get(action="accounts.sso.configured")
    assert "bi-mat" not in entry.data  # the secret is never written to the log
    assert json.loads(entry.data)["domains"] == ["thnguyendu.edu.vn", "thcskimdong.edu.vn"]
    # An empty secret keeps the stored one
    client.post(URL, _form(world, client_secret="", client_id="456.apps.googleusercontent.com"))
    config.refresh_from_db()
    assert (config.client_id, _secret(config)) == ("456.apps.googleusercontent.com", "bi-mat")
    assert "bi-mat" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issuer_url", "http://accounts.google.com", "phải là một địa chỉ https"),
        ("issuer_url", "http://127.0.0.1:8000/o", "không được trỏ vào chính máy chủ này"),
        ("allowed_domains", "thnguyendu", "Tên miền «thnguyendu» không hợp lệ."),
        ("allowed_domains", "", "Hãy nhập ít nhất một tên miền"),
        ("client_secret", "", "Hãy nhập khóa bí mật"),
        ("client_secret", "x" * 301, "Khóa bí mật của ứng dụng quá dài."),
    ],
)
def test_a_bad_value_is_refused_and_nothing_changes(
    world: Any, field: str, value: str, message: str
) -> None:
    client = login(world.people["admin"])
    answer = client.post(URL, _form(world, **{field: value}), follow=True)
    assert message in answer.content.decode()
    assert not SsoProvider.objects.exists()
    assert not AuditEntry.objects.filter(action="accounts.sso.configured").exists()


@pytest.mark.parametrize("key", ["giaovien", "hieutruong", "chuyenvien"])
def test_nobody_else_opens_or_changes_the_settings(world: Any, key: str) -> None:
    client = login(world.people[key])
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form(world)).status_code == 404
    assert not SsoProvider.objects.exists()


def test_the_administrator_of_another_province_cannot_configure_this_one(world: Any) -> None:
    other_so = UnitFactory(code="ssc-SO2", name="Sở khác", kind=UnitKind.SO)
    other_admin = UserFactory(username="ssc.admin2")
    grant(other_admin, Role.QTHT, other_so)
    assert login(other_admin).post(URL, _form(world)).status_code == 404
    with pytest.raises(NotAllowed):
        sso_provider_save(
            actor=other_admin,
            province=world.units["so"],
            kind="google",
            enabled=False,
            issuer_url="https://accounts.google.com",
            client_id="x",
            client_secret="",
            allowed_domains="",
        )
    assert not SsoProvider.objects.exists()


def test_only_the_two_providers(world: Any) -> None:
    with pytest.raises(DomainError):
        sso_provider_save(
            actor=world.people["admin"],
            province=world.units["so"],
            kind="facebook",
            enabled=False,
            issuer_url="https://www.facebook.com",
            client_id="x",
            client_secret="",
            allowed_domains="",
        )
    assert not SsoProvider.objects.exists()


def test_a_person_sees_and_removes_their_linked_account(world: Any) -> None:
    # Given a link made while the Sở had Microsoft sign-in on (it is off now)
    config = sso_provider_save(
        actor=world.people["admin"],
        province=world.units["so"],
        kind="microsoft",
        enabled=False,
        issuer_url="https://login.microsoftonline.com/tenant/v2.0",
        client_id="x",
        client_secret="",
        allowed_domains="",
    )
    teacher = world.people["giaovien"]
    account = SocialAccount.objects.create(
        user=teacher,
        provider=config.provider_id,
        uid="abc",
        extra_data={"id_token": {"email": "lan.gv@thnguyendu.edu.vn"}},
    )
    client = login(teacher)
    page = client.get("/tai-khoan/3rdparty/").content.decode()
    assert "lan.gv@thnguyendu.edu.vn" in page
    answer = client.post("/tai-khoan/3rdparty/", {"account": account.pk})
    assert answer.status_code == 302
    assert not SocialAccount.objects.exists()
    assert AuditEntry.objects.filter(action="accounts.sso.unlinked", actor=teacher).count() == 1
    assert "chưa liên kết" in client.get("/tai-khoan/3rdparty/").content.decode()


def _secret(config: SsoProvider) -> str:
    """The stored secret is sealed: a database dump alone does not reveal it."""
    assert "bi-mat" not in config.client_secret
    return unseal_or_empty(SECRET_PURPOSE, config.client_secret)
