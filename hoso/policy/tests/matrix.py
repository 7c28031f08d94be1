"""The one row check of every app's policy matrix (hoso/<app>/tests/test_policy_matrix.py)."""

from __future__ import annotations

from typing import Any

from hoso.policy import can, visible


def assert_row(
    user: Any, action: str, objects: list[Any], expected: tuple, model: Any = None
) -> None:
    """`can` gives `expected` for each object; with `model`, the list scope agrees with it."""
    got = tuple(can(user, action, obj) for obj in objects)
    assert got == expected, f"{user.username} {action}: {got} != {expected}"
    if model is not None:
        listed = set(visible(user, action, model.objects.all()).values_list("pk", flat=True))
        in_list = tuple(obj.pk in listed for obj in objects)
        assert in_list == expected, f"{user.username} {action} list: {in_list} != {expected}"
