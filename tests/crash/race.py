"""Run inside a test installation (python -m tests.crash.race approve|sign N): N threads, each
with its own database connection, fire the same transition on one record at the same instant.
Prints JSON: outcomes and what the database holds afterwards."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections import Counter
from typing import Any


def _pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _record(owner: str, type_code: str) -> int:
    """A fresh record, submitted, waiting for the first step of its chain."""
    from hoso.records.models import RecordType
    from hoso.records.services.versions import Upload, record_upload
    from hoso.records.services.workflow import record_submit

    data = _pdf()
    version = record_upload(
        actor=_user(owner),
        record_type=RecordType.objects.get(code=type_code),
        upload=Upload(stream=io.BytesIO(data), filename="dua-ban-tranh-chap.pdf", size=len(data)),
        title="Hồ sơ thử tranh chấp",
    )
    record_submit(actor=_user(owner), record_id=version.record_id)
    return int(version.record_id)


def _race(count: int, action: Any) -> Counter[str]:
    from django.db import connection

    barrier = threading.Barrier(count)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            action()
            result = "ok"
        except Exception as error:  # noqa: BLE001 — every outcome is counted and reported
            result = f"{type(error).__name__}: {getattr(error, 'message', error)}"[:160]
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def approve(count: str) -> dict[str, Any]:
    from hoso.audit.models import AuditEntry
    from hoso.records.models import Record, RecordEvent
    from hoso.records.services.workflow import record_approve

    record_id = _record("th1.totruong", "TT28.SHTO")  # the group's book: one review step
    leader = _user("th1.phohieutruong")
    before = AuditEntry.objects.count()
    outcomes = _race(int(count), lambda: record_approve(actor=leader, record_id=record_id))
    return {
        "outcomes": dict(outcomes),
        "state": Record.objects.get(pk=record_id).state,
        "approved_events": RecordEvent.objects.filter(record_id=record_id, kind="approved").count(),
        "audit_added": AuditEntry.objects.count() - before,
    }


def sign(count: str) -> dict[str, Any]:
    from django.conf import settings

    from hoso.records.models import Record, RecordVersion
    from hoso.records.services.signing import version_sign
    from hoso.signing.engine.validate import pdfsig_all_intact
    from hoso.signing.models import SignatureRecord
    from hoso.storage import blob_store

    record_id = _record("th1.vanthu", "TT28.QLCB")  # QLVB: the demo batch has it
    principal = _user("th1.hieutruong")
    outcomes = _race(
        int(count),
        lambda: version_sign(
            actor=principal, record_id=record_id, passphrase=settings.DEMO_PASSWORD
        ),
    )
    version = RecordVersion.objects.filter(record_id=record_id).order_by("-number").first()
    assert version is not None
    signed = version.signed_sha256
    return {
        "outcomes": dict(outcomes),
        "state": Record.objects.get(pk=record_id).state,
        "signatures": SignatureRecord.objects.filter(version__record_id=record_id).count(),
        "signed_pdf_valid": bool(signed)
        and pdfsig_all_intact(str(blob_store().path_for(signed)), expected=1),
    }


def main() -> None:
    import django

    django.setup()
    name, args = sys.argv[1], sys.argv[2:]
    print(json.dumps({"approve": approve, "sign": sign}[name](*args)))  # noqa: T201


if __name__ == "__main__":
    main()
