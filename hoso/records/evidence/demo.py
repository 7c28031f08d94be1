"""Demo: the principal of th1 tagged a few of the school's submitted records as evidence for
accreditation (TT 17/2018), each an hour after its latest version, never after the demo's now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hoso.org.demo import register_demo_step
from hoso.records.evidence.criteria import standard_for_level
from hoso.records.models import EvidenceTag, Record

# Criteria given in turn to th1's submitted records (oldest first).
CRITERIA = (("1.1", "1.8"), ("5.1",), ("2.2", "5.1"), ("1.8",), ("5.4",), ("2.2",))


def demo_evidence(province: Any) -> None:
    school, principal = province.units["th1"], province.users["th1.hieutruong"]
    found = standard_for_level(school.level)
    if found is None:
        return
    records = Record.objects.filter(school=school, first_submitted_at__isnull=False)
    rows: list[EvidenceTag] = []
    chosen = 0
    for record in records.order_by("pk")[:200]:
        version = record.versions.order_by("-number").first()
        # Tagged an hour after the version's date, which must lie before the demo's now.
        at = (version.issued_at or version.uploaded_at) + dt.timedelta(hours=1) if version else None
        if at is None or at > province.now:
            continue
        rows += [
            EvidenceTag(
                version=version,
                school=school,
                standard=found.code,
                criterion=code,
                tagged_by=principal,
                tagged_at=at,
            )
            for code in CRITERIA[chosen]
        ]
        chosen += 1
        if chosen == len(CRITERIA):
            break
    EvidenceTag.objects.bulk_create(rows)


register_demo_step(demo_evidence, order=340)  # after the records, signatures and inspection
