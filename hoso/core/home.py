"""What a person must do this week, and the menu they see: each app contributes entries.

The home page and the menu ask every registered provider; a provider returns nothing for a
person it does not concern. Apps register in their AppConfig.ready().

The menu is grouped by task (NAV_GROUPS): a person sees one top entry per group that has
something for them, at most seven, each with the sum of the counts that wait inside it.

Both lists are kept between requests until the next write to the database
(hoso.core.data_version): most page views change nothing, and asking every provider costs
about twenty queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hoso.core import data_version


@dataclass(frozen=True)
class HomeTask:
    title: str
    detail: str
    url: str
    count: int | None = None
    urgent: bool = False


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int
    count: int | None = None
    group: str = "ho-so"


# The menu's groups, in their order: what each role does, not which app does it. An item of
# group ACCOUNT is shown beside the person's name (notifications), one of group "" only among
# the home page's shortcuts (the menu has its own "Trang chủ").
ACCOUNT = "tai-khoan"
NAV_GROUPS: dict[str, Promise] = {
    "ho-so": _("Hồ sơ"),
    "ky-so": _("Ký số"),
    "so-diem": _("Sổ điểm, học bạ"),
    "thu-vien": _("Thư viện"),
    "chi-dao": _("Chỉ đạo, báo cáo"),
    "quan-tri": _("Quản trị"),
}


@dataclass(frozen=True)
class NavGroup:
    """One top entry of the menu: its items, and how many things wait in them."""

    key: str
    label: str
    items: list[NavItem]
    current: bool = False  # the page shown is one of its items

    @property
    def count(self) -> int:
        return sum(item.count or 0 for item in self.items)


TaskProvider = Callable[[Any], list[HomeTask]]
NavProvider = Callable[[Any], list[NavItem]]

_TASK_PROVIDERS: list[TaskProvider] = []
_NAV_PROVIDERS: list[NavProvider] = []


def register_tasks(provider: TaskProvider) -> None:
    if provider not in _TASK_PROVIDERS:
        _TASK_PROVIDERS.append(provider)


def register_nav(provider: NavProvider) -> None:
    if provider not in _NAV_PROVIDERS:
        _NAV_PROVIDERS.append(provider)


def tasks_for(user: Any) -> list[HomeTask]:
    return data_version.for_user("home.tasks", user, lambda: _tasks(user))


def _tasks(user: Any) -> list[HomeTask]:
    tasks = [task for provider in _TASK_PROVIDERS for task in provider(user)]
    return sorted(tasks, key=lambda task: not task.urgent)


def nav_for(user: Any) -> list[NavItem]:
    return data_version.for_user("home.nav", user, lambda: _nav(user))


def _nav(user: Any) -> list[NavItem]:
    items = [item for provider in _NAV_PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: item.order)


def menu_for(items: list[NavItem], path: str = "") -> list[NavGroup]:
    """The items (from nav_for) in their groups, groups in NAV_GROUPS order, empty ones left
    out; an item with the same address as an earlier one is shown once. `path`: the page
    shown, whose group is marked current."""
    seen: set[str] = set()
    grouped: dict[str, list[NavItem]] = {key: [] for key in NAV_GROUPS}
    for item in items:
        if item.group in grouped and item.url not in seen:
            seen.add(item.url)
            grouped[item.group].append(item)
    return [
        NavGroup(key, str(NAV_GROUPS[key]), found, any(item.url == path for item in found))
        for key, found in grouped.items()
        if found
    ]


def account_items(items: list[NavItem]) -> list[NavItem]:
    return [item for item in items if item.group == ACCOUNT]
