"""Deleting a record: refused unless the policy, every registered guard (such as the retention
period) and every row that still refers to it allow it; nothing is deleted unless everything
can be."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, NotAllowed, NotFound
from hoso.core.scheduling import later
from hoso.policy import can
from hoso.records.guards import deletion_refusal
from hoso.records.models import Record

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# What a person calls the rows that may still point at a record (PROTECT foreign keys).
REFERRER_LABELS: dict[str, _StrOrPromise] = {
    "records.RecordVersion": gettext_lazy("phiên bản hồ sơ"),
    "records.Workflow": gettext_lazy("lượt trình duyệt"),
    "retention.ProposalItem": gettext_lazy("đề nghị tiêu hủy"),
    "retention.DestroyedRecord": gettext_lazy("bản lưu thông tin hồ sơ đã tiêu hủy"),
    "retention.DestructionProposal": gettext_lazy("đề nghị tiêu hủy (biên bản)"),
}


@transaction.atomic
def record_delete(*, actor: Any, record_id: int, ip: str = "") -> None:
    """Delete a record — in this order of refusals: not allowed (403), a registered guard such
    as the retention period (409), rows that still refer to it (409). Nothing is deleted unless
    everything can be."""
    record = (
        Record.objects.select_for_update(of=("self",))
        .select_related("record_type", "school_year")
        .filter(pk=record_id)
        .first()
    )
    if record is None or not can(actor, "records.record.view", record):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "records.record.delete", record):
        raise NotAllowed(_delete_refusal(actor, record))
    refusal = deletion_refusal(record)
    if refusal:
        raise Conflict(refusal)
    pk = record.pk
    # Written first to name the record while it exists; a refusal below rolls it back.
    audit_log(
        "records.record.deleted",
        actor=actor,
        obj=record,
        unit_id=record.school_id,
        ip=ip,
        data={"record": pk, "title": record.title, "type": record.record_type.code},
    )
    try:
        # A savepoint: a refusal met while deleting rolls back only this, and the caller's
        # transaction stays usable (on PostgreSQL too).
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError) as error:
        raise Conflict(_still_referred(error)) from None
    _after_commit_unindex(pk)


def _delete_refusal(actor: Any, record: Record) -> str:
    if record.owner_id == actor.pk:  # their own record, already submitted
        return _(
            "Hồ sơ đã trình duyệt nên người lập không tự xóa được; chỉ hiệu trưởng hoặc văn thư "
            "của trường được xóa."
        )
    return str(OTHERS_MAY_NOT_DELETE)


OTHERS_MAY_NOT_DELETE = gettext_lazy(
    "Chỉ người lập hồ sơ (khi chưa trình duyệt), hiệu trưởng hoặc văn thư của trường được xóa"
    " hồ sơ."
)


def _still_referred(error: ProtectedError | RestrictedError) -> str:
    """What still points at the record, e.g. "… bởi phiên bản hồ sơ (2), lượt trình duyệt (1)"."""
    if isinstance(error, ProtectedError):
        rows = error.protected_objects
    else:
        rows = error.restricted_objects
    counts: dict[str, int] = {}
    for row in rows or ():
        meta = row._meta
        label = str(REFERRER_LABELS.get(meta.label) or meta.verbose_name)
        counts[label] = counts.get(label, 0) + 1
    known = [str(label) for label in REFERRER_LABELS.values()]
    order = sorted(counts, key=lambda label: (known.index(label) if label in known else 99, label))
    what = ", ".join(f"{label} ({counts[label]})" for label in order)
    return _("Không thể xóa hồ sơ: hồ sơ đang được tham chiếu bởi %(what)s.") % {"what": what}


def _after_commit_unindex(record_id: int) -> None:
    from hoso.records.tasks import index_record

    later(index_record, record_id)  # indexing a record that is gone removes it
