"""allauth's pages in Vietnamese (allauth ships no Vietnamese: hoso/locale/vi is ours)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import translation

from hoso.accounts.tests.conftest import STRONG_PASSWORD, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.usefixtures("accounts")]

ENGLISH_LEFTOVERS = ("Sign In", "Sign Out", "Password", "Confirm", "Two-Factor", "Activate")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/tai-khoan/logout/", "Bạn có chắc muốn đăng xuất?"),
        ("/tai-khoan/password/change/", "Mật khẩu hiện tại"),
        ("/tai-khoan/2fa/", "Chưa bật ứng dụng xác thực."),
        ("/tai-khoan/2fa/totp/activate/", "Khóa bí mật"),
    ],
)
def test_account_pages_render_in_vietnamese(real_account: Any, path: str, expected: str) -> None:
    real_account("acc.th1.giaovien1")
    client = Client()
    sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD)

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    for english in ENGLISH_LEFTOVERS:
        assert f">{english}<" not in html.replace("\n", "").replace(" ", "")


def test_deactivate_page_is_vietnamese(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")
    client = Client()
    sign_in(client, "acc.th1.giaovien1", STRONG_PASSWORD)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    html = client.get("/tai-khoan/2fa/totp/deactivate/").content.decode()

    assert "Tắt xác thực hai lớp" in html


def test_reauthentication_page_is_vietnamese_without_email_reset(real_account: Any) -> None:
    user = real_account("acc.th1.giaovien1")
    client = Client()
    client.force_login(user)  # no recent sign-in recorded: allauth asks again

    response = client.get("/tai-khoan/2fa/totp/activate/", follow=True)

    html = response.content.decode()
    assert "Xác nhận danh tính" in html
    assert "Nhập lại mật khẩu của bạn" in html
    assert "/password/reset/" not in html


def test_catalogue_translates_allauth_messages() -> None:
    with translation.override("vi"):
        assert translation.gettext("Incorrect code.").startswith("Mã xác thực không đúng")
        assert translation.gettext("Sign In") == "Đăng nhập"
        assert translation.pgettext("field label", "Login") == "Tên đăng nhập"
        assert translation.ngettext(
            "There is %(unused_count)s out of %(total_count)s recovery codes available.",
            "There are %(unused_count)s out of %(total_count)s recovery codes available.",
            2,
        ).startswith("Còn %(unused_count)s")
