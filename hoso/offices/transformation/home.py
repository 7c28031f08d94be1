"""Menu entry "Chuyển đổi số" and the home tasks: a school leader's sheet to fill and submit;
an office person's open sets whose deadline has passed (to close and rank)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.offices.models import CriteriaSet, SetState
from hoso.offices.policies import SCHOOL_RECEIVERS
from hoso.offices.transformation.selectors import sheets_to_fill
from hoso.policy import can
from hoso.policy.grants import OFFICE_ROLES, grants_for


def nav(user: Any) -> list[NavItem]:
    grants = grants_for(user)
    if not (can(user, "offices.office.act") or grants.schools(SCHOOL_RECEIVERS)):
        return []
    owing = sheets_to_fill(user).count()
    return [NavItem(_("Chuyển đổi số"), reverse("offices:dx-sets"), 36, owing or None, "chi-dao")]


def tasks(user: Any) -> list[HomeTask]:
    found = []
    owing = list(sheets_to_fill(user)[:20])
    if owing:
        first = owing[0]
        today = timezone.localdate()
        late = any(s.criteria_set.closes_on < today for s in owing)
        detail = _("%(title)s — hạn nộp %(day)s.") % {
            "title": first.criteria_set.title,
            "day": first.criteria_set.closes_on.strftime("%d/%m/%Y"),
        }
        url = reverse("offices:dx-sheet", args=[first.pk])
        found.append(HomeTask(_("Tự đánh giá chuyển đổi số"), detail, url, len(owing), late))
    offices = grants_for(user).units(OFFICE_ROLES)
    if offices:
        due = CriteriaSet.objects.filter(
            office_id__in=offices, state=SetState.OPEN, closes_on__lt=timezone.localdate()
        ).count()
        if due:
            detail = _("Đã hết hạn trường nộp: chốt kết quả để công bố xếp hạng.")
            found.append(
                HomeTask(_("Chốt kết quả chuyển đổi số"), detail, reverse("offices:dx-sets"), due)
            )
    return found


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
