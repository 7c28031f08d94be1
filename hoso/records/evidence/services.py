"""Writes of evidence: tag a record version with criteria of its school's standard, untag,
set the whole list (the record page's form). Every code is checked before anything is
saved; one audit entry per change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from hoso.policy import can
from hoso.records.evidence.criteria import Standard, normalize_code, standard, standards
from hoso.records.evidence.selectors import school_standard
from hoso.records.models import EvidenceTag, RecordVersion

MAX_CODES = 60  # more than any standard has criteria


def _version(actor: Any, version_id: int) -> RecordVersion:
    # The version's row is locked so that two people tagging it at once never collide.
    versions = RecordVersion.objects.select_related("record__school")
    version = versions.select_for_update(of=("self",)).filter(pk=version_id).first()
    if version is None:
        raise NotFound(_("Không tìm thấy phiên bản hồ sơ."))
    if version.record.first_submitted_at is None:
        raise Conflict(
            _("Hồ sơ còn là bản nháp: chỉ gắn minh chứng cho hồ sơ đã trình hoặc đã ban hành.")
        )
    if not can(actor, "records.evidence.tag", version):
        raise NotAllowed(
            _(
                "Chỉ người lập hồ sơ, hiệu trưởng, phó hiệu trưởng và văn thư của trường được "
                "gắn minh chứng kiểm định."
            )
        )
    return version


def _school_standard(version: RecordVersion, asked: str) -> Standard:
    school = version.record.school
    found = school_standard(school)
    if found is None:
        raise DomainError(
            _(
                "Trường %(name)s chưa khai báo cấp học, nên chưa xác định được bộ tiêu chuẩn kiểm "
                "định."
            )
            % {"name": school.name},
            fields={"standard": [_("Chưa xác định được bộ tiêu chuẩn.")]},
        )
    if asked and asked != found.code:
        other = standard(asked)
        named = other.circular if other is not None else f"“{asked}”"
        raise DomainError(
            _("%(school)s áp dụng %(circular)s (%(scope)s); không gắn được tiêu chí của %(named)s.")
            % {
                "school": school.name,
                "circular": found.circular,
                "scope": found.scope.lower(),
                "named": named,
            },
            fields={
                "standard": [_("Bộ tiêu chuẩn của trường là %(code)s.") % {"code": found.code}]
            },
        )
    return found


def checked_codes(found: Standard, raw_codes: list[str]) -> list[str]:
    """The codes as the standard writes them, in order, each once; the first bad one refused
    with a Vietnamese message (nothing is saved by the caller then)."""
    if len(raw_codes) > MAX_CODES:
        raise DomainError(
            _("Chọn nhiều nhất %(max_codes)s tiêu chí mỗi lần.") % {"max_codes": MAX_CODES}
        )
    codes: list[str] = []
    for raw in raw_codes:
        code = normalize_code(str(raw))
        if code is None:
            raise DomainError(
                _("Mã tiêu chí không hợp lệ: “%(raw)s”. Viết như 1.1, TC1.1 hoặc M4.1.")
                % {"raw": str(raw)[:40]},
                fields={
                    "criteria": [_("“%(raw)s” không phải mã tiêu chí.") % {"raw": str(raw)[:40]}]
                },
            )
        if found.criterion(code) is None:
            raise DomainError(_not_in_standard(found, code), fields={"criteria": [code]})
        if code not in codes:
            codes.append(code)
    return codes


def _not_in_standard(found: Standard, code: str) -> str:
    elsewhere = [s.circular for s in standards() if s is not found and s.criterion(code)]
    where = (
        _(" (tiêu chí này thuộc %(elsewhere)s)") % {"elsewhere": ", ".join(elsewhere)}
        if elsewhere
        else ""
    )
    return _(
        "%(circular)s (%(scope)s) không có tiêu chí %(code)s%(where)s; hãy chọn tiêu chí trong "
        "danh sách của trường."
    ) % {"circular": found.circular, "scope": found.scope.lower(), "code": code, "where": where}


def _log(
    actor: Any, action: str, version: RecordVersion, std: str, codes: list[str], ip: str
) -> None:
    audit_log(
        action,
        actor=actor,
        obj=version,
        unit_id=version.record.school_id,
        ip=ip,
        data={
            "record": version.record_id,
            "version": version.number,
            "standard": std,
            "criteria": codes,
        },
    )


@transaction.atomic
def evidence_tag(
    *, actor: Any, version_id: int, codes: list[str], standard_code: str = "", ip: str = ""
) -> list[EvidenceTag]:
    """Add criteria to a version (those already there are kept, not repeated)."""
    version = _version(actor, version_id)
    found = _school_standard(version, standard_code)
    wanted = checked_codes(found, codes)
    if not wanted:
        raise DomainError(
            _("Hãy chọn ít nhất một tiêu chí."), fields={"criteria": [_("Bắt buộc.")]}
        )
    added = _add(actor, version, found, wanted)
    if added:
        _log(actor, "records.evidence.tagged", version, found.code, added, ip)
    return list(EvidenceTag.objects.filter(version=version, standard=found.code))


@transaction.atomic
def evidence_untag(
    *, actor: Any, version_id: int, codes: list[str], standard_code: str = "", ip: str = ""
) -> None:
    version = _version(actor, version_id)
    found = _school_standard(version, standard_code)
    wanted = checked_codes(found, codes)
    tags = EvidenceTag.objects.filter(version=version, standard=found.code, criterion__in=wanted)
    missing = sorted(set(wanted) - set(tags.values_list("criterion", flat=True)))
    if missing or not wanted:
        raise DomainError(
            _("Phiên bản này chưa được gắn tiêu chí: %(missing)s.")
            % {"missing": ", ".join(missing) or _("(không có)")},
            fields={"criteria": missing},
        )
    tags.delete()
    _log(actor, "records.evidence.untagged", version, found.code, wanted, ip)


@transaction.atomic
def evidence_set(
    *, actor: Any, version_id: int, codes: list[str], standard_code: str = "", ip: str = ""
) -> list[EvidenceTag]:
    """The record page's form: the version's criteria become exactly `codes` (none: untag)."""
    version = _version(actor, version_id)
    found = _school_standard(version, standard_code)
    wanted = checked_codes(found, codes)
    current = EvidenceTag.objects.filter(version=version, standard=found.code)
    gone = sorted(set(current.values_list("criterion", flat=True)) - set(wanted))
    if gone:
        current.filter(criterion__in=gone).delete()
        _log(actor, "records.evidence.untagged", version, found.code, gone, ip)
    added = _add(actor, version, found, wanted)
    if added:
        _log(actor, "records.evidence.tagged", version, found.code, added, ip)
    return list(EvidenceTag.objects.filter(version=version, standard=found.code))


def _add(actor: Any, version: RecordVersion, found: Standard, codes: list[str]) -> list[str]:
    have = set(
        EvidenceTag.objects.filter(version=version, standard=found.code).values_list(
            "criterion", flat=True
        )
    )
    now = timezone.now()
    new = [code for code in codes if code not in have]
    EvidenceTag.objects.bulk_create(
        EvidenceTag(
            version=version,
            school_id=version.record.school_id,
            standard=found.code,
            criterion=code,
            tagged_by=actor,
            tagged_at=now,
        )
        for code in new
    )
    return new
