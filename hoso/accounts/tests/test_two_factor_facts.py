"""The two-factor middleware's facts (is the account a demo one, has it TOTP) are read from the
database once and then kept between requests until the next committed write
(hoso.core.data_version): the middleware costs no query per request, and a change is seen at
once."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from hoso.accounts.models import AccountProfile
from hoso.accounts.selectors import has_totp, is_demo_account, requires_two_factor
from hoso.org.models import Role
from hoso.policy.grants import grants_for
from tests.factories import school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def principal(django_capture_on_commit_callbacks: Any, settings: Any) -> Any:
    settings.DEMO_MODE = True
    with django_capture_on_commit_callbacks(execute=True):  # as if made before the test
        user = school_world().people["hieutruong"]
        AccountProfile.objects.create(user=user, is_demo=True, full_name="Hiệu trưởng thử")
    return user


def test_the_facts_are_read_once_then_kept(principal: Any, django_assert_num_queries: Any) -> None:
    assert (is_demo_account(principal), has_totp(principal)) == (True, False)
    with django_assert_num_queries(0):
        assert (is_demo_account(principal), has_totp(principal)) == (True, False)


def test_an_authenticator_added_is_seen_at_once(
    principal: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert not has_totp(principal)
    with django_capture_on_commit_callbacks(execute=True):
        Authenticator.objects.create(user=principal, type=Authenticator.Type.TOTP, data={})
    assert has_totp(principal)

    with django_capture_on_commit_callbacks(execute=True):
        Authenticator.objects.filter(user=principal).delete()
    assert not has_totp(principal)


def test_a_demo_account_made_real_must_use_two_factor_at_once(
    principal: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert Role.HT in grants_for(principal).roles()  # a role that must use two factors
    assert not requires_two_factor(principal)  # a demo account in demo mode
    with django_capture_on_commit_callbacks(execute=True):
        AccountProfile.objects.filter(user=principal).update(is_demo=False)
    assert requires_two_factor(principal)
