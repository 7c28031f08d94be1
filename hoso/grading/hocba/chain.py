"""The signing chain of a học bạ: GVCN → hiệu trưởng → con dấu của trường. Which step follows
which status, and what a version must hold before it may be signed."""

from __future__ import annotations

from hoso.grading.models import HocBaStatus, HocBaVersion, SignStep

IN_PROGRESS = (HocBaStatus.DRAFT, HocBaStatus.GVCN_SIGNED, HocBaStatus.HT_SIGNED)
NEXT_STEP = {
    HocBaStatus.DRAFT: (SignStep.GVCN, HocBaStatus.GVCN_SIGNED),
    HocBaStatus.GVCN_SIGNED: (SignStep.HT, HocBaStatus.HT_SIGNED),
    HocBaStatus.HT_SIGNED: (SignStep.SEAL, HocBaStatus.ISSUED),
}
SEAL_PENDING = HocBaStatus.HT_SIGNED


def signing_check(version: HocBaVersion) -> list[str]:
    """Why this version cannot be signed yet (empty = may be signed)."""
    problems = [f"còn thiếu {m}" for m in version.data.get("missing", [])]
    if not version.data.get("homeroom"):
        problems.append("lớp chưa có giáo viên chủ nhiệm")
    if not version.data.get("principal"):
        problems.append("trường chưa có hiệu trưởng")
    return problems
