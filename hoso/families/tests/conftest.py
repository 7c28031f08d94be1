from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.tests.factories import gradebook_as_in_the_demo


@pytest.fixture
def world(settings: Any) -> Any:
    """th1 1A (GVCN th1.giaovien1, HK I entered and published, ph.hs1 the consented parent of
    its first pupil) and thcs1 6A (GVCN thcs1.giaovien1), three pupils each."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    settings.RATELIMIT_ENABLE = False
    return gradebook_as_in_the_demo("th1.1A", "thcs1.6A", pupils=3)
