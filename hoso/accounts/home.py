from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.accounts.selectors import has_totp, requires_two_factor
from hoso.core.home import HomeTask, register_tasks


def tasks(user: Any) -> list[HomeTask]:
    if has_totp(user):
        return []
    if requires_two_factor(user):
        return [
            HomeTask(
                _("Bật xác thực hai lớp"),
                _("Vai trò của bạn bắt buộc đăng nhập bằng mã xác thực trên điện thoại."),
                reverse("mfa_activate_totp"),
                urgent=True,
            )
        ]
    return []


def register() -> None:
    register_tasks(tasks)
