"""The menu is grouped by task: every entry sits in a known group, no person sees more than
seven top entries, a group's badge is the sum of what waits in it.

Needs the demo province: the rules are checked against every demo account, of every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from hoso.core.home import ACCOUNT, NAV_GROUPS, NavItem, account_items, menu_for, nav_for

pytestmark = pytest.mark.django_db


def test_every_entry_of_every_demo_account_is_in_a_known_group() -> None:
    known = {*NAV_GROUPS, ACCOUNT, ""}
    for user in get_user_model().objects.filter(is_active=True):
        strays = [(item.label, item.group) for item in nav_for(user) if item.group not in known]
        assert strays == [], user.username


def test_no_demo_account_sees_more_than_seven_top_entries() -> None:
    widest = 0
    for user in get_user_model().objects.filter(is_active=True):
        top = 1 + len(menu_for(nav_for(user)))  # "Trang chủ", then one entry per group
        assert top <= 7, (user.username, [g.label for g in menu_for(nav_for(user))])
        widest = max(widest, top)
    assert widest >= 5  # the principal and the offices use most of the menu


def test_the_principal_finds_signing_under_one_group_with_its_count(demo_user: Any) -> None:
    menu = menu_for(nav_for(demo_user("th1.hieutruong")), path="/ky-so/cho-ky/")
    signing = next(group for group in menu if group.key == "ky-so")
    labels = [item.label for item in signing.items]
    assert labels[0] == "Chờ ký" and "Chứng thư số" in labels
    assert signing.count == sum(item.count or 0 for item in signing.items)
    assert [group.key for group in menu] == sorted(
        (group.key for group in menu), key=list(NAV_GROUPS).index
    )


def test_groups_sum_counts_keep_order_mark_the_page_and_show_an_address_once() -> None:
    items = [
        NavItem("Chờ ký", "/a/", 20, 3, group="ky-so"),
        NavItem("Hồ sơ của tôi", "/b/", 10, 2),
        NavItem("Chứng thư số", "/c/", 73, group="ky-so"),
        NavItem("Chờ ký", "/a/", 20, group="ky-so"),
        NavItem("Thông báo", "/d/", 95, 4, group=ACCOUNT),
        NavItem("Trang chủ", "/", 0, group=""),
    ]
    menu = menu_for(items, path="/c/")
    assert [(g.key, g.count, g.current, len(g.items)) for g in menu] == [
        ("ho-so", 2, False, 1),
        ("ky-so", 3, True, 2),
    ]
    assert [item.label for item in account_items(items)] == ["Thông báo"]
