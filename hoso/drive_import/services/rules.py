"""The school's naming rules: seeded from the defaults on first use, then the school's own
(added, removed, moved), each change audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed, NotFound
from hoso.core.text import clean_line
from hoso.drive_import.models import ImportRule, RuleTarget
from hoso.drive_import.policies import MANAGE
from hoso.drive_import.proposals import DEFAULT_TYPE_RULES, Rule
from hoso.org.models import SchoolYear, Unit
from hoso.policy import can
from hoso.records.models import RecordType
from hoso.records.selectors_applies import applicable_types
from hoso.search.folding import fold

PERIOD_VALUES = {"HK1", "HK2", "NAM"}


def school_types(school: Unit) -> list[RecordType]:
    return sorted(applicable_types(school), key=lambda t: t.name)


def rules_ensure(school: Unit) -> None:
    """The default rules for a school that has none yet (idempotent)."""
    if ImportRule.objects.filter(school=school).exists():
        return
    by_suffix = {t.code.rsplit(".", 1)[-1]: t for t in school_types(school)}
    now = timezone.now()
    rows = [
        (pattern, by_suffix[suffix])
        for pattern, suffix in DEFAULT_TYPE_RULES
        if suffix in by_suffix
    ]
    seen: set[str] = set()
    objs: list[ImportRule] = []
    for pattern, record_type in rows:
        if pattern in seen:
            continue
        seen.add(pattern)
        objs.append(
            ImportRule(
                school=school,
                position=len(objs) + 1,
                pattern=pattern,
                target=RuleTarget.TYPE,
                record_type=record_type,
                updated_at=now,
            )
        )
    ImportRule.objects.bulk_create(objs)


def rules_for_proposals(school: Unit) -> list[Rule]:
    rules_ensure(school)
    return [
        Rule(fold(r.pattern), r.target, r.record_type_id, r.value)
        for r in ImportRule.objects.filter(school=school).order_by("position", "id")
    ]


def _check(actor: Any, school: Unit) -> None:
    if not can(actor, MANAGE, school):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được sửa quy tắc nhận diện."))


@transaction.atomic
def rule_add(
    *,
    actor: Any,
    school: Unit,
    pattern: str,
    target: str,
    record_type_id: int | None = None,
    value: str = "",
    first: bool = True,
    ip: str = "",
) -> ImportRule:
    """A new rule, tried before the others (`first`) or after them."""
    _check(actor, school)
    pattern = clean_line(pattern)[:120]
    if not pattern:
        raise DomainError(
            _("Hãy nhập phần tên thư mục hoặc tệp."), fields={"pattern": [_("Bắt buộc.")]}
        )
    record_type, value = _target_value(school, target, record_type_id, value)
    rules_ensure(school)
    rules = ImportRule.objects.filter(school=school)
    if first:
        for rule in rules.select_for_update():
            rule.position += 1
            rule.save(update_fields=["position"])
        position = 1
    else:
        position = (rules.aggregate(m=Max("position"))["m"] or 0) + 1
    rule = ImportRule.objects.create(
        school=school,
        position=position,
        pattern=pattern,
        target=target,
        record_type=record_type,
        value=value,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    _audit(actor, school, "added", {"pattern": pattern, "target": target, "value": value}, ip)
    return rule


def _target_value(
    school: Unit, target: str, record_type_id: int | None, value: str
) -> tuple[RecordType | None, str]:
    if target == RuleTarget.TYPE:
        found = next((t for t in school_types(school) if t.pk == record_type_id), None)
        if found is None:
            raise DomainError(
                _("Hãy chọn một loại hồ sơ của trường."),
                fields={"record_type": [_("Hãy chọn loại hồ sơ.")]},
            )
        return found, ""
    value = clean_line(value).upper() if target == RuleTarget.PERIOD else clean_line(value)
    if target == RuleTarget.YEAR and SchoolYear.objects.filter(name=value).exists():
        return None, value
    if target == RuleTarget.PERIOD and (value in PERIOD_VALUES or _is_week(value)):
        return None, value
    message = (
        _("Năm học “%(value)s” không có trong HoSo (viết như 2024-2025).")
        if target == RuleTarget.YEAR
        else _("Kỳ “%(value)s” không hợp lệ: HK1, HK2, NAM hoặc tuần như W05.")
    )
    if target not in RuleTarget.values:
        message = _("Quy tắc phải chỉ loại hồ sơ, năm học hoặc kỳ.")
    raise DomainError(message % {"value": value[:20]}, fields={"value": [_("Không hợp lệ.")]})


def _is_week(value: str) -> bool:
    return len(value) == 3 and value[0] == "W" and value[1:].isdigit() and 1 <= int(value[1:]) <= 53


@transaction.atomic
def rule_delete(*, actor: Any, school: Unit, rule_id: int, ip: str = "") -> None:
    _check(actor, school)
    rule = ImportRule.objects.filter(school=school, pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Không tìm thấy quy tắc."))
    data = {"pattern": rule.pattern, "target": rule.target}
    rule.delete()
    _audit(actor, school, "deleted", data, ip)


def _audit(actor: Any, school: Unit, what: str, data: dict[str, Any], ip: str) -> None:
    audit_log(
        "drive_import.rules.changed",
        actor=actor,
        obj=school,
        unit_id=school.pk,
        ip=ip,
        data={"change": what, **data},
    )
