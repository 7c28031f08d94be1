"""Deleting a record or a version is refused everywhere (services, API, admin, the ORM):
records are never deleted row by row; after their retention period they are destroyed through
a proposal the principal approves, which keeps a stub (hoso.retention.services)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.errors import Conflict
from hoso.records.guards import register_deletion_guard
from hoso.records.models import Record, RecordVersion


class DeletionRefused(Conflict, IntegrityError):
    """A Vietnamese message for people; an IntegrityError for code working below the services."""


def deletion_refusal(record: Record) -> str:
    """Why `record` may not be deleted (always a reason: deletion goes through destruction)."""
    from hoso.retention.expiry import retention_end

    end = retention_end(record)
    if end is None:
        return _("Không được xóa hồ sơ “%(title)s”: loại hồ sơ này lưu trữ vĩnh viễn.") % {
            "title": record.title
        }
    if timezone.localdate() <= end:  # has_expired(), without working out the end again
        return _(
            "Không được xóa hồ sơ “%(title)s”: chưa hết thời hạn lưu trữ (phải lưu đến hết "
            "ngày %(end)s theo Thông tư 08/2025/TT-BGDĐT)."
        ) % {"title": record.title, "end": f"{end:%d/%m/%Y}"}
    return _(
        "Hồ sơ “%(title)s” đã hết thời hạn lưu trữ nhưng chỉ được tiêu hủy theo đề nghị tiêu hủy "
        "có hiệu trưởng duyệt và biên bản tiêu hủy; không xóa trực tiếp."
    ) % {"title": record.title}


def refuse_record_delete(sender: Any, instance: Record, **kwargs: Any) -> None:
    raise DeletionRefused(deletion_refusal(instance))


def refuse_version_delete(sender: Any, instance: RecordVersion, **kwargs: Any) -> None:
    raise DeletionRefused(deletion_refusal(instance.record))


def connect() -> None:
    # The records delete service asks this first (PROTECT foreign keys refuse before any
    # pre_delete signal); the signals still guard every other way of deleting.
    register_deletion_guard("retention", deletion_refusal)
    pre_delete.connect(refuse_record_delete, sender=Record, dispatch_uid="retention_record")
    pre_delete.connect(refuse_version_delete, sender=RecordVersion, dispatch_uid="retention_ver")
