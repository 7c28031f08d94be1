"""Background work of remote signing: the run after the confirmation (inline in tests) and
the sweep that ends requests nobody is waiting for any more."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_remote_request(request_id: int) -> None:
    from hoso.signing.remote.services.requests import remote_run

    remote_run(request_id=request_id)


@db_periodic_task(crontab(minute="*/5"))
def expire_remote_requests() -> None:
    from hoso.signing.remote.services.requests import remote_expire_due

    remote_expire_due()
