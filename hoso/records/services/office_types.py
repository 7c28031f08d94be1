"""Record types a Sở (or a Phòng the Sở allows) defines or adapts for the schools below it.

Nothing is rewritten: a new type is a new row owned by the office; adapting a type (a catalogue
one, or the office's own to change it) is a new row that `adapts` it from a date. Records made
before that date keep the row they were made with, so an issued record never changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.core.scheduling import later
from hoso.org.models import Unit, UnitKind
from hoso.policy import can
from hoso.records import chains
from hoso.records.catalogue import ALL_FORMATS, read_catalogue
from hoso.records.models import DueItem, Keeper, Period, RecordType, TypeDelegation
from hoso.records.services.summary import due_summary_touch

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

SCHOOL_KEEPERS = (Keeper.SCHOOL, Keeper.GROUP, Keeper.TEACHER, Keeper.HOMEROOM)
LEVELS = ("MN", "TH", "THCS", "THPT")
MAX_RETENTION = 100
# The catalogue's due rules an office may choose, the periods each fits, in words.
DUE_RULES: dict[str, tuple[tuple[str, ...], _StrOrPromise]] = {
    "week_monday_7": ((Period.WEEK,), gettext_lazy("Thứ Hai hằng tuần, 07:00")),
    "month_5th_next": ((Period.MONTH,), gettext_lazy("Ngày 5 của tháng sau, 17:00")),
    "term_end_7": ((Period.TERM,), gettext_lazy("7 ngày sau khi kết thúc học kỳ, 17:00")),
    "year_start_30": (
        (Period.YEAR, Period.ONCE),
        gettext_lazy("30 ngày sau khi bắt đầu năm học, 17:00"),
    ),
    "year_start_45": (
        (Period.YEAR, Period.ONCE),
        gettext_lazy("45 ngày sau khi bắt đầu năm học, 17:00"),
    ),
    "year_end": ((Period.YEAR, Period.ONCE), gettext_lazy("Ngày kết thúc năm học, 17:00")),
}
# A new type's chain until the office sets its own on the chain page.
DEFAULT_CHAINS: dict[str, str] = {
    Keeper.TEACHER: "author_ttcm",
    Keeper.HOMEROOM: "author_pht",
    Keeper.GROUP: "pht",
    Keeper.SCHOOL: "ht_sign_seal",
}
FIELDS = (
    "name",
    "levels",
    "keeper",
    "period",
    "due_rule",
    "retention_years",
    "formats",
    "legal_source",
    "required",
)


def due_rule_key(rule: dict[str, Any]) -> str:
    """The name of a stored due rule among those an office may choose ("" if another)."""
    rules = read_catalogue()["due_rules"]
    return next((key for key in DUE_RULES if rules.get(key) == rule), "")


# --- checking what was sent ------------------------------------------------------------------


def clean_fields(raw: dict[str, Any], base: RecordType | None) -> dict[str, Any]:
    """The type's fields as stored, or one DomainError naming every wrong field in Vietnamese.
    A field left out keeps the value of `base` (the type adapted)."""
    errors: dict[str, list[str]] = {}
    start = _from_base(base)
    given = {key: raw[key] for key in FIELDS if key in raw and raw[key] is not None}
    values = {**start, **given}
    cleaned: dict[str, Any] = {
        "name": _name(values.get("name"), errors),
        "levels": _levels(values.get("levels"), errors),
        "keeper": _choice(values.get("keeper"), SCHOOL_KEEPERS, "keeper", errors),
        "period": _choice(values.get("period"), Period.values, "period", errors),
        "retention_years": _retention(values.get("retention_years"), base, errors),
        "formats": _formats(values.get("formats"), errors),
        "legal_source": _text(values.get("legal_source"), "legal_source", 255, errors),
        "optional": not _flag(values.get("required")),
    }
    cleaned["due_rule"] = _due_rule(values.get("due_rule"), cleaned["period"], errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(_("Loại hồ sơ chưa hợp lệ: %(first)s") % {"first": first}, fields=errors)
    return cleaned


def _from_base(base: RecordType | None) -> dict[str, Any]:
    if base is None:
        return {"formats": ALL_FORMATS, "required": False, "legal_source": ""}
    return {
        "name": base.name,
        "levels": base.levels,
        "keeper": base.keeper,
        "period": base.period,
        "due_rule": due_rule_key(base.due_rule),
        "retention_years": base.retention_years,
        "formats": base.formats or ALL_FORMATS,
        "legal_source": base.legal_source,
        "required": not base.optional,
    }


def _name(value: Any, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        errors["name"] = [_("Hãy nhập tên loại hồ sơ.")]
    elif len(text) > 255:
        errors["name"] = [_("Tên loại hồ sơ dài quá 255 ký tự.")]
    return text


def _text(value: Any, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[field] = [_("Căn cứ pháp lý dài quá %(limit)s ký tự.") % {"limit": limit}]
    return text


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(part).strip() for part in value if str(part).strip()]
    return []


def _levels(value: Any, errors: dict[str, list[str]]) -> list[str]:
    levels = _as_list(value)
    if not levels:
        errors["levels"] = [_("Hãy chọn ít nhất một cấp học.")]
    elif any(level not in LEVELS for level in levels):
        errors["levels"] = [_("Cấp học không hợp lệ: chỉ chọn mầm non, tiểu học, THCS, THPT.")]
    return [level for level in LEVELS if level in levels]


def _choice(value: Any, allowed: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "")
    if text not in allowed:
        errors[field] = [
            _(
                "Người lưu giữ không hợp lệ: hãy chọn nhà trường, tổ chuyên môn, giáo viên hoặc "
                "giáo viên chủ nhiệm."
            )
            if field == "keeper"
            else _("Kỳ không hợp lệ: hãy chọn một lần, năm học, học kỳ, tháng hoặc tuần.")
        ]
    return text


def _retention(value: Any, base: RecordType | None, errors: dict[str, list[str]]) -> int:
    try:
        years = int(str(value).strip())
    except (TypeError, ValueError):
        errors["retention_years"] = [_("Thời hạn lưu trữ phải là một số năm (0 = vĩnh viễn).")]
        return 0
    if not 0 <= years <= MAX_RETENTION:
        errors["retention_years"] = [
            _("Thời hạn lưu trữ phải từ 0 (vĩnh viễn) đến %(max_retention)s năm.")
            % {"max_retention": MAX_RETENTION}
        ]
    elif base is not None and base.owner_unit_id is None and _shorter(years, base):
        least = (
            _("vĩnh viễn")
            if base.retention_years == 0
            else _("%(retention_years)s năm") % {"retention_years": base.retention_years}
        )
        errors["retention_years"] = [
            _("Thời hạn lưu trữ không được ngắn hơn mức tối thiểu theo quy định (%(least)s).")
            % {"least": least}
        ]
    return years


def _shorter(years: int, base: RecordType) -> bool:
    """Below the catalogue's legal minimum (0 = permanent, the longest of all)."""
    if base.retention_years == 0:
        return years != 0
    return years != 0 and years < base.retention_years


