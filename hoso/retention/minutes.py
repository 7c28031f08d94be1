"""The biên bản tiêu hủy: a PDF (WeasyPrint, A4, NĐ 30/2020 layout) listing every destroyed
record with its files' SHA-256, signed by the principal with their own certificate (through
signing's one door, hoso.signing.services.door), kept as an issued record of the permanent
type "Biên bản tiêu hủy hồ sơ"."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.scheduling import later
from hoso.org.models import Unit
from hoso.org.years import current_year
from hoso.records.models import (
    EventKind,
    Record,
    RecordEvent,
    RecordState,
    RecordType,
    RecordVersion,
    RenditionStatus,
    StepAction,
)
from hoso.signing.models import ArchiveKind, SignatureRecord
from hoso.signing.services.archive import record_stamp
from hoso.signing.services.door import (
    Holder,
    KeyChoice,
    PersonalBlock,
    SignedDocument,
    audit_signed,
    sign_document,
)
from hoso.storage import blob_store

MINUTES_TYPE = "HOSO.BBTH"


def minutes_type() -> RecordType:
    found = RecordType.objects.filter(code=MINUTES_TYPE).first()
    if found is None:  # a flushed database (transactional tests) lost the migration's row
        from hoso.retention.catalogue import ensure_minutes_type

        found = ensure_minutes_type(RecordType)
    return found  # type: ignore[no-any-return]


def minutes_pdf(
    *,
    school: Unit,
    number: str,
    when: dt.datetime,
    rows: list[dict[str, Any]],
    principal: str,
    basis: str,
) -> bytes:
    from weasyprint import HTML  # heavy import; only when a biên bản is made

    html = render_to_string(
        "retention/pdf/bien_ban.html",
        {
            "school": school,
            "parent": school.parent,
            "number": number,
            "when": timezone.localtime(when),
            "rows": rows,
            "principal": principal,
            "basis": basis,
            "total_files": sum(len(row["files"]) for row in rows),
        },
    )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def _sign(pdf: bytes, actor: Any, secret: dict[str, Any]) -> SignedDocument:
    """Sign with the principal's own certificate, the image under the principal's title; any
    failure is a DomainError (nothing kept)."""
    return sign_document(
        actor=actor,
        pdf=pdf,
        holder=Holder(),
        key=KeyChoice(**secret),
        appearance=PersonalBlock("HT"),
        archive=True,  # issued for good: B-LTA when a TSA is configured, renewed like records
    )


def minutes_issue(
    *,
    actor: Any,
    school: Unit,
    number: str,
    pdf: bytes,
    secret: dict[str, Any],
    ip: str = "",
) -> Record:
    """Sign `pdf` and keep it as an issued record of the school. Call inside the approval's
    transaction: a signing failure raises before anything is written."""
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại; hãy báo quản trị hệ thống."))
    doc = _sign(pdf, actor, secret)
    now, cert, output = doc.signed_at, doc.certificate, doc.stored
    original = blob_store().put(io.BytesIO(pdf))
    record = Record.objects.create(
        record_type=minutes_type(),
        unit=school,
        school=school,
        school_year=year,
        owner=actor,
        title=f"Biên bản tiêu hủy hồ sơ số {number}",
        period_key=f"BB-{number}"[:20],
        state=RecordState.ISSUED,
        version_count=1,
        first_submitted_at=now,
    )
    version = RecordVersion.objects.create(
        record=record,
        number=1,
        original_sha256=original.sha256,
        size=original.size,
        filename=f"bien-ban-tieu-huy-{number.replace('/', '-')}.pdf",
        kind="pdf",
        has_signatures=False,
        uploaded_by=actor,
        uploaded_at=now,
        pdf_sha256=original.sha256,
        rendition_status=RenditionStatus.PENDING,
        signed_sha256=output.sha256,
        issued_at=now,
    )
    SignatureRecord.objects.create(
        version=version,
        step=0,
        role="HT",
        action=StepAction.SIGN,
        signer=actor,
        certificate=cert,
        backend=cert.backend,
        level=doc.level,
        field_name=doc.field_name,
        placement=doc.placement,
        input_sha256=original.sha256,
        output_sha256=output.sha256,
        signed_at=now,
    )
    if doc.before_archive is not None:
        record_stamp(version, ArchiveKind.ISSUE, doc.before_archive, doc.pdf)
    for kind in (EventKind.UPLOADED, EventKind.SIGNED, EventKind.ISSUED):
        RecordEvent.objects.create(record=record, version=version, kind=kind, actor=actor, at=now)
    audit_signed(
        doc,
        action="retention.minutes.signed",
        actor=actor,
        obj=version,
        unit_id=school.pk,
        ip=ip,
        data={"record": record.pk, "number": number},
    )
    from hoso.records.tasks import render_version

    later(render_version, version.pk)  # preview and search text, after commit
    return record
