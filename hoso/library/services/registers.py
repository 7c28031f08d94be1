"""Issuing a register: the PDF (`hoso.library.registers.build`) becomes a version of the
school's record of the register's type and is submitted into its signing chain."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.library.models import RegisterIssue, RegisterKind
from hoso.library.services.catalogue import _require_manage
from hoso.org.models import Unit

RECORD_TYPES = {
    RegisterKind.TONG_QUAT: "TV.SDKTQ",
    RegisterKind.CA_BIET: "TV.SDKCB",
    RegisterKind.MUON: "TV.SOMUON",
    RegisterKind.KIEM_KE: "TV.BBKK",
    RegisterKind.THANH_LY: "TV.BBTL",
}


@transaction.atomic
def register_issue(
    *, actor: Any, school: Unit, kind: str, obj: Any = None, ip: str = ""
) -> RegisterIssue:
    """Generate the register and submit it as a record into the school's signing chain."""
    from hoso.library.registers import build  # reportlab: loaded here, not at a web start
    from hoso.records.models import RecordType
    from hoso.records.services import versions as records
    from hoso.records.services.workflow import record_submit

    _require_manage(actor, school)
    if kind not in RECORD_TYPES:
        raise DomainError(_("Loại sổ không hợp lệ."))
    record_type = RecordType.objects.filter(code=RECORD_TYPES[RegisterKind(kind)]).first()
    if record_type is None:
        raise DomainError(_("Chưa có loại hồ sơ cho sổ này (chạy migrate)."))
    data = build(kind, school, obj)
    name = f"{RECORD_TYPES[RegisterKind(kind)]}_{school.code}.pdf"
    upload = records.Upload(stream=io.BytesIO(data), filename=name, size=len(data))
    from hoso.org.years import current_year

    year = current_year()  # without one, record_generated refuses in Vietnamese
    # the signed record's stored title: Vietnamese whatever the UI language (a legal register)
    title = f"{RegisterKind(kind).label} — {school.name} — năm học {year.name if year else ''}"
    version = records.record_generated(
        actor=actor, record_type=record_type, unit=school, upload=upload, title=title, ip=ip
    )
    record_submit(actor=actor, record_id=version.record_id, ip=ip)
    issue = RegisterIssue.objects.create(
        school=school, kind=kind, record_id=version.record_id, created_by=actor
    )
    audit_log(
        "library.register.issued",
        actor=actor,
        obj=issue,
        unit_id=school.pk,
        ip=ip,
        data={"kind": kind, "record": version.record_id, "sha256": version.original_sha256},
    )
    return issue
