"""`hoso search reindex` rebuilds the index from the database (resumably); records can be
removed from it (destruction). Embedded backend always, PostgreSQL on a PostgreSQL run."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from hoso.org.tests.factories import small_province
from hoso.records import search_index
from hoso.records.models import Record
from hoso.records.search_index import search_backend, search_record_ids
from hoso.records.services.workflow import record_submit
from hoso.records.tests.factories import catalogue
from hoso.records.tests.helpers import upload
from hoso.search.folding import fold
from hoso.search.maintenance import (
    ReindexProgress,
    checkpoint_path,
    delete_record_entries,
    search_reindex,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


class Interrupted(Exception):
    pass


@pytest.fixture(params=["embedded", "postgres"])
def backend_kind(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backend: run with a PostgreSQL DATABASE_URL")
    settings.HOSO_SEARCH_BACKEND = request.param
    search_backend().clear()
    checkpoint_path().unlink(missing_ok=True)
    yield str(request.param)
    checkpoint_path().unlink(missing_ok=True)
    conn = getattr(search_backend(), "conn", None)
    if conn is not None:  # the backend's own connection would keep the test database open
        conn.close()
        search_index._backend.cache_clear()


@pytest.fixture
def people(backend_kind: str) -> dict[str, Any]:
    """A small province whose teacher has submitted twelve weekly lesson plans (after the
    backend was cleared: the index starts empty, as the reindex tests need)."""
    catalogue()
    world = small_province("se")
    teacher = world.people["th1.giaovien1"]
    for week in range(1, 13):
        version = upload(
            teacher, title=f"Kế hoạch bài dạy tuần {week} môn Toán", period=f"W{week:02d}"
        )
        record_submit(actor=teacher, record_id=version.record_id)
    search_backend().clear()
    return world.people


def _found(admin: Any, record: Record) -> bool:
    ids, _ = search_record_ids(admin, fold(record.title), limit=100)
    return record.pk in ids


def _records() -> list[Record]:
    return list(Record.objects.exclude(versions=None).order_by("pk"))


def test_reindex_fills_an_empty_index_in_batches(backend_kind: str, people: dict[str, Any]) -> None:
    admin, records = people["admin"], _records()
    assert len(records) > 10
    assert not _found(admin, records[-1])  # given an empty index
    seen: list[ReindexProgress] = []

    result = search_reindex(batch=7, progress=seen.append)

    total = Record.objects.count()
    assert (result.done, result.total, result.resumed) == (total, total, False)
    assert [p.done for p in seen] == [min(7 * i, total) for i in range(1, len(seen) + 1)]
    assert _found(admin, records[0]) and _found(admin, records[-1])
    assert not checkpoint_path().exists()


def test_an_interrupted_reindex_goes_on_where_it_stopped(
    backend_kind: str, people: dict[str, Any]
) -> None:
    admin, records = people["admin"], _records()

    def stop_after_two_batches(p: ReindexProgress) -> None:
        if p.done >= 10:
            raise Interrupted

    with pytest.raises(Interrupted):
        search_reindex(batch=5, progress=stop_after_two_batches)
    assert '"done": 10' in checkpoint_path().read_text("utf-8")
    assert _found(admin, records[0]) and not _found(admin, records[-1])

    result = search_reindex(batch=5)

    assert result.resumed is True and result.done == Record.objects.count()
    assert _found(admin, records[0]) and _found(admin, records[-1])  # first batches kept
    assert not checkpoint_path().exists()


def test_the_command_prints_progress_and_restart_clears_stale_entries(
    backend_kind: str, people: dict[str, Any]
) -> None:
    admin, records = people["admin"], _records()
    gone = records[-1]  # given a title no other field of any record shares
    gone.title = "Qwzyx độc bản"
    Record.objects.filter(pk=gone.pk).update(title=gone.title)
    search_reindex()
    assert _found(admin, gone)
    Record.objects.filter(pk=gone.pk).update(title="x")  # stands for a record no longer there
    search_backend().index([])  # nothing: the old entry stays until a rebuild

    out = StringIO()
    call_command("search", "reindex", "--restart", "--batch", "50", stdout=out)

    assert f"/{Record.objects.count()} hồ sơ" in out.getvalue()
    assert "Xong: chỉ mục tìm kiếm có" in out.getvalue()
    assert not _found(admin, gone) and _found(admin, records[0])


def test_delete_record_entries_removes_only_those_records(
    backend_kind: str, people: dict[str, Any]
) -> None:
    admin, records = people["admin"], _records()
    search_reindex()
    doomed, kept = records[-1], records[-2]

    delete_record_entries([doomed.pk, 10**12])  # an unknown id is ignored

    assert not _found(admin, doomed)
    assert _found(admin, kept)


def test_warm_reads_the_index_and_searching_goes_on(
    backend_kind: str, people: dict[str, Any]
) -> None:
    admin, records = people["admin"], _records()
    search_reindex()
    out = StringIO()
    call_command("search", "warm", stdout=out)
    assert "Đã đọc trước chỉ mục tìm kiếm:" in out.getvalue()
    assert search_backend().warm() > 0
    assert _found(admin, records[0])


def test_serve_warms_in_the_background_and_a_failure_is_only_logged(
    backend_kind: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from hoso.search import maintenance

    caplog.set_level("INFO", logger="hoso.search.maintenance")
    maintenance.search_warm_in_background().join(timeout=60)
    assert "search index warmed" in caplog.text

    def broken() -> int:
        raise OSError("disk gone")

    monkeypatch.setattr(maintenance, "search_warm", broken)
    maintenance.search_warm_in_background().join(timeout=60)
    assert "search index warm-up failed" in caplog.text and "disk gone" in caplog.text
