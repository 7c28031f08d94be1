"""Background work of the Drive/OneDrive import and the year export (huey; inline in tests).
Tasks take ids and are idempotent."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def scan_batch(batch_id: int) -> None:
    from hoso.drive_import.services.batches import batch_scan

    batch_scan(batch_id=batch_id)


@db_task()
def run_batch(batch_id: int) -> None:
    from hoso.drive_import.services.batches import batch_run

    batch_run(batch_id=batch_id)


@db_task()
def run_export(export_id: int) -> None:
    from hoso.drive_import.services.exports import export_run

    export_run(export_id=export_id)
