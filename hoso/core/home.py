"""What a person must do this week, and the menu they see: each app contributes entries.

The home page and the menu ask every registered provider; a provider returns nothing for a
person it does not concern. Apps register in their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
    tasks = [task for provider in _TASK_PROVIDERS for task in provider(user)]
    return sorted(tasks, key=lambda task: not task.urgent)


def nav_for(user: Any) -> list[NavItem]:
    items = [item for provider in _NAV_PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: item.order)
