"""A remote request is seen and acted on by the person who started it, no one else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.policy.grants import Grants
from hoso.policy.registry import register


def _own(_grants: Grants, user: Any, obj: Any) -> bool:
    return bool(obj.user_id == user.pk)


def _own_scope(_grants: Grants, user: Any) -> Q:
    return Q(user_id=user.pk)


def register_all() -> None:
    register("signing_remote.request.view", _own, _own_scope)
