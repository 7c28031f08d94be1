"""Signing jobs of the crash test: principals sign records waiting for them, half one by one
through the API (synchronous, in the web server), half in batches of BATCH_SIZE (the worker),
while the chaos thread kills both. A request whose answer was lost (server killed) is sent
again; the second answer tells whether the first one had committed."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from typing import Any

from tests.crash.harness import Installation, post

SIGNING = int(os.environ.get("HOSO_CRASH_SIGNING", "20"))
PASSPHRASE = "hoso-demo-2025"  # the demo password (demo PKI)
BATCH_SIZE = 5
LOST = {0, 502, 503}
UNCLEAN = "Lỗi không mong đợi"


class SigningJobs:
    def __init__(self, site: Installation, signables: dict[str, list[int]]) -> None:
        self.site = site
        self.tokens = {user: site.script("token", user) for user in signables}
        self.singles: list[tuple[str, int]] = []
        self.batches: list[tuple[str, list[int]]] = []
        for user, ids in signables.items():
            half = len(ids) // 2
            self.singles += [(user, pk) for pk in ids[:half]]
            rest = ids[half:]
            self.batches += [
                (user, rest[k : k + BATCH_SIZE]) for k in range(0, len(rest), BATCH_SIZE)
            ]
        self.records = {pk for ids in signables.values() for pk in ids}
        self.lock = threading.Lock()
        self.requests = 0
        self.lost = 0
        self.signed_ack: set[int] = set()  # 201 for a single sign
        self.batch_ack: dict[int, list[int]] = {}  # 202: batch id → its records
        self.errors: list[str] = []

    def threads(self) -> list[threading.Thread]:
        return [threading.Thread(target=self._sign_singles), threading.Thread(target=self._batch)]

    def _post(self, user: str, path: str, payload: dict[str, Any]) -> tuple[int, Any, bool]:
        """POST until a definite answer; returns (status, body, an earlier answer was lost)."""
        body = json.dumps(payload).encode()
        lost = False
        for _ in range(600):
            try:
                status, answer = post(
                    f"{self.site.base}{path}", self.tokens[user], body, "application/json"
                )
            except (OSError, http.client.HTTPException):  # killed mid-answer: lost
                status, answer = 0, b""
            with self.lock:
                self.requests += 1
                self.lost += status in LOST
            if status not in LOST:
                return status, answer, lost
            lost = True
            time.sleep(0.3)
        return 0, b"", lost

    def _sign_singles(self) -> None:
        for user, pk in self.singles:
            status, answer, lost = self._post(
                user, f"/api/v1/records/{pk}/sign/", {"passphrase": PASSPHRASE}
            )
            with self.lock:
                if status == 201:
                    self.signed_ack.add(pk)
                elif not (status == 409 and lost):  # 409 after a lost answer: that one signed
                    self.errors.append(f"sign {pk}: {status} {answer!r}")

    def _batch(self) -> None:
        for user, ids in self.batches:
            status, answer, lost = self._post(
                user, "/api/v1/signing/batches/", {"records": ids, "passphrase": PASSPHRASE}
            )
            with self.lock:
                if status == 202:
                    self.batch_ack[int(answer["id"])] = ids
                elif not (status == 400 and lost):  # the lost batch already signed them all
                    self.errors.append(f"batch {ids}: {status} {answer!r}")

    def summary(self, report: dict[str, Any]) -> str:
        items = sum(len(ids) for _, ids in self.batches)
        return (
            f"signing jobs {len(self.records)} ({len(self.singles)} single, {items} in "
            f"{len(self.batches)} batches), {self.requests} signing requests, {self.lost} answers "
            f"lost, signed {len(report['signed'])}, batches {report['batches']}, "
            f"batch items {report['items']}"
        )


def drain_signing(site: Installation, timeout: float) -> dict[str, Any]:
    """Wait until no batch is queued or running (the recovery sweep compressed in time), then
    the full check of every signing record."""
    deadline = time.monotonic() + timeout
    rounds = 0
    while time.monotonic() < deadline:
        quick = site.script("signing", "quick")
        if set(quick["batches"]) <= {"done"} and set(quick["items"]) <= {"done", "failed"}:
            break
        rounds += 1
        if rounds % 5 == 0:
            site.run("hoso.cli", "recover_jobs", "--older-than", "0.5")
        time.sleep(3)
    return dict(site.script("signing"))


def check_signing(jobs: SigningJobs, report: dict[str, Any]) -> None:
    assert jobs.errors == [], jobs.errors
    assert report["double"] == [], f"signed twice: {report['double']}"
    assert report["versions"] == [], f"more than one version: {report['versions']}"
    assert report["bad"] == [], report["bad"]
    assert set(report["batches"]) <= {"done"}, f"batches never finished: {report['batches']}"
    assert set(report["items"]) <= {"done", "failed"}, report["items"]
    assert not [m for m in report["messages"] if not m or UNCLEAN in m], report["messages"]
    assert jobs.signed_ack <= set(report["signed"])
    # Every job ends done: singles answered, batches resumed after each kill.
    assert set(report["unsigned"]) == set(), f"never signed: {report['unsigned']}"
    assert set(report["signed"]) == jobs.records
