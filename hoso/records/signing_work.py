"""Records as the documents that wait for a signature (`hoso.signing.work`): the queues, the
records approved this week, one pending step signed (the records' signing services, which go
through signing's one door) and the signatures panel of a record with the validation of each
signed version. Registered from RecordsConfig.ready; signing never imports records."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hoso.policy import get_or_404
from hoso.records.models import SUBJECT_TEACHERS, Record, RecordState, RecordVersion
from hoso.records.selectors import seal_waiting, sign_waiting
from hoso.records.services.archive import current_signed_sha256
from hoso.records.services.signing import version_seal, version_sign
from hoso.records.subjects import to_sign
from hoso.signing.documents import read_blob
from hoso.signing.selectors import signatures_of_record
from hoso.signing.verification import validate_pdf
from hoso.signing.work import register_work


def version_report(version: RecordVersion) -> dict[str, Any] | None:
    """Validation of the signed copy HoSo holds for a version (shown on the record page)."""
    if not version.signed_sha256:
        return None
    current = current_signed_sha256(version)  # with renewed archive time-stamps, if any
    pdf = read_blob(current)
    data = validate_pdf(pdf)
    data["stored_hash_ok"] = hashlib.sha256(pdf).hexdigest() == current
    return data


class RecordsSigningWork:
    def sign_queue(self, user: Any) -> QuerySet[Any]:
        return sign_waiting(user)

    def seal_queue(self, user: Any) -> QuerySet[Any]:
        return seal_waiting(user)

    def approved_this_week(self, user: Any) -> list[int]:
        start = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
        qs = sign_waiting(user).filter(
            record__state=RecordState.APPROVED, record__updated_at__date__gte=start
        )
        return list(qs.values_list("record_id", flat=True))

    def sign_step(
        self,
        *,
        actor: Any,
        object_id: int,
        seal: bool,
        passphrase: str | None = None,
        pin: str | None = None,
        certificate_id: int | None = None,
        signer: Any = None,
        ip: str = "",
    ) -> Any:
        service = version_seal if seal else version_sign
        return service(
            actor=actor,
            record_id=object_id,
            passphrase=passphrase,
            pin=pin,
            certificate_id=certificate_id,
            signer=signer,
            ip=ip,
        )

    def part_note(self, user: Any, item: Any) -> str:
        """On the subject teachers' step: the person's subjects still to sign."""
        mine = self.parts(user, item)
        if not mine:
            return ""
        return gettext("Phần của bạn: giáo viên bộ môn {subjects}").format(subjects=", ".join(mine))

    def parts(self, user: Any, item: Any) -> list[str]:
        """On the subject teachers' step: the person's subjects still to sign, in the book's
        order (the order the signatures go in)."""
        step = next((s for s in item.open_steps if s["role"] == SUBJECT_TEACHERS), None)
        if step is None:
            return []
        record = item.record
        left = to_sign(record.unit_id, record.school_year_id, step.get("signed") or {})
        return [t.name for t in left if t.teacher_id == user.pk]

    def signatures_panel(self, user: Any, object_id: int) -> dict[str, Any]:
        record = get_or_404(user, "records.record.view", Record.objects.all(), pk=object_id)
        rows = []
        sigs = list(signatures_of_record(user, record))
        for version in record.versions.order_by("-number"):
            mine = [s for s in sigs if s.version_id == version.pk]
            report = version_report(version) if version.signed_sha256 else None
            archive = list(version.archive_timestamps.all())
            rows.append(
                {"version": version, "signatures": mine, "report": report, "archive": archive}
            )
        return {"record": record, "rows": rows}


def register() -> None:
    register_work(RecordsSigningWork())
