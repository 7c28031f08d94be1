"""Checking the audit chain: edits, deletions and reordering all break it.

The head is read first and only entries up to it are checked: entries appended while the check
runs (background tasks keep writing) are not part of the chain being checked, so a live server
is never reported as "the last entries were deleted" because of them. Appends commit the entry
and the head in one transaction, so every entry up to a committed head is committed too.

With time-stamp anchors (hoso.audit.anchors) the chain is also compared with hashes kept
outside the database: a chain rewritten consistently, head included, still fails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hoso.audit.models import AuditEntry, AuditHead
from hoso.audit.services import GENESIS_HASH, entry_hash


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """(entries checked, first problem or None). Streams the log in sequence order."""
    last_seq, last_hash = _read_head()
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in _entries(last_seq, batch_size):
        problem = _check_entry(entry, expected_seq, prev_hash)
        if problem:
            return checked, problem
        expected_seq, prev_hash, checked = entry.seq + 1, entry.hash, checked + 1
    if expected_seq - 1 != last_seq or prev_hash != last_hash:
        return checked, ChainProblem(last_seq, _("các mục cuối của nhật ký đã bị xóa"))
    return checked, None


def verify_all(batch_size: int = 5000) -> tuple[int, ChainProblem | None, int]:
    """The chain, then the time-stamp anchors: (entries checked, first problem, anchors
    checked)."""
    from hoso.audit.anchors import verify_anchors

    checked, problem = verify_chain(batch_size)
    if problem:
        return checked, problem, 0
    anchors, anchor_problem = verify_anchors()
    return checked, anchor_problem, anchors


def _read_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)


def _entries(last_seq: int, batch_size: int) -> Iterator[AuditEntry]:
    return (
        AuditEntry.objects.filter(seq__lte=last_seq).order_by("seq").iterator(chunk_size=batch_size)
    )


def _check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str) -> ChainProblem | None:
    if entry.seq != expected_seq:
        return ChainProblem(
            expected_seq,
            _("thiếu mục #%(expected_seq)s (đã bị xóa)") % {"expected_seq": expected_seq},
        )
    if entry.prev_hash != prev_hash:
        return ChainProblem(entry.seq, _("không nối với mục trước (bị xóa hoặc đổi thứ tự)"))
    if entry_hash(entry) != entry.hash:
        return ChainProblem(entry.seq, _("nội dung đã bị sửa"))
    return None
