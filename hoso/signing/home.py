"""Menu entries and this week's tasks: documents waiting for a signature or the seal,
certificates about to expire."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.core.request_cache import once_per_request
from hoso.signing.selectors import seal_queue, sign_queue


def _to_sign(user: Any) -> int:  # the menu and the home page ask: counted once per request
    return once_per_request(("signing.to_sign", user.pk), lambda: sign_queue(user).count())


def _to_seal(user: Any) -> int:
    return once_per_request(("signing.to_seal", user.pk), lambda: seal_queue(user).count())


def _manages_providers(user: Any) -> bool:
    from hoso.signing.remote.selectors import units_managed

    return once_per_request(("signing.providers", user.pk), lambda: units_managed(user).exists())


def nav(user: Any) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [
        NavItem(_("Kiểm tra chữ ký"), reverse("signing:validate"), 72, group="ky-so"),
        NavItem(_("Chứng thư số"), reverse("signing:certificates"), 73, group="ky-so"),
    ]
    if _manages_providers(user):
        items.append(NavItem(_("Ký số từ xa"), reverse("signing:providers"), 74, group="ky-so"))
    to_sign = _to_sign(user)
    if to_sign:
        items.append(
            NavItem(_("Chờ ký"), reverse("signing:sign-queue"), 20, to_sign, group="ky-so")
        )
    to_seal = _to_seal(user)
    if to_seal:
        items.append(
            NavItem(_("Chờ đóng dấu"), reverse("signing:seal-queue"), 21, to_seal, group="ky-so")
        )
    return items


def tasks(user: Any) -> list[HomeTask]:
    from hoso.signing.selectors import expiring_certificates

    found = []
    to_sign = _to_sign(user)
    if to_sign:
        found.append(
            HomeTask(
                _("Ký số hồ sơ"),
                ngettext(
                    "%(to_sign)s hồ sơ đã duyệt đang chờ bạn ký.",
                    "%(to_sign)s hồ sơ đã duyệt đang chờ bạn ký.",
                    to_sign,
                )
                % {"to_sign": to_sign},
                reverse("signing:sign-queue"),
                to_sign,
            )
        )
    to_seal = _to_seal(user)
    if to_seal:
        found.append(
            HomeTask(
                _("Đóng dấu hồ sơ"),
                ngettext(
                    "%(to_seal)s hồ sơ đã ký đang chờ đóng dấu.",
                    "%(to_seal)s hồ sơ đã ký đang chờ đóng dấu.",
                    to_seal,
                )
                % {"to_seal": to_seal},
                reverse("signing:seal-queue"),
                to_seal,
            )
        )
    for cert in expiring_certificates(user=user):
        found.append(
            HomeTask(
                _("Chứng thư số sắp hết hạn"),
                _("Chứng thư số %(serial)s hết hạn ngày %(day)s; hãy gia hạn và đăng ký lại.")
                % {"serial": cert.serial, "day": f"{cert.not_after:%d/%m/%Y}"},
                reverse("signing:certificates"),
                None,
                True,
            )
        )
    return found


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
