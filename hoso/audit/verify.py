"""Checking the audit chain: edits, deletions and reordering all break it."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.audit.models import AuditEntry, AuditHead
from hoso.audit.services import GENESIS_HASH, entry_hash


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """(entries checked, first problem or None). Streams the log in sequence order."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        problem = _check_entry(entry, expected_seq, prev_hash)
        if problem:
            return checked, problem
        expected_seq, prev_hash, checked = entry.seq + 1, entry.hash, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        return checked, ChainProblem(head.last_seq, "các mục cuối của nhật ký đã bị xóa")
    return checked, None


def _check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str) -> ChainProblem | None:
    if entry.seq != expected_seq:
        return ChainProblem(expected_seq, f"thiếu mục #{expected_seq} (đã bị xóa)")
    if entry.prev_hash != prev_hash:
        return ChainProblem(entry.seq, "không nối với mục trước (bị xóa hoặc đổi thứ tự)")
    if entry_hash(entry) != entry.hash:
        return ChainProblem(entry.seq, "nội dung đã bị sửa")
    return None
