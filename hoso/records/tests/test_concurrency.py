"""Two leaders approve the same record at the same moment: exactly one wins (PostgreSQL, real
threads and connections, committed data — so this test runs outside the test transaction and
leaves its committed record behind under a period no other test uses).

Needs the demo province: the threads see committed rows only, and the demo is the committed
world every test of a worker shares (a world of its own would stay behind for the next tests)."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from hoso.core.errors import Conflict
from hoso.records.models import Record, RecordType
from hoso.records.services import workflow
from hoso.records.services.versions import Upload, record_upload
from hoso.records.tests.helpers import pdf


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_concurrent_approvals_exactly_one_wins(
    demo_province: None, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        users = {
            u.username: u for u in get_user_model().objects.filter(username__startswith="th1.")
        }
        version = record_upload(
            actor=users["th1.totruong"],
            record_type=RecordType.objects.get(code="TT28.SHTO"),
            upload=Upload(io.BytesIO(pdf("Sổ hoạt động tổ tháng 3")), "so.pdf"),
            period_key="2026-03",
        )
        workflow.record_submit(actor=users["th1.totruong"], record_id=version.record_id)
        results: list[str] = []
        barrier = threading.Barrier(2)

        def approve(username: str) -> None:
            try:
                barrier.wait()
                workflow.record_approve(actor=users[username], record_id=version.record_id)
                results.append("won")
            except Conflict:
                results.append("conflict")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=approve, args=(u,))
            for u in ("th1.phohieutruong", "th1.hieutruong")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["conflict", "won"]
        assert Record.objects.get(pk=version.record_id).state == "issued"
        assert connection.vendor == "postgresql"
