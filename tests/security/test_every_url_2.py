"""The second half of the routes of the every-URL walk (tests/security/test_every_url.py, which
holds the walk and the first half): a file of its own so that pytest-xdist (`--dist loadfile`)
can run the two halves on two workers.

Needs the demo province: the second half of the walk of test_every_url.py, as every demo role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security import test_every_url as every_url

pytestmark = pytest.mark.one_pass("postgresql")  # as the first half


@pytest.mark.django_db
@pytest.mark.parametrize("name", every_url.APP_ROUTES[1::2])
def test_route_follows_the_table(name: str, client_for: Any, api_for: Any) -> None:
    every_url.walk_route(name, client_for, api_for)
