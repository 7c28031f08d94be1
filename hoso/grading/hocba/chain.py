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
# The empty signature field the học bạ form lays out in each signer's block (the year's
# "Xác nhận" / "NHẬN XÉT", "PHÊ DUYỆT" blocks; hoso.books.hocba_layout): each step fills its
# own. The seal has no block of its own: it goes over the principal's image (SEAL_OVER).
SIGN_FIELDS: dict[str, str] = {SignStep.GVCN: "GVCN", SignStep.HT: "HT"}
SEAL_OVER = SIGN_FIELDS[SignStep.HT]


def signing_check(version: HocBaVersion) -> list[str]:
    """Why this version cannot be signed yet (empty = may be signed)."""
    problems = [f"còn thiếu {m}" for m in version.data.get("missing", [])]
    if not version.data.get("homeroom"):
        problems.append("lớp chưa có giáo viên chủ nhiệm")
    if not version.data.get("principal"):
        problems.append("trường chưa có hiệu trưởng")
    return problems
