"""`hoso scrub`: re-hash every stored file and find every file the database points at.

Findings are written to the audit log and sent to the system administrators (QTHT).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.org.models import Role, RoleAssignment
from hoso.storage import BlobNotFound, blob_fields, blob_store, check_sha256

_MAX_LISTED = 200


@dataclass
class ScrubReport:
    checked: int = 0
    bytes: int = 0
    corrupt: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # referenced by the database, not stored
    referenced: int = 0
    unreferenced: int = 0

    @property
    def ok(self) -> bool:
        return not self.corrupt and not self.missing

    def as_data(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "bytes": self.bytes,
            "referenced": self.referenced,
            "unreferenced": self.unreferenced,
            "corrupt": self.corrupt[:_MAX_LISTED],
            "missing": self.missing[:_MAX_LISTED],
        }


def referenced_blobs() -> Iterator[str]:
    # Rows of records destroyed after their retention period point at files removed on
    # purpose (biên bản tiêu hủy): those are not missing.
    from hoso.retention.references import live_rows

    for model, name in blob_fields():
        values = live_rows(model).exclude(**{name: ""}).values_list(name, flat=True).distinct()
        for value in values.iterator(chunk_size=5000):
            if _is_hash(value):
                yield value


def _is_hash(value: object) -> bool:
    try:
        check_sha256(str(value))
    except ValueError:
        return False
    return True


def scrub_run(*, notify: bool = True) -> ScrubReport:
    store = blob_store()
    report = ScrubReport()
    stored: set[str] = set()
    for ref in store.iter_all():
        stored.add(ref.sha256)
        report.checked += 1
        report.bytes += ref.size
        try:
            if not store.verify(ref.sha256):
                report.corrupt.append(ref.sha256)
        except BlobNotFound:  # deleted between listing and reading: counts as missing below
            stored.discard(ref.sha256)
    referenced = set(referenced_blobs())
    report.referenced = len(referenced)
    report.missing = sorted(referenced - stored)
    report.unreferenced = len(stored - referenced)
    report.corrupt.sort()
    _record(report, notify=notify)
    return report


def _record(report: ScrubReport, *, notify: bool) -> None:
    action = "ops.scrub.completed" if report.ok else "ops.scrub.problems"
    audit_log(action, actor_name="hệ thống", data=report.as_data())
    if not report.ok and notify:
        admins_notify(
            subject=_("[HoSo] Kiểm tra tệp: phát hiện tệp bị mất hoặc hỏng"),
            body=_problem_text(report),
        )


def _problem_text(report: ScrubReport) -> str:
    lines = [
        _(
            "Đã kiểm tra %(checked)s tệp. Tệp bị hỏng: %(corrupt)s. Tệp bị mất (cơ sở dữ liệu trỏ "
            "tới nhưng không có trong kho): %(missing)s."
        )
        % {
            "checked": report.checked,
            "corrupt": len(report.corrupt),
            "missing": len(report.missing),
        },
        _(
            "Việc cần làm: khôi phục các tệp này từ bản sao lưu gần nhất (xem docs/operations.md,"
            " mục 'Tệp bị mất hoặc hỏng') và kiểm tra ổ đĩa."
        ),
        "",
    ]
    lines += [_("Hỏng: %(sha)s") % {"sha": sha} for sha in report.corrupt[:_MAX_LISTED]]
    lines += [_("Mất: %(sha)s") % {"sha": sha} for sha in report.missing[:_MAX_LISTED]]
    return "\n".join(lines)


def admin_users() -> list[Any]:
    user_model = get_user_model()
    ids = set(RoleAssignment.objects.filter(role=Role.QTHT).values_list("user_id", flat=True))
    ids |= set(user_model.objects.filter(is_superuser=True).values_list("pk", flat=True))
    return list(user_model.objects.filter(pk__in=ids, is_active=True).select_related("staff"))


def _email_of(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return str(user.email or (staff.email if staff is not None else ""))


def admins_notify(*, subject: str, body: str) -> int:
    """E-mail every active administrator; a failing mail server must not hide the audit entry."""
    addresses = sorted({address for user in admin_users() if (address := _email_of(user))})
    if not addresses:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
