"""Signing chains set by the Sở (and the units it allows) for the units below it; records
already submitted keep the chain they started with."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.org.models import Unit
from hoso.policy import can
from hoso.records import chains
from hoso.records.models import ChainSetting, Delegation, RecordType


@transaction.atomic
def chain_setting_save(
    *,
    actor: Any,
    unit: Unit,
    record_type: RecordType,
    chain: Any,
    delegate_to: str = "",
    ip: str = "",
) -> ChainSetting:
    """Set the chain of `record_type` for `unit` and every unit below it; records already
    submitted keep the chain they started with."""
    _check_chain_setter(actor, unit, record_type)
    steps = chains.clean_chain(chain, record_type=record_type, unit=unit)
    if delegate_to not in Delegation.values or (delegate_to and unit.kind == "TRUONG"):
        message = _("Mức cho phép cấp dưới không hợp lệ.")
        raise DomainError(message, fields={"delegate_to": [message]})
    setting = ChainSetting.objects.select_for_update().filter(unit=unit, record_type=record_type)
    current = setting.first()
    before = current.chain if current else chains.chain_above(record_type, unit).chain
    current = current or ChainSetting(unit=unit, record_type=record_type)
    current.chain, current.delegate_to = steps, delegate_to
    current.updated_by, current.updated_at = actor, timezone.now()
    current.save()
    data = {"before": before, "chain": steps, "delegate_to": delegate_to, "setting": current.pk}
    # Logged on the type, at the unit: the page's history is one indexed query.
    audit_log("records.chain.set", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data)
    return current


@transaction.atomic
def chain_setting_reset(*, actor: Any, unit: Unit, record_type: RecordType, ip: str = "") -> None:
    """Drop the unit's own chain: what the unit above sets (or the catalogue) applies again."""
    _check_chain_setter(actor, unit, record_type)
    current = ChainSetting.objects.select_for_update().filter(unit=unit, record_type=record_type)
    setting = current.first()
    if setting is None:
        raise Conflict(_("Đơn vị chưa đặt chuỗi riêng cho loại hồ sơ này."))
    data = {"before": setting.chain, "setting": setting.pk}
    setting.delete()
    audit_log(
        "records.chain.reset", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data
    )


def _check_chain_setter(actor: Any, unit: Unit, record_type: RecordType) -> None:
    if not can(actor, "records.chain.set", unit):
        raise NotAllowed(_("Bạn không được thiết lập chuỗi ký cho đơn vị này."))
    if not chains.may_set_at(record_type, unit):
        raise NotAllowed(
            _("Đơn vị cấp trên chưa cho phép đơn vị này đặt chuỗi ký riêng cho loại hồ sơ này.")
        )
