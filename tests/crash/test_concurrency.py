"""≥ 20 parallel approve / sign requests on one record, each on its own database connection
with real commits (a separate throw-away installation, so the shared demo test database is not
flushed): exactly one transition and one signature. Meant for PostgreSQL (row locks); on SQLite
the writes are serialised by the database lock and the same answer is expected.

Needs the demo province: the races run in a throw-away installation that `hoso.cli demo` sets up
(tests/crash/harness.py), on the demo's accounts and records (tests/crash/race.py: th1.vanthu's QLVB
record)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.crash.harness import Installation, own_database

PARALLEL = int(os.environ.get("HOSO_RACE_PARALLEL", "20"))

pytestmark = [pytest.mark.crash, pytest.mark.django_db]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, django_db_blocker) -> Iterator[Installation]:
    with django_db_blocker.unblock():
        url, cleanup = own_database()
    installation = Installation(tmp_path_factory.mktemp("race") / "data", database_url=url)
    installation.setup()
    yield installation
    with django_db_blocker.unblock():
        cleanup()


def test_parallel_approvals_make_exactly_one_transition(site: Installation):
    result = site.script_module("tests.crash.race", "approve", str(PARALLEL))

    print(f"\napprove race ({connection.vendor}): {result}")  # noqa: T201
    assert result["outcomes"].get("ok") == 1, result
    assert sum(result["outcomes"].values()) == PARALLEL
    assert all(k == "ok" or k.startswith("Conflict") for k in result["outcomes"]), result
    assert result["state"] in ("approved", "issued")  # SHTO: one review step, then issued
    assert result["approved_events"] == 1


def test_parallel_signatures_make_exactly_one_signature(site: Installation):
    result = site.script_module("tests.crash.race", "sign", str(PARALLEL))

    print(f"\nsign race ({connection.vendor}): {result}")  # noqa: T201
    assert result["outcomes"].get("ok") == 1, result
    assert all(k == "ok" or k.startswith("Conflict") for k in result["outcomes"]), result
    assert result["signatures"] == 1
    assert result["signed_pdf_valid"] is True
