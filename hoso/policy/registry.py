"""The one place that answers "may this person do this action on this object?".

Each domain app registers its rules in its `policies.py` (loaded from AppConfig.ready):
a `check(grants, user, obj) -> bool` for one object and a `scope(grants, user) -> Q` that
filters a list to the same answer. Views, API and services all ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from hoso.core.errors import NOT_FOUND_MESSAGE
from hoso.policy.grants import Grants, grants_for

CheckFn = Callable[[Grants, Any, Any], bool]
ScopeFn = Callable[[Grants, Any], Q]
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Rule:
    action: str
    check: CheckFn
    scope: ScopeFn | None


_RULES: dict[str, Rule] = {}


def register(action: str, check: CheckFn, scope: ScopeFn | None = None) -> None:
    if action in _RULES:
        raise ValueError(f"Policy rule registered twice: {action}")
    _RULES[action] = Rule(action, check, scope)


def actions() -> list[str]:
    return sorted(_RULES)


def rule_for(action: str) -> Rule:
    try:
        return _RULES[action]
    except KeyError:
        raise KeyError(f"No policy rule for action {action!r}") from None


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`? Unknown actions raise: every action needs a rule."""
    rule = rule_for(action)
    grants = grants_for(user)
    if grants.user_id is None:
        return False
    return bool(rule.check(grants, user, obj))


def visible(user: Any, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` narrowed to the objects on which `user` may do `action`."""
    rule = rule_for(action)
    if rule.scope is None:
        raise KeyError(f"Policy rule {action!r} has no list scope")
    grants = grants_for(user)
    if grants.user_id is None:
        return queryset.none()
    return queryset.filter(rule.scope(grants, user))


def get_or_404(user: Any, action: str, queryset: QuerySet[M], **lookup: Any) -> M:
    """The object if it exists and `user` may do `action` on it; otherwise 404, the same for
    hidden and missing objects."""
    try:
        obj = queryset.filter(**lookup).first()
    except (ValueError, TypeError, ValidationError, OverflowError):
        obj = None  # "?lop=abc" or an id beyond 64 bits: as missing, never a server error
    if obj is None or not can(user, action, obj):
        raise Http404(NOT_FOUND_MESSAGE)
    return obj


def nothing() -> Q:
    return Q(pk__in=[])
