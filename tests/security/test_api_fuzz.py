"""API fuzzing with schemathesis against /api/v1/schema/, in-process (WSGI) as demo accounts:
no 5xx, and every documented response matches the schema. Bounded for CI:
HOSO_FUZZ_EXAMPLES (default 15) examples per operation.

Needs the demo province: every API operation is fuzzed as a demo account (HOSO_FUZZ_USER, admin by
default), the demo's data behind the identifiers it tries."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

EXAMPLES = int(os.environ.get("HOSO_FUZZ_EXAMPLES", "15"))
FUZZ_USER = os.environ.get("HOSO_FUZZ_USER", "admin")
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def django_settings(settings: Any) -> Any:
    settings.DEMO_MODE = True  # 2FA not forced on demo accounts
    settings.RATELIMIT_ENABLE = False
    # schemathesis calls the WSGI app directly: like Django's test client, keep the end of a
    # request from closing the connection that holds the test's transaction (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: Any) -> str:
    from django.contrib.auth import get_user_model

    from hoso.accounts.services import create_token

    user = get_user_model().objects.get(username=FUZZ_USER)
    return create_token(user=user, name="fuzz")[1]


def _load() -> Any:
    # The schema comes from the code (drf-spectacular), no database needed at collection.
    from hoso.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


schema = _load()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Any, token: str, django_settings: Any) -> None:
    reason = KNOWN_BROKEN.get(case.operation.label)
    if reason:
        pytest.xfail(reason)  # reported to the owner; stays visible as XFAIL in every run
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# Failures found by this test in code owned by other engineers (reported 2026-11-24). Remove an
# entry when its fix lands: the operation is then checked strictly again.
KNOWN_BROKEN = {}
