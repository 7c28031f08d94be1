"""Shared fixtures: the demo province is loaded once per test database and every test runs in
a transaction that is rolled back, so tests see the same province and never each other."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

# The Chromium fixtures live in one plugin so that every browser test, wherever it sits, shares
# one Playwright instance (two sync instances in one process refuse to run).
pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, request: Any) -> None:
    from hoso.org.demo import load_demo
    from tests.browser import snapshot

    with django_db_blocker.unblock():
        load_demo()
        if snapshot.wanted(request.session.items):
            snapshot.take()


@pytest.fixture
def demo_user(db: Any) -> Any:
    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def client_for(db: Any, settings: Any) -> Any:
    """A test client logged in as a demo account (2FA not forced in demo mode)."""
    settings.DEMO_MODE = True

    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture
def api_for(db: Any) -> Any:
    """A DRF API client authenticated by token as a demo account."""
    from rest_framework.test import APIClient

    from hoso.accounts.tokens import create_token

    keys: dict[str, str] = {}

    def make(username: str) -> APIClient:
        if username not in keys:
            user = get_user_model().objects.get(username=username)
            keys[username] = create_token(user=user, name="test")[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[username]}")
        return client

    return make