def _formats(value: Any, errors: dict[str, list[str]]) -> list[str]:
    formats = [f.lower() for f in _as_list(value)]
    if not formats:
        errors["formats"] = [_("Hãy chọn ít nhất một định dạng tệp được nhận.")]
    elif any(f not in ALL_FORMATS for f in formats):
        errors["formats"] = [
            _("Định dạng không hợp lệ: chỉ nhận %(all_formats)s.")
            % {"all_formats": ", ".join(ALL_FORMATS)}
        ]
    return [f for f in ALL_FORMATS if f in formats]


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "on", "True")


def _due_rule(value: Any, period: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    key = str(value or "")
    if key not in DUE_RULES:
        errors["due_rule"] = [_("Hãy chọn hạn nộp trong danh sách.")]
        return {}
    if period in Period.values and period not in DUE_RULES[key][0]:
        errors["due_rule"] = [_("Hạn nộp không hợp với kỳ của loại hồ sơ.")]
        return {}
    rule: dict[str, Any] = read_catalogue()["due_rules"][key]
    return dict(rule)


def clean_date(value: Any, field: str = "effective_from") -> dt.date:
    """The day the type applies (or stops applying) from: given, and not in the past."""
    day = value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        message = _("Hãy chọn ngày áp dụng (ngày/tháng/năm).")
        raise DomainError(message, fields={field: [message]})
    if day < timezone.localdate():
        message = _("Ngày áp dụng không được trước hôm nay: hồ sơ đã lập giữ nguyên quy định cũ.")
        raise DomainError(message, fields={field: [message]})
    return day


@transaction.atomic
def office_types_retire_reached(today: dt.date | None = None) -> int:
    """Rows whose day of retirement has come stop being active (nightly, before the due
    items are generated); `editions.started` already left them out from that day."""
    day = today or timezone.localdate()
    return RecordType.objects.filter(is_active=True, retired_from__lte=day).update(is_active=False)


# --- writes ------------------------------------------------------------------------------------


def _check_office(actor: Any, unit: Unit) -> None:
    if unit.kind not in (UnitKind.SO, UnitKind.PHONG):
        raise DomainError(
            _("Chỉ Sở hoặc Phòng GDĐT quy định loại hồ sơ cho các trường trực thuộc.")
        )
    if not can(actor, "records.type.define", unit):
        if unit.kind == UnitKind.PHONG and can(actor, "records.chain.set", unit):
            raise NotAllowed(
                _("Sở GDĐT chưa cho phép Phòng tự quy định loại hồ sơ cho các trường trực thuộc.")
            )
        raise NotAllowed(_("Bạn không được quy định loại hồ sơ cho đơn vị này."))


@transaction.atomic
def office_type_create(
    *, actor: Any, unit: Unit, fields: dict[str, Any], effective_from: Any, ip: str = ""
) -> RecordType:
    """A new record type for the schools below `unit`, from `effective_from`."""
    _check_office(actor, unit)
    values = clean_fields(fields, None)
    day = clean_date(effective_from)
    chain = read_catalogue()["chains"][DEFAULT_CHAINS[values["keeper"]]]
    legal = values.pop("legal_source") or f"Do {unit.name} quy định"
    record_type = RecordType.objects.create(
        code=_free_code(f"{unit.code}.LHS"),
        owner_unit=unit,
        effective_from=day,
        signing_chain=list(chain),
        legal_source=legal,
        **values,
    )
    data = {"code": record_type.code, "effective_from": day.isoformat(), **_logged(values)}
    audit_log(
        "records.type.defined", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data
    )
    _due_items_soon(unit.pk)
    return record_type


@transaction.atomic
def office_type_adapt(
    *,
    actor: Any,
    unit: Unit,
    base: RecordType,
    fields: dict[str, Any],
    effective_from: Any,
    ip: str = "",
) -> RecordType:
    """Adapt `base` for the schools below `unit` from `effective_from`: a catalogue type (or
    one defined above), or the office's own type to change it. `base` stays as it is."""
    _check_office(actor, unit)
    base = RecordType.objects.select_for_update(of=("self",)).get(pk=base.pk)
    _check_base(unit, base)
    values = clean_fields(fields, base)
    day = clean_date(effective_from)
    if (
        base.effective_from is not None
        and base.owner_unit_id == unit.pk
        and day <= base.effective_from
    ):
        message = _("Ngày áp dụng phải sau %(day)s, ngày áp dụng của quy định đang sửa.") % {
            "day": f"{base.effective_from:%d/%m/%Y}"
        }
        raise DomainError(message, fields={"effective_from": [message]})
    chain = _chain_for(base, unit, values["keeper"])
    record_type = RecordType.objects.create(
        code=_free_code(f"{unit.code}.{base.code.rsplit('.', 1)[-1]}"),
        owner_unit=unit,
        adapts=base,
        effective_from=day,
        signing_chain=chain,
        naming_rule=base.naming_rule,
        retention_source=base.retention_source,
        **values,
    )
    data = {
        "code": record_type.code,
        "adapts": base.code,
        "effective_from": day.isoformat(),
        "before": _logged(_from_base_stored(base)),
        **_logged(values),
    }
    audit_log(
        "records.type.adapted", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data
    )
    _due_items_soon(unit.pk)
    return record_type


def _due_items_soon(unit_id: int) -> None:
    """After commit: the schools below the office get (or lose) the type's due items now."""
    from hoso.records.tasks import generate_due_items_below

    later(generate_due_items_below, unit_id)


def _check_base(unit: Unit, base: RecordType) -> None:
    outside = _("Loại hồ sơ này không áp dụng cho các đơn vị thuộc quyền quản lý của đơn vị này.")
    if not base.is_active or base.retired_from is not None:
        raise Conflict(_("Loại hồ sơ này đã ngừng áp dụng hoặc đã hẹn ngày ngừng áp dụng."))
    if base.keeper == Keeper.OFFICE:
        raise DomainError(_("Hồ sơ của Phòng/Sở không điều chỉnh ở đây."))
    if base.owner_unit_id is not None and base.owner_unit_id not in unit.ancestor_ids():
        raise DomainError(outside, fields={"unit": [outside]})
    if base.adaptations.filter(owner_unit=unit, is_active=True).exists():
        raise Conflict(
            _("Đơn vị đã điều chỉnh loại hồ sơ này; hãy sửa bản điều chỉnh đang áp dụng.")
        )


def _chain_for(base: RecordType, unit: Unit, keeper: str) -> list[dict[str, Any]]:
    """The chain in force for `base` at the office, while the keeper stays the same."""
    if keeper != base.keeper:
        return list(read_catalogue()["chains"][DEFAULT_CHAINS[keeper]])
    return list(chains.resolve(base, unit).chain)


@transaction.atomic
def office_type_retire(
    *, actor: Any, record_type: RecordType, retire_from: Any = None, ip: str = ""
) -> RecordType:
    """Stop a type the office defined or adapted, today or from a later day: from then on no
    new records of it, its open due items from that day go (the type it adapted applies again,
    its due items made at once); records already made keep it."""
    today = timezone.localdate()
    day = today if retire_from in (None, "") else clean_date(retire_from, field="retire_from")
    record_type = (
        RecordType.objects.select_for_update(of=("self",))
        .select_related("owner_unit")
        .get(pk=record_type.pk)
    )
    if not can(actor, "records.type.revise", record_type):
        raise NotAllowed(_("Bạn không được ngừng áp dụng loại hồ sơ này."))
    if not record_type.is_active or record_type.retired_from is not None:
        raise Conflict(_("Loại hồ sơ này đã ngừng áp dụng hoặc đã hẹn ngày ngừng áp dụng."))
    if record_type.adaptations.filter(is_active=True).exists():
        raise Conflict(_("Loại hồ sơ này có bản điều chỉnh đang áp dụng; hãy ngừng bản đó trước."))
    later_start = record_type.effective_from is not None and day <= record_type.effective_from
    if day > today and later_start:  # today always works: it also cancels an edition to come
        message = _("Ngày ngừng áp dụng phải sau %(day)s, ngày loại hồ sơ bắt đầu áp dụng.") % {
            "day": f"{record_type.effective_from:%d/%m/%Y}"
        }
        raise DomainError(message, fields={"retire_from": [message]})
    record_type.retired_from, record_type.is_active = day, day > today
    record_type.save(update_fields=["retired_from", "is_active"])
    from_moment = max(timezone.now(), timezone.make_aware(dt.datetime.combine(day, dt.time())))
    dropping = DueItem.objects.filter(
        record_type=record_type,
        submitted_at__isnull=True,
        record__isnull=True,
        due_at__gte=from_moment,
    )
    schools = list(dropping.values_list("school_id", flat=True).distinct())
    dropped, _count = dropping.delete()
    due_summary_touch(schools)
    audit_log(
        "records.type.retired",
        actor=actor,
        obj=record_type,
        unit_id=record_type.owner_unit_id,
        ip=ip,
        data={
            "code": record_type.code,
            "retire_from": day.isoformat(),
            "due_items_dropped": dropped,
        },
    )
    if record_type.owner_unit_id is not None:  # the edition it adapted applies again
        _due_items_soon(record_type.owner_unit_id)
    return record_type


@transaction.atomic
def type_delegation_set(
    *, actor: Any, unit: Unit, allow_phong: bool, ip: str = ""
) -> TypeDelegation:
    """Let the Phòng below the Sở define and adapt record types for their schools, or stop it
    (types they already defined stay in force until they retire them)."""
    if not can(actor, "records.type.delegate", unit):
        raise NotAllowed(_("Chỉ lãnh đạo, chuyên viên Sở GDĐT được phân cấp việc này."))
    setting = TypeDelegation.objects.select_for_update().filter(unit=unit).first()
    before = bool(setting and setting.allow_phong)
    setting = setting or TypeDelegation(unit=unit)
    setting.allow_phong, setting.updated_by, setting.updated_at = allow_phong, actor, timezone.now()
    setting.save()
    audit_log(
        "records.type.delegation",
        actor=actor,
        obj=setting,
        unit_id=unit.pk,
        ip=ip,
        data={"before": before, "allow_phong": allow_phong},
    )
    return setting


def _free_code(stem: str) -> str:
    stem = stem[:34]
    taken = set(RecordType.objects.filter(code__startswith=stem).values_list("code", flat=True))
    number = 1
    while f"{stem}{number:02d}" in taken or f"{stem}.{number:02d}" in taken:
        number += 1
    return f"{stem}{number:02d}" if stem.endswith("LHS") else f"{stem}.{number:02d}"


def _from_base_stored(base: RecordType) -> dict[str, Any]:
    return {**_from_base(base), "due_rule": base.due_rule}


def _logged(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in sorted(values)}
