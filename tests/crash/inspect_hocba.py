"""Run inside a crash-test installation (python -m tests.crash.inspect_hocba NAME ...): the học
bạ side of the crash test. Prints JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

CLASS_CODE = "TH1-2025-1B"  # GVCN th1.giaovien2; principal th1.hieutruong; seal th1.vanthu
PASSPHRASE = "hoso-demo-2025"  # the demo password (demo PKI)


def _class() -> Any:
    from hoso.org.models import Unit

    return Unit.objects.get(code=CLASS_CODE)


def prepare(count: str) -> list[int]:
    """The first `count` pupils of the class get every year-end assessment (so that their học
    bạ can be signed) and have no học bạ yet; returns their ids."""
    from hoso.grading.catalogue import class_subjects, sheet_columns
    from hoso.grading.demo import YEAR_END
    from hoso.grading.models import Entry, HocBaVersion
    from hoso.grading.sheets import PCNL
    from hoso.org.models import Enrolment

    school_class = _class()
    has_one = HocBaVersion.objects.values_list("student_id", flat=True)
    pupils = list(
        Enrolment.objects.filter(school_class=school_class)
        .exclude(student_id__in=has_one)
        .order_by("student__sort_key")
        .values_list("student_id", flat=True)[: int(count)]
    )
    sheets = [s.code for s in class_subjects(school_class)] + [PCNL]
    columns = [c for sheet in sheets for c in sheet_columns(school_class, sheet)]
    for pupil in pupils:
        have = set(Entry.objects.filter(student_id=pupil).values_list("area", "slot"))
        Entry.objects.bulk_create(
            Entry(
                school_year_id=school_class.school_year_id,
                school_class=school_class,
                student_id=pupil,
                area=c.area,
                slot=c.slot,
                value=YEAR_END[c.kind],
            )
            for c in columns
            if c.checkpoint == "cuoi_nam" and (c.area, c.slot) not in have
        )
    return pupils


def queue(kind: str, username: str, *pupils: str) -> int:
    """A batch queued as the class page queues it (the task goes to the worker's queue)."""
    from django.contrib.auth import get_user_model

    from hoso.grading.hocba.services.batches import hocba_batch_create, hocba_batch_sign

    actor = get_user_model().objects.get(username=username)
    if kind == "create":
        batch = hocba_batch_create(
            actor=actor, school_class=_class(), students=[int(p) for p in pupils]
        )
    else:
        batch = hocba_batch_sign(actor=actor, school_class=_class(), passphrase=PASSPHRASE)
    return int(batch.pk)


def signable(*pupils: str) -> list[int]:
    """Of these pupils, those whose học bạ has every datum a signature needs (a demo pupil
    may lack one: the sign batches leave such a học bạ out)."""
    from hoso.grading.hocba.chain import signing_check
    from hoso.grading.models import HocBaVersion

    versions = HocBaVersion.objects.filter(student_id__in=[int(p) for p in pupils])
    return sorted(v.student_id for v in versions if not signing_check(v))


def batch(batch_id: str) -> dict[str, Any]:
    from hoso.grading.models import HocBaBatch

    row = HocBaBatch.objects.get(pk=int(batch_id))
    messages = sorted(set(row.items.exclude(message="").values_list("message", flat=True)))
    return {
        "status": row.status,
        "total": row.total,
        "done": row.done,
        "failed": row.failed,
        "messages": messages,
    }


def check(*pupils: str) -> dict[str, Any]:
    """For every pupil: exactly one học bạ, issued, signed once at each of the three steps, its
    file verified by HoSo's check (pyHanko: every signature valid and trusted, matching the
    recorded steps) and intact for poppler's pdfsig."""
    from hoso.grading.hocba.selectors import read_blob
    from hoso.grading.hocba.verify import verify_version
    from hoso.grading.models import HocBaVersion
    from hoso.signing.engine.validate import pdfsig_report

    out: dict[str, Any] = {"issued": 0, "bad": []}
    for pupil in (int(p) for p in pupils):
        versions = list(HocBaVersion.objects.filter(student_id=pupil))
        if len(versions) != 1:
            out["bad"].append([pupil, f"{len(versions)} học bạ"])
            continue
        version = versions[0]
        steps = list(version.signatures.values_list("step", flat=True))
        if version.status != "issued" or sorted(steps) != ["gvcn", "ht", "seal"]:
            out["bad"].append([pupil, f"{version.status}, steps {steps}"])
            continue
        verification = verify_version(version)
        # Document time-stamps aside: poppler does not verify RFC 3161 stamps (pyHanko does).
        poppler = [
            s
            for s in pdfsig_report(read_blob(version.pdf_sha256))
            if s.get("Signature Type") != "ETSI.RFC3161"
        ]
        intact = [s.get("Signature Validation") == "Signature is Valid." for s in poppler]
        if not verification.ok or len(intact) != 3 or not all(intact):
            out["bad"].append([pupil, f"{verification.problems} pdfsig={intact}"])
            continue
        out["issued"] += 1
    return out


def main() -> None:
    import django

    django.setup()
    name, args = sys.argv[1], sys.argv[2:]
    commands = {
        "prepare": prepare,
        "queue": queue,
        "signable": signable,
        "batch": batch,
        "check": check,
    }
    print(json.dumps(commands[name](*args)))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()
