"""Issue 13 item 1: a session that has not completed the second factor is refused on every
path, the API included (the API accepts sessions: the signing page's script uses them)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.test import Client

from hoso.accounts.models import ApiToken
from hoso.accounts.tests.conftest import STRONG_PASSWORD, sign_in, totp_code
from hoso.grading.models import EntryWindow
from hoso.org.models import Staff

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.usefixtures("accounts")]

ENROL_URL = "/tai-khoan/2fa/totp/activate/"
MFA_AUTHENTICATE_URL = "/tai-khoan/2fa/authenticate/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _clock_tolerance(settings: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1


def _open_window(client: Client) -> Any:
    school_id = Staff.objects.get(user__username="acc.th1.hieutruong").unit.school_id
    return client.post(
        "/api/v1/grading/windows/",
        json.dumps({"school": school_id, "reason": "Mở sổ bổ sung điểm"}),
        content_type="application/json",
    )


def _password_only_session(real_account: Any) -> tuple[Any, Client]:
    user = real_account("acc.th1.hieutruong")
    client = Client()
    assert sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD).status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)  # signed in, password only
    return user, client


def test_principal_not_enrolled_is_refused_by_the_api(real_account: Any) -> None:
    _, client = _password_only_session(real_account)
    windows_before = EntryWindow.objects.count()

    listing = client.get("/api/v1/records/")
    created = _open_window(client)

    assert listing.status_code == 403
    assert listing.json()["code"] == "two_factor_required"
    assert "bắt buộc xác thực hai lớp" in listing.json()["message"]
    assert created.status_code == 403
    assert EntryWindow.objects.count() == windows_before


def test_the_api_refuses_even_without_the_middleware(real_account: Any, settings: Any) -> None:
    # The DRF authentication class checks on its own (defence in depth).
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "hoso.accounts.middleware.RequireTwoFactorMiddleware"
    ]
    _, client = _password_only_session(real_account)

    response = client.get("/api/v1/records/")

    assert (response.status_code, response.json()["code"]) == (403, "two_factor_required")


def test_principal_not_enrolled_cannot_mint_an_api_token_on_the_web(real_account: Any) -> None:
    user, client = _password_only_session(real_account)

    response = client.post("/tai-khoan/cua-toi/ma-api/")

    assert (response.status_code, response["Location"]) == (302, ENROL_URL)
    assert not ApiToken.objects.filter(user=user).exists()


def test_enrolling_in_the_session_opens_the_api(
    real_account: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, client = _password_only_session(real_account)
    client.get(ENROL_URL)
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ENROL_URL, {"code": totp_code(secret)}).status_code == 302

    assert client.get("/api/v1/records/").status_code == 200
    assert client.get("/").status_code == 200


def test_signing_in_with_the_code_opens_the_api(real_account: Any) -> None:
    user = real_account("acc.th1.hieutruong")
    TOTP.activate(user, SECRET)
    client = Client()
    sign_in(client, "acc.th1.hieutruong", STRONG_PASSWORD)
    assert client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(SECRET)}).status_code == 302

    assert client.get("/api/v1/records/").status_code == 200
    assert _open_window(client).status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/records/", "/", "/tai-khoan/cua-toi/"])
def test_enrolled_principal_with_a_password_only_session_is_signed_out(
    real_account: Any, path: str
) -> None:
    # A session made without allauth's second step (e.g. Django admin's own form, which now
    # redirects to allauth) must not be worth anything.
    user = real_account("acc.th1.hieutruong")
    TOTP.activate(user, SECRET)
    client = Client()
    client.force_login(user)

    response = client.get(path)

    if path.startswith("/api/"):
        assert (response.status_code, response.json()["code"]) == (401, "two_factor_required")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/login/")
    assert client.session.get("_auth_user_id") is None


def test_admin_login_form_is_allauths(real_account: Any) -> None:
    user = real_account("acc.admin")
    client = Client()

    page = client.get("/quan-tri/login/?next=/quan-tri/")
    posted = client.post("/quan-tri/login/", {"username": "acc.admin", "password": STRONG_PASSWORD})
    foreign = client.get("/quan-tri/login/?next=https://evil.example/x")

    assert (page.status_code, page["Location"]) == (302, "/tai-khoan/login/?next=/quan-tri/")
    assert posted.status_code == 302
    assert client.session.get("_auth_user_id") is None
    assert "evil.example" not in foreign["Location"]
    assert user.is_superuser


def test_the_scripts_translations_stay_reachable_before_the_second_factor(
    real_account: Any,
) -> None:
    # Every page, the enrolment and sign-in pages included, loads the JavaScript catalogue: it
    # must answer there, and asking for it must not sign the person out.
    _, enrolling = _password_only_session(real_account)
    user = real_account("acc.th1.phohieutruong")
    TOTP.activate(user, SECRET)
    password_only = Client()
    password_only.force_login(user)

    for client in (enrolling, password_only):
        response = client.get("/jsi18n/en/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
    assert enrolling.get("/").status_code == 302  # still to enrol: nothing else opened
    assert password_only.session.get("_auth_user_id") == str(user.pk)
