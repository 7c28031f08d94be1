"""Run inside a crash-test installation (python -m tests.crash.inspect NAME ...): prints JSON."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any


def token(username: str) -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.get(username=username)
    return str(Token.objects.get_or_create(user=user)[0].key)


def uploads() -> dict[str, Any]:
    """Every stored version: its original hash, rendition state and whether the blob is intact."""
    from hoso.records.blobs import blob_store
    from hoso.records.models import RecordVersion

    store = blob_store()
    rows = list(RecordVersion.objects.values("pk", "original_sha256", "rendition_status"))
    by_sha: dict[str, int] = {}
    for row in rows:
        by_sha[row["original_sha256"]] = by_sha.get(row["original_sha256"], 0) + 1
    broken = [
        r["original_sha256"]
        for r in rows
        if not store.exists(r["original_sha256"]) or not store.verify(r["original_sha256"])
    ]
    states: dict[str, int] = {}
    for row in rows:
        states[row["rendition_status"]] = states.get(row["rendition_status"], 0) + 1
    return {"count": len(rows), "by_sha": by_sha, "broken": broken, "states": states}


def slots(record_type: str, *teachers: str) -> dict[str, list[str]]:
    """Periods in which each teacher can still upload (no record yet, or a draft)."""
    from hoso.policy.grants import current_year
    from hoso.records.models import Record, RecordType
    from hoso.records.periods import slots_for

    kind = RecordType.objects.get(code=record_type)
    year = current_year()
    keys = [slot.key for slot in slots_for(kind.period, kind.due_rule, year)]
    free: dict[str, list[str]] = {}
    for teacher in teachers:
        if not _may_create(teacher, kind):
            continue
        taken = set(
            Record.objects.filter(owner__username=teacher, record_type=kind)
            .exclude(state="draft")
            .values_list("period_key", flat=True)
        )
        free[teacher] = [key for key in keys if key not in taken]
    return free


def _may_create(username: str, kind: Any) -> bool:
    from django.contrib.auth import get_user_model

    from hoso.core.errors import DomainError
    from hoso.policy import can
    from hoso.records.services import record_unit_for

    user = get_user_model().objects.get(username=username)
    try:
        return can(user, "records.record.create", record_unit_for(user, kind))
    except DomainError:
        return False


def audit() -> dict[str, Any]:
    from hoso.audit.verify import verify_chain

    checked, problem = verify_chain()
    return {"checked": checked, "problem": None if problem is None else problem.reason}


def main() -> None:
    import django

    django.setup()
    name, args = sys.argv[1], sys.argv[2:]
    result = {"token": token, "uploads": uploads, "audit": audit, "slots": slots}[name](*args)
    print(json.dumps(result))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()


__all__ = ["hashlib"]
