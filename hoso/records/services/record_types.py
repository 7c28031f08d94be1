"""Record types added by a Sở, Phòng or school (the catalogue's own types are data, loaded by
`hoso catalogue load`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, NotAllowed
from hoso.org.models import Unit
from hoso.policy import can
from hoso.records.models import RecordType
from hoso.records.services.versions import clean_text


@transaction.atomic
def record_type_create(
    *, actor: Any, unit: Unit, code: str, name: str, **fields: Any
) -> RecordType:
    """A type added by a Sở, Phòng or school: it applies below `unit` and is optional
    (Chỉ thị 138: nothing beyond the Điều lệ may be required)."""
    if not can(actor, "records.type.manage", unit):
        raise NotAllowed(_("Bạn không được thêm loại hồ sơ cho đơn vị này."))
    code = f"{unit.code}.{clean_text(code, field='code', label=_('mã'), limit=20)}"
    if RecordType.objects.filter(code=code).exists():
        raise Conflict(_("Mã loại hồ sơ này đã có."))
    record_type = RecordType.objects.create(
        code=code,
        name=clean_text(name, field="name", label=_("tên loại hồ sơ"), limit=255),
        owner_unit=unit,
        optional=True,
        legal_source=f"Do {unit.name} bổ sung",
        **fields,
    )
    audit_log("records.type.created", actor=actor, obj=record_type, unit_id=unit.pk)
    return record_type
