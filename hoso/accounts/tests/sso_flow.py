"""Driving a sign-in through the stand-in OpenID Connect provider (tests/oidc_provider): HoSo
by Django's test client, the provider's pages by a browser-like requests session, the way a
person's browser goes: the button → the provider's authorize page → its login form → back to
HoSo's callback with the code and state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client

from hoso.accounts.models import SsoProvider
from hoso.accounts.sso.services import sso_provider_save
from tests.oidc_provider.process import StandInProvider

PASSWORD_AT_PROVIDER = "mat-khau-o-nha-cung-cap-1"
SECRET = "bi-mat-cua-ung-dung-hoso"


@pytest.fixture(scope="module")
def provider() -> Iterator[StandInProvider]:
    running = StandInProvider.start()
    yield running
    running.stop()


def enable(
    provider: StandInProvider,
    *,
    admin: Any,
    province: Any,
    kind: str = "microsoft",
    client_id: str = "hoso-so-thu",
    domains: str = "thnguyendu.edu.vn\nthcskimdong.edu.vn",
    enabled: bool = True,
) -> SsoProvider:
    """The Sở's administrator turns the sign-in on; the provider knows HoSo as a client whose
    redirect URI is the callback address the settings page shows."""
    config = sso_provider_save(
        actor=admin,
        province=province,
        kind=kind,
        enabled=enabled,
        issuer_url=provider.issuer,
        client_id=client_id,
        client_secret=SECRET,
        allowed_domains=domains,
    )
    callback = f"http://testserver/tai-khoan/oidc/{config.provider_id}/login/callback/"
    provider.setup(
        clients=[{"client_id": client_id, "client_secret": SECRET, "redirect_uris": [callback]}],
        tamper={},
    )
    return config


def person_at_provider(
    provider: StandInProvider, username: str, email: str, *, verified: bool = True
) -> None:
    provider.setup(
        people=[
            {
                "username": username,
                "password": PASSWORD_AT_PROVIDER,
                "email": email,
                "email_verified": verified,
            }
        ]
    )


@dataclass
class Flow:
    response: Any  # HoSo's answer to the callback
    callback: str  # the callback address (path and query) the provider sent the browser to


def sign_in(client: Client, provider_id: str, username: str) -> Flow:
    started = client.post(f"/tai-khoan/oidc/{provider_id}/login/", {"process": "login"})
    assert started.status_code == 302, started.content.decode()[:500]
    callback = provider_login(started["Location"], username)
    return Flow(client.get(callback), callback)


def provider_login(authorize: str, username: str) -> str:
    """The person at the provider: sign in there, come back. Returns HoSo's callback path."""
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=10)
    assert to_login.status_code == 302, to_login.text[:500]
    login_url = urljoin(authorize, to_login.headers["Location"])
    assert browser.get(login_url, timeout=10).status_code == 200
    posted = browser.post(
        login_url,
        data={
            "username": username,
            "password": PASSWORD_AT_PROVIDER,
            "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 302, posted.text[:500]
    back = browser.get(urljoin(login_url, posted.headers["Location"]), allow_redirects=False)
    assert back.status_code == 302, back.text[:500]
    target = urlsplit(back.headers["Location"])
    assert target.netloc == "testserver"
    return f"{target.path}?{target.query}"
