from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotDemoPasswordValidator:
    """The demo password is published in the README: nobody may choose it."""

    def validate(self, password: str, user: Any = None) -> None:
        if password == settings.DEMO_PASSWORD:
            raise ValidationError(
                _("Mật khẩu này là mật khẩu trình diễn công khai, không được dùng."),
                code="demo_password",
            )

    def get_help_text(self) -> str:
        return _("Không dùng mật khẩu trình diễn công khai.")
