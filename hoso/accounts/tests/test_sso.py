"""Single sign-on against a real OpenID Connect provider process on loopback (the stand-in for
Microsoft Entra ID / Google Workspace in tests/oidc_provider): linking by verified e-mail in the
Sở's domains, every refusal in Vietnamese with nothing signed in or linked, the Sở's switch,
and two-factor login after the provider's step."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from hoso.accounts.sso.services import Refusal
from hoso.accounts.tests.conftest import totp_code
from hoso.accounts.tests.sso_flow import (
    enable,
    person_at_provider,
    provider,
    provider_login,
    sign_in,
)
from hoso.audit.models import AuditEntry
from hoso.org.models import Role
from tests.factories import StaffFactory, UserFactory, grant, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

__all__ = ["provider"]  # the module-scoped fixture: one provider process for this file

TEACHER_EMAIL = "lan.gv@thnguyendu.edu.vn"


@pytest.fixture
def world(settings: Any) -> Any:
    settings.HOSO_SSO_ALLOW_LOOPBACK_ISSUER = True
    settings.MFA_TOTP_TOLERANCE = 1
    world = school_world("sso")
    admin = UserFactory(username="sso.admin")
    grant(admin, Role.QTHT, world.units["so"])
    world.people["admin"] = admin
    teacher = world.people["giaovien"]
    teacher.email = TEACHER_EMAIL
    teacher.save(update_fields=["email"])
    return world


@pytest.fixture
def config(provider: Any, world: Any) -> Any:
    return enable(provider, admin=world.people["admin"], province=world.units["so"])


def _signed_in(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _refused(flow: Any, reason: str) -> None:
    assert flow.response.status_code == 403
    assert str(Refusal.MESSAGES[reason]) in flow.response.content.decode()
    entries = AuditEntry.objects.filter(action="accounts.sso.refused")
    assert [json.loads(e.data)["reason"] for e in entries] == [reason]


def test_verified_email_in_the_domain_signs_in_and_links_the_account(
    provider: Any, world: Any, config: Any
) -> None:
    # Given a teacher with the same verified e-mail at the school's Microsoft tenant
    teacher = world.people["giaovien"]
    person_at_provider(provider, "lan", TEACHER_EMAIL.upper())
    client = Client()
    # When they sign in with Microsoft
    flow = sign_in(client, config.provider_id, "lan")
    # Then HoSo signs them in as their own account, linked to the provider's account
    assert flow.response.status_code == 302
    assert flow.response["Location"] == "/"
    assert _signed_in(client) == str(teacher.pk)
    link = SocialAccount.objects.get(user=teacher)
    assert link.provider == config.provider_id
    assert AuditEntry.objects.filter(action="accounts.sso.linked", actor=teacher).count() == 1
    assert client.get("/").status_code == 200
    # And a second sign-in uses the same link
    again = Client()
    assert sign_in(again, config.provider_id, "lan").response.status_code == 302
    assert _signed_in(again) == str(teacher.pk)
    assert SocialAccount.objects.filter(user=teacher).count() == 1


def test_an_id_token_for_another_audience_is_refused(
    provider: Any, world: Any, config: Any
) -> None:
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    provider.setup(tamper={"aud": "ung-dung-khac"})
    client = Client()
    flow = sign_in(client, config.provider_id, "lan")
    _refused(flow, Refusal.ID_TOKEN)
    entry = AuditEntry.objects.get(action="accounts.sso.refused")
    assert json.loads(entry.data)["detail"] == "InvalidAudienceError"
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_an_id_token_with_another_nonce_is_refused(provider: Any, world: Any, config: Any) -> None:
    # Given a teacher whose Microsoft account was linked before
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    assert sign_in(Client(), config.provider_id, "lan").response.status_code == 302
    link = SocialAccount.objects.get()
    # When the provider's ID token carries another sign-in's nonce
    provider.setup(tamper={"nonce": "nonce-cua-lan-dang-nhap-khac", "name": "Kẻ giả mạo"})
    client = Client()
    flow = sign_in(client, config.provider_id, "lan")
    # Then refused before anything is touched: not signed in, the link as it was
    _refused(flow, Refusal.NONCE)
    assert _signed_in(client) is None
    assert SocialAccount.objects.get().extra_data == link.extra_data


def test_a_replayed_callback_is_refused(provider: Any, world: Any, config: Any) -> None:
    # Given a completed sign-in
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    client = Client()
    flow = sign_in(client, config.provider_id, "lan")
    assert _signed_in(client) == str(world.people["giaovien"].pk)
    # When the same callback address is sent again, by the same browser or another one
    for replay in (client, Client()):
        replay.logout()
        answer = replay.get(flow.callback)
        # Then the state is no longer known: refused, nobody signed in
        assert answer.status_code == 403
        assert str(Refusal.MESSAGES[Refusal.STATE]) in answer.content.decode()
        assert _signed_in(replay) is None


def test_a_tampered_state_is_refused(provider: Any, world: Any, config: Any) -> None:
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    client = Client()
    started = client.post(f"/tai-khoan/oidc/{config.provider_id}/login/", {"process": "login"})
    callback = provider_login(started["Location"], "lan")
    tampered = callback.replace("state=", "state=x")
    answer = client.get(tampered)
    assert answer.status_code == 403
    assert str(Refusal.MESSAGES[Refusal.STATE]) in answer.content.decode()
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_an_unverified_email_is_refused(provider: Any, world: Any, config: Any) -> None:
    person_at_provider(provider, "lan", TEACHER_EMAIL, verified=False)
    client = Client()
    _refused(sign_in(client, config.provider_id, "lan"), Refusal.UNVERIFIED)
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_an_email_outside_the_allowed_domains_is_refused(
    provider: Any, world: Any, config: Any
) -> None:
    # The HoSo account has the same e-mail, but the domain is not one of the Sở's schools
    teacher = world.people["giaovien"]
    teacher.email = "lan.gv@gmail.com"
    teacher.save(update_fields=["email"])
    person_at_provider(provider, "lan", "lan.gv@gmail.com")
    client = Client()
    _refused(sign_in(client, config.provider_id, "lan"), Refusal.DOMAIN)
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_an_email_without_a_hoso_account_in_the_province_is_refused(
    provider: Any, world: Any, config: Any
) -> None:
    # An account with that e-mail exists, but its holder works nowhere in this province
    UserFactory(username="sso.nguoingoai", email="ngoai@thnguyendu.edu.vn")
    person_at_provider(provider, "ngoai", "ngoai@thnguyendu.edu.vn")
    client = Client()
    _refused(sign_in(client, config.provider_id, "ngoai"), Refusal.NO_ACCOUNT)
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()
    assert client.get("/tai-khoan/login/").status_code == 200


def test_buttons_show_only_what_the_province_enabled(
    provider: Any, world: Any, config: Any
) -> None:
    page = Client().get("/tai-khoan/login/").content.decode()
    assert "Đăng nhập bằng Microsoft" in page
    assert "Đăng nhập bằng Google" not in page
    assert f'action="/tai-khoan/oidc/{config.provider_id}/login/"' in page


def _form_action(response: Any) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    return directive.split()[1:]


def test_the_pages_with_a_button_let_the_browser_go_on_to_the_provider(
    provider: Any, world: Any, config: Any
) -> None:
    """The button's POST answers 302 to the provider, and Chromium checks that redirect against
    the page's form-action: without the provider's origin there, a click does nothing."""
    assert _form_action(Client().get("/tai-khoan/login/")) == ["'self'", provider.base]
    confirm = Client().get(f"/tai-khoan/oidc/{config.provider_id}/login/")
    assert confirm.status_code == 200
    assert _form_action(confirm) == ["'self'", provider.base]
    # Any other page keeps its forms at home
    assert _form_action(Client().get("/tai-khoan/password/reset/")) == ["'self'"]
    enable(provider, admin=world.people["admin"], province=world.units["so"], enabled=False)
    assert _form_action(Client().get("/tai-khoan/login/")) == ["'self'"]


def test_the_email_the_school_keeps_on_the_staff_record_signs_in(
    provider: Any, world: Any, config: Any
) -> None:
    """Schools write their teachers' addresses on the staff records (the staff sheet, the
    CSDL import), not on the accounts."""
    teacher = world.people["giaovien"]
    teacher.email = ""
    teacher.save(update_fields=["email"])
    StaffFactory(unit=world.units["school"], user=teacher, email="thu.gv@thnguyendu.edu.vn")
    person_at_provider(provider, "thu", "Thu.GV@thnguyendu.edu.vn")
    client = Client()
    assert sign_in(client, config.provider_id, "thu").response.status_code == 302
    assert _signed_in(client) == str(teacher.pk)


def test_switched_off_no_button_and_the_callback_refused(
    provider: Any, world: Any, config: Any
) -> None:
    # Given a sign-in started while the switch was on
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    client = Client()
    started = client.post(f"/tai-khoan/oidc/{config.provider_id}/login/", {"process": "login"})
    callback = provider_login(started["Location"], "lan")
    # When the Sở turns it off
    enable(provider, admin=world.people["admin"], province=world.units["so"], enabled=False)
    # Then the login page has no button, and neither the start nor the callback is accepted
    assert "Đăng nhập bằng Microsoft" not in Client().get("/tai-khoan/login/").content.decode()
    for answer in (
        client.get(callback),
        Client().post(f"/tai-khoan/oidc/{config.provider_id}/login/", {"process": "login"}),
    ):
        assert answer.status_code == 403
        assert str(Refusal.MESSAGES[Refusal.OFF]) in answer.content.decode()
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_two_factor_is_still_asked_after_the_provider(
    provider: Any, world: Any, config: Any
) -> None:
    # Given a principal (a role that requires 2FA) who enrolled TOTP
    principal = world.people["hieutruong"]
    principal.email = "hieutruong@thnguyendu.edu.vn"
    principal.save(update_fields=["email"])
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(principal, secret)
    person_at_provider(provider, "hieutruong", principal.email)
    client = Client()
    # When they sign in with Microsoft
    flow = sign_in(client, config.provider_id, "hieutruong")
    # Then HoSo asks for the code before signing them in
    assert flow.response.status_code == 302
    assert flow.response["Location"] == "/tai-khoan/2fa/authenticate/"
    assert _signed_in(client) is None
    assert client.get("/").status_code == 302
    done = client.post("/tai-khoan/2fa/authenticate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    assert _signed_in(client) == str(principal.pk)
    assert client.get("/").status_code == 200


def test_a_link_to_the_login_address_asks_before_leaving_hoso(
    provider: Any, world: Any, config: Any
) -> None:
    # A GET (a link, a prefetch) never sends the person to the provider by itself
    client = Client()
    page = client.get(f"/tai-khoan/oidc/{config.provider_id}/login/")
    assert page.status_code == 200
    assert "Đăng nhập bằng Microsoft" in page.content.decode()
    started = client.post(f"/tai-khoan/oidc/{config.provider_id}/login/")
    assert started.status_code == 302
    assert started["Location"].startswith(f"{provider.issuer}/authorize/?")
    assert "nonce=" in started["Location"]
    assert "code_challenge_method=S256" in started["Location"]


def test_signing_in_to_connect_another_account_is_refused(
    provider: Any, world: Any, config: Any
) -> None:
    # Linking happens only by signing in: allauth's "connect" process is refused
    person_at_provider(provider, "lan", TEACHER_EMAIL)
    client = Client()
    client.force_login(world.people["giaovien2"])
    started = client.post(f"/tai-khoan/oidc/{config.provider_id}/login/", {"process": "connect"})
    answer = client.get(provider_login(started["Location"], "lan"))
    assert answer.status_code == 403
    assert str(Refusal.MESSAGES[Refusal.NOT_LOGIN]) in answer.content.decode()
    assert not SocialAccount.objects.exists()
