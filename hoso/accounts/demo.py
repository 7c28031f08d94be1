"""The demo province's people are demo accounts: a profile with their name, marked `is_demo`
(hoso.accounts.selectors.is_demo_account). A demo step of hoso.org.demo, run after every step
that creates people (org's own, the offices' at 35), so that org need not know accounts."""

from __future__ import annotations

from hoso.accounts.models import AccountProfile
from hoso.org.demo import DemoProvince, register_demo_step

AFTER_EVERY_PERSON = 1000


def demo_profiles(province: DemoProvince) -> None:
    users = list(province.users.values())
    have = set(AccountProfile.objects.filter(user__in=users).values_list("user_id", flat=True))
    AccountProfile.objects.bulk_create(
        AccountProfile(user=user, is_demo=True, full_name=user.first_name)
        for user in users
        if user.pk not in have
    )


def register() -> None:
    register_demo_step(demo_profiles, order=AFTER_EVERY_PERSON)
