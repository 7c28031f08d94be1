"""Remote batch signing (ký số từ xa, issue 11): HoSo's own time per document, the provider's
time left out, against the CSC service of tests/csc with a provider delay on every call.

    .venv/bin/python bench/bench_remote_signing.py                  # 40 documents, 200 ms
    .venv/bin/python bench/bench_remote_signing.py --documents 100 --delay-ms 200

A throw-away data directory and SQLite database with the demo province; the CSC service runs
on loopback with its keys in SoftHSM2 (tests/softhsm.py). One request = remote_start (prepare
every document, ONE credentials/authorize for all hashes), the confirmation, remote_poll
(authorizeCheck), remote_run (ONE signatures/signHash, each document completed and stored in
its own transaction). The provider's time (every call's handler, its delay included) is
measured inside the service and subtracted. Baseline, same run, same documents count: the
principal's batch with a server-side key (version_sign, key unlocked once). Target: HoSo's
own time ≤ 50 ms per document.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch  # noqa: E402


def setup(data_dir: str) -> None:
    os.environ["HOSO_DATA_DIR"] = data_dir
    softhsm = Path(data_dir) / "softhsm"  # the CSC service's keys go with the rest
    (softhsm / "tokens").mkdir(parents=True)
    (softhsm / "softhsm2.conf").write_text(
        f"directories.tokendir = {softhsm / 'tokens'}\nobjectstore.backend = file\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(softhsm / "softhsm2.conf")
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ["HOSO_TASKS_IMMEDIATE"] = "0"  # the run is called here, timed on its own
    os.environ["HOSO_DEMO_MODE"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoso.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def users() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    names = ["th1.hieutruong", "th1.vanthu"]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def remote_round(service: Any, people: dict[str, Any], count: int) -> tuple[float, float, float]:
    """(wall seconds, provider seconds, process CPU seconds) of one remote request for `count`
    documents. The CPU time includes the in-process provider's (small: no delay is CPU) and,
    unlike the wall time, hardly moves when other processes share the cores."""
    from hoso.signing.remote.models import RequestStatus
    from hoso.signing.remote.services import requests as remote_requests
    from tests.csc.fixtures import records_waiting_for_principal

    ids = records_waiting_for_principal(people, count)
    principal = people["th1.hieutruong"]
    provider_before = service.provider_seconds
    began, cpu_began = time.perf_counter(), time.process_time()
    request = remote_requests.remote_start(actor=principal, object_ids=ids)
    service.approve(service.last().authorization_id)
    remote_requests.remote_poll(actor=principal, request_id=request.pk)
    done = remote_requests.remote_run(request_id=request.pk)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    assert done is not None and done.status == RequestStatus.DONE, done
    assert done.done == count, (done.done, done.failed)
    return wall, service.provider_seconds - provider_before, cpu


def server_key_round(people: dict[str, Any], count: int) -> float:
    """Wall seconds of the same work with the principal's server-side key (the baseline)."""
    from django.conf import settings

    from hoso.records.services.signing import version_sign
    from hoso.signing.models import Backend, Certificate
    from hoso.signing.services.signers import signer_close, signer_for
    from tests.csc.fixtures import records_waiting_for_principal

    ids = records_waiting_for_principal(people, count)
    principal = people["th1.hieutruong"]
    began = time.perf_counter()
    demo_key = Certificate.objects.get(owner=principal, backend=Backend.PKCS12)
    handle = signer_for(
        actor=principal, certificate_id=demo_key.pk, passphrase=settings.DEMO_PASSWORD
    )
    try:
        for record_id in ids:
            version_sign(
                actor=principal,
                record_id=record_id,
                signer=handle.signer,
                certificate_id=handle.certificate.pk,
            )
    finally:
        signer_close(handle)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the data folder it made")
    args = parser.parse_args()
    with scratch("hoso-bench-remote-", keep=args.keep) as place:
        setup(place.data_dir)
        run(args.documents, args.delay_ms / 1000, args.rounds)


def run(count: int, delay: float, rounds: int) -> None:
    from hoso.org.demo import load_demo
    from tests.csc.fixtures import CLIENT_ID, CLIENT_SECRET, link_remote
    from tests.csc.service import CscService, SoftHsmKeys

    load_demo()
    people = users()
    keys = SoftHsmKeys()
    service = CscService(keys, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    try:
        link_remote(service, people["th1.hieutruong"])
        service.delay = delay
        remote_round(service, people, 2)  # warm-up: token, imports, caches
        server_key_round(people, 2)
        results = [remote_round(service, people, count) for _ in range(rounds)]
        baseline = min(server_key_round(people, count) for _ in range(rounds))
    finally:
        service.stop()
        keys.close()
    report(count, delay, results, baseline)


def report(
    count: int, delay: float, results: list[tuple[float, float, float]], baseline: float
) -> None:
    own = min(wall - provider for wall, provider, _ in results)
    cpu = min(cpu for _, _, cpu in results)
    wall, provider, _ = min(results)
    load = os.getloadavg()
    print(f"remote batch signing, {count} documents, provider delay {delay * 1000:.0f} ms/call")
    print(f"  cores {os.cpu_count()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"  best of {len(results)}: wall {wall:.2f} s, of which provider {provider:.2f} s")
    print(f"  HoSo's own time: {own / count * 1000:.1f} ms/document (target <= 50)")
    print(f"  process CPU: {cpu / count * 1000:.1f} ms/document (in-process provider included)")
    print(f"  baseline, server-side key, same documents: {baseline / count * 1000:.1f} ms/document")
    print(f"  ratio own remote / server-side key: {own / baseline:.2f}")


if __name__ == "__main__":
    main()
