"""Menu entries (with counts) and home-page tasks of the records app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.core.request_cache import once_per_request
from hoso.policy.grants import grants_for
from hoso.records import selectors
from hoso.records.models import PERSONAL_SIGN_ACTIONS
from hoso.records.notify import unread_count
from hoso.records.policies import SCHOOL_READERS

# Who browses a school's evidence (hoso/records/evidence/policies.py): its readers, the offices.
EVIDENCE_READER_ROLES = frozenset(
    {"HT", "PHT", "VT", "CV_PHONG", "CV_SO", "TP", "PTP", "GD", "PGD"}
)
CHAIN_SETTER_ROLES = frozenset({"GD", "PGD", "CV_SO", "TP", "PTP", "CV_PHONG", "HT"})


# The menu and the home page ask the same questions: answered once per request.
def _my_week(user: Any) -> list[Any]:
    return once_per_request(("records.my_week", user.pk), lambda: list(selectors.my_week(user)))


def _reviews(user: Any) -> int:
    return once_per_request(
        ("records.review_count", user.pk), lambda: selectors.review_queue(user).count()
    )


def nav(user: Any) -> list[NavItem]:
    grants = grants_for(user)
    if not grants.items:
        return []
    items = [
        NavItem(_("Hồ sơ của tôi"), reverse("records:mine"), 10, len(_my_week(user)) or None),
        NavItem(_("Tìm hồ sơ"), reverse("records:search"), 40),
    ]
    reviews = _reviews(user)
    if reviews or grants.roles() & {"TTCM", "PHT", "HT"}:
        items.append(NavItem(_("Chờ duyệt"), reverse("records:review-queue"), 20, reviews or None))
    # "Chờ ký" (with its count) comes from the signing app when something waits; a principal
    # keeps the entry, pointing at the same page, when the queue is empty.
    signs = set(PERSONAL_SIGN_ACTIONS)
    if grants.roles() & {"HT"} and not selectors.queue_for(user, signs).exists():
        items.append(NavItem(_("Chờ ký"), reverse("signing:sign-queue"), 20, group="ky-so"))
    if grants.is_admin or grants.roles() & (set(SCHOOL_READERS) | {"TTCM", "CV_PHONG", "CV_SO"}):
        items.append(NavItem(_("Tình hình nộp hồ sơ"), reverse("records:completion"), 30))
    if grants.is_admin or grants.roles() & EVIDENCE_READER_ROLES:
        items.append(NavItem(_("Minh chứng kiểm định"), reverse("records:evidence-home"), 32))
    if grants.is_admin or grants.roles() & CHAIN_SETTER_ROLES:
        items.append(NavItem(_("Chuỗi duyệt, ký"), reverse("records:chains"), 85, group="quan-tri"))
    unread = unread_count(user)
    items.append(
        NavItem(
            _("Thông báo"), reverse("records:notifications"), 95, unread or None, group="tai-khoan"
        )
    )
    return items


def tasks(user: Any) -> list[HomeTask]:
    found: list[HomeTask] = []
    week = _my_week(user)
    if week:
        late = sum(1 for item in week if getattr(item, "status", "") == "missing")
        found.append(
            HomeTask(
                _("Hồ sơ cần nộp"),
                (
                    ngettext(
                        "%(count)s hồ sơ đến hạn trong tuần này, trong đó %(late)s đã quá hạn.",
                        "%(count)s hồ sơ đến hạn trong tuần này, trong đó %(late)s đã quá hạn.",
                        len(week),
                    )
                    if late
                    else ngettext(
                        "%(count)s hồ sơ đến hạn trong tuần này.",
                        "%(count)s hồ sơ đến hạn trong tuần này.",
                        len(week),
                    )
                )
                % {"count": len(week), "late": late},
                reverse("records:mine"),
                len(week),
                urgent=bool(late),
            )
        )
    returned = selectors.returned_to(user).count()
    if returned:
        found.append(
            HomeTask(
                _("Hồ sơ bị trả lại"),
                ngettext(
                    "%(returned)s hồ sơ cần sửa theo góp ý rồi trình lại.",
                    "%(returned)s hồ sơ cần sửa theo góp ý rồi trình lại.",
                    returned,
                )
                % {"returned": returned},
                reverse("records:mine"),
                returned,
                urgent=True,
            )
        )
    reviews = _reviews(user)
    if reviews:
        found.append(
            HomeTask(
                _("Hồ sơ chờ bạn duyệt"),
                ngettext("%(reviews)s hồ sơ đang chờ.", "%(reviews)s hồ sơ đang chờ.", reviews)
                % {"reviews": reviews},
                reverse("records:review-queue"),
                reviews,
            )
        )
    return found


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
