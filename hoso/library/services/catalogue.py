"""Catalogue writes: titles, copies (số ĐKCB, barcodes), accessions, library settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.library.catalog import clean_isbn, search_text
from hoso.library.models import (
    Accession,
    BibRecord,
    Copy,
    CopyStatus,
    Holiday,
    ItemKind,
    LibrarySettings,
    Scheme,
)
from hoso.org.models import Unit
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch

MAX_COPIES_AT_ONCE = 500
SERIES_MAX = BibRecord._meta.get_field("series").max_length or 200


def _require_manage(actor: Any, obj: Any) -> None:
    if not can(actor, "library.manage", obj):
        raise NotAllowed(_("Chỉ thủ thư của trường được làm việc này."))


def library_of(school: Unit) -> LibrarySettings:
    found, _created = LibrarySettings.objects.get_or_create(school=school)
    return found


def _text(data: dict[str, Any], key: str, label: str, limit: int, required: bool = False) -> str:
    value = " ".join(str(data.get(key) or "").split())
    if required and not value:
        raise DomainError(
            _("Thiếu %(label)s.") % {"label": label},
            fields={key: [_("Cần nhập %(label)s.") % {"label": label}]},
        )
    if len(value) > limit:
        raise DomainError(
            _("%(label)s dài quá %(limit)d ký tự (đang có %(length)d).")
            % {"label": label[:1].upper() + label[1:], "limit": limit, "length": len(value)},
            fields={key: [_("Tối đa %(limit)d ký tự.") % {"limit": limit}]},
        )
    return value


def _small_int(data: dict[str, Any], key: str, label: str, low: int, high: int) -> int | None:
    raw = str(data.get(key) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise DomainError(
            _("%(label)s phải là số từ %(low)s đến %(high)s.")
            % {"label": label.capitalize(), "low": low, "high": high},
            fields={key: [_("Từ %(low)s đến %(high)s.") % {"low": low, "high": high}]},
        )
    return value


def clean_record(data: dict[str, Any], default_scheme: str) -> dict[str, Any]:
    """Validated fields of a title; DomainError (Vietnamese) on the first bad one."""
    kind = str(data.get("kind") or ItemKind.STK)
    if kind not in ItemKind.values:
        raise DomainError(
            _("Loại tài liệu không hợp lệ."), fields={"kind": [_("Chọn trong danh sách.")]}
        )
    scheme = str(data.get("scheme") or default_scheme)
    if scheme not in Scheme.values:
        raise DomainError(
            _("Khung phân loại không hợp lệ."), fields={"scheme": [_("DDC hoặc 19 lớp.")]}
        )
    fields = {
        "kind": kind,
        "scheme": scheme,
        "title": _text(data, "title", _("nhan đề"), 400, required=True),
        "authors": _text(data, "authors", _("tác giả"), 400),
        "publisher": _text(data, "publisher", _("nhà xuất bản"), 200),
        "pub_place": _text(data, "pub_place", _("nơi xuất bản"), 120),
        "pub_year": _small_int(data, "pub_year", _("năm xuất bản"), 1800, 2100),
        "isbn": clean_isbn(str(data.get("isbn") or "")),
        "subject": _text(data, "subject", _("chủ đề"), 200),
        "grade": _small_int(data, "grade", _("lớp"), 1, 12),
        "series": _text(data, "series", _("tùng thư / bộ sách"), SERIES_MAX),
        "language": _text(data, "language", _("ngôn ngữ"), 3) or "vie",
        "class_number": _text(data, "class_number", _("ký hiệu phân loại"), 40),
        "author_mark": _text(data, "author_mark", _("ký hiệu tác giả"), 20),
    }
    return fields


def _search_text(fields: dict[str, Any]) -> str:
    isbn = str(fields.get("isbn") or "")
    return search_text(
        fields["title"],
        fields["authors"],
        fields["subject"],
        fields.get("series", ""),
        fields["class_number"],
        isbn,
        isbn.replace("-", ""),
    )


_SEARCHED = ("title", "authors", "subject", "series", "class_number", "isbn")


def search_text_refresh(batch: int = 2000) -> int:
    """Recompute the OPAC's stored folded column from each title's fields (after a searched
    field was added, e.g. the series); returns how many titles changed. Maintenance, no actor:
    the titles' contents do not change."""
    changed = 0
    last = 0
    while rows := list(
        BibRecord.objects.filter(pk__gt=last).order_by("pk").only("search_text", *_SEARCHED)[:batch]
    ):
        last = rows[-1].pk
        stale = []
        for row in rows:
            fresh = _search_text({f: getattr(row, f) for f in _SEARCHED})
            if fresh != row.search_text:
                row.search_text = fresh
                stale.append(row)
        BibRecord.objects.bulk_update(stale, ["search_text"])
        changed += len(stale)
    return changed


@transaction.atomic
def record_create(*, actor: Any, school: Unit, data: dict[str, Any], ip: str = "") -> BibRecord:
    _require_manage(actor, school)
    fields = clean_record(data, library_of(school).scheme)
    record = BibRecord.objects.create(school=school, search_text=_search_text(fields), **fields)
    from hoso.library.search_index import index_later

    index_later([record.pk])
    audit_log(
        "library.record.created",
        actor=actor,
        obj=record,
        unit_id=school.pk,
        ip=ip,
        data={"isbn": record.isbn},
    )
    return record


@transaction.atomic
def record_update(
    *, actor: Any, record: BibRecord, data: dict[str, Any], ip: str = ""
) -> BibRecord:
    _require_manage(actor, record)
    fields = clean_record(data, record.scheme)
    for key, value in fields.items():
        setattr(record, key, value)
    record.search_text = _search_text(fields)
    record.save(update_fields=[*fields, "search_text"])
    from hoso.library.search_index import index_later

    index_later([record.pk])
    audit_log("library.record.updated", actor=actor, obj=record, unit_id=record.school_id, ip=ip)
    return record


@dataclass(frozen=True)
class NewCopy:
    location: str = ""
    price: int = 0
    barcode: str = ""  # empty: the school's prefix and the số ĐKCB


def _barcode(school: Unit, reg_number: int) -> str:
    return f"{school.code}-{reg_number:06d}"


def clean_barcode(raw: str) -> str:
    value = "".join(str(raw or "").split()).upper()
    if len(value) > 40 or not value.replace("-", "").replace(".", "").isalnum():
        raise DomainError(
            _("Mã vạch “%(value)s” không hợp lệ.") % {"value": str(raw)[:40]},
            fields={"barcode": [_("Sai.")]},
        )
    return value


def _create_copies(
    school: Unit, record: BibRecord, items: list[NewCopy], accession: Accession | None
) -> list[Copy]:
    """Copies numbered from the library's next số ĐKCB (the settings row is locked, so two
    librarians never get the same number); a duplicate barcode refuses the whole batch."""
    if not items:
        raise DomainError(_("Số bản phải lớn hơn 0."), fields={"count": [_("Ít nhất 1 bản.")]})
    if len(items) > MAX_COPIES_AT_ONCE:
        raise DomainError(_("Mỗi lần nhập tối đa %(max)s bản.") % {"max": MAX_COPIES_AT_ONCE})
    settings = LibrarySettings.objects.select_for_update().get(pk=library_of(school).pk)
    first = settings.next_reg_number
    copies = []
    for offset, item in enumerate(items):
        number = first + offset
        barcode = clean_barcode(item.barcode) if item.barcode else _barcode(school, number)
        copies.append(
            Copy(
                record=record,
                school=school,
                reg_number=number,
                barcode=barcode,
                location=item.location[:80],
                price=max(0, int(item.price)),
                accession=accession,
            )
        )
    _refuse_duplicate_barcodes(school, [c.barcode for c in copies])
    settings.next_reg_number = first + len(items)
    settings.save(update_fields=["next_reg_number"])
    try:
        with transaction.atomic():
            made = Copy.objects.bulk_create(copies)
            school_figures_touch([school.pk])  # the dashboard's library figures
            return made
    except IntegrityError as error:
        raise Conflict(
            _("Mã vạch hoặc số ĐKCB đã có trong thư viện; không bản nào được nhập.")
        ) from error


def _refuse_duplicate_barcodes(school: Unit, barcodes: list[str]) -> None:
    seen: set[str] = set()
    for code in barcodes:
        if code in seen:
            raise Conflict(
                _("Mã vạch %(code)s bị lặp trong danh sách; không bản nào được nhập.")
                % {"code": code}
            )
        seen.add(code)
    taken = Copy.objects.filter(school=school, barcode__in=barcodes).values_list(
        "barcode", flat=True
    )
    first = next(iter(taken), None)
    if first is not None:
        raise Conflict(
            _("Mã vạch %(first)s đã gắn cho một bản sách khác; không bản nào được nhập.")
            % {"first": first}
        )


@transaction.atomic
def accession_create(
    *,
    actor: Any,
    school: Unit,
    source: str,
    document: str = "",
    day: dt.date | None = None,
    ip: str = "",
) -> Accession:
    """A new line of Phần I of the sổ đăng ký tổng quát (copies are added to it)."""
    _require_manage(actor, school)
    source = _text({"source": source}, "source", _("nguồn cung cấp"), 200, required=True)
    settings = LibrarySettings.objects.select_for_update().get(pk=library_of(school).pk)
    accession = Accession.objects.create(
        school=school,
        number=settings.next_accession,
        day=day or timezone.localdate(),
        source=source,
        document=_text({"d": document}, "d", _("chứng từ"), 120),
        created_by=actor,
    )
    settings.next_accession += 1
    settings.save(update_fields=["next_accession"])
    audit_log("library.accession.created", actor=actor, obj=accession, unit_id=school.pk, ip=ip)
    return accession


@transaction.atomic
def copies_add(
    *,
    actor: Any,
    record: BibRecord,
    items: list[NewCopy],
    accession: Accession | None = None,
    ip: str = "",
) -> list[Copy]:
    _require_manage(actor, record)
    if accession is not None and accession.school_id != record.school_id:
        raise DomainError(_("Biên bản nhập không thuộc thư viện này."))
    copies = _create_copies(record.school, record, items, accession)
    audit_log(
        "library.copies.added",
        actor=actor,
        obj=record,
        unit_id=record.school_id,
        ip=ip,
        data={"count": len(copies), "from": copies[0].reg_number, "to": copies[-1].reg_number},
    )
    return copies


@transaction.atomic
def copy_mark(*, actor: Any, copy: Copy, status: str, note: str = "", ip: str = "") -> Copy:
    """A copy found lost or damaged (or back on the shelf after all)."""
    _require_manage(actor, copy)
    if status not in (CopyStatus.LOST, CopyStatus.DAMAGED, CopyStatus.AVAILABLE):
        raise DomainError(_("Tình trạng không hợp lệ."))
    copy = Copy.objects.select_for_update().get(pk=copy.pk)
    if copy.status == CopyStatus.WEEDED:
        raise Conflict(_("Bản %(barcode)s đã thanh lý.") % {"barcode": copy.barcode})
    if copy.status == CopyStatus.ON_LOAN:
        from hoso.library.models import Loan

        loan = Loan.objects.filter(copy=copy, returned_at__isnull=True).first()
        if loan is not None and status != CopyStatus.LOST:
            raise Conflict(
                _("Bản %(barcode)s đang cho mượn; hãy nhận trả trước.") % {"barcode": copy.barcode}
            )
        if loan is not None:
            loan.returned_at = timezone.now()
            loan.save(update_fields=["returned_at"])
    copy.status = status
    copy.removal_ref = note[:120]
    copy.save(update_fields=["status", "removal_ref"])
    audit_log(
        "library.copy.marked",
        actor=actor,
        obj=copy,
        unit_id=copy.school_id,
        ip=ip,
        data={"status": status},
    )
    school_figures_touch([copy.school_id])
    return copy


@transaction.atomic
def settings_update(
    *, actor: Any, school: Unit, scheme: str, opac_public: bool, ip: str = ""
) -> LibrarySettings:
    _require_manage(actor, school)
    if scheme not in Scheme.values:
        raise DomainError(_("Khung phân loại không hợp lệ."))
    settings = library_of(school)
    settings.scheme = scheme
    settings.opac_public = opac_public
    settings.save(update_fields=["scheme", "opac_public"])
    audit_log(
        "library.settings.updated",
        actor=actor,
        obj=settings,
        unit_id=school.pk,
        ip=ip,
        data={"scheme": scheme, "opac_public": opac_public},
    )
    return settings


@transaction.atomic
def holiday_set(*, actor: Any, school: Unit, day: dt.date, name: str, ip: str = "") -> Holiday:
    _require_manage(actor, school)
    holiday, _ = Holiday.objects.update_or_create(
        school=school, day=day, defaults={"name": name[:120]}
    )
    audit_log("library.holiday.set", actor=actor, obj=holiday, unit_id=school.pk, ip=ip)
    return holiday


@transaction.atomic
def export_logged(*, actor: Any, school: Unit, what: str, ip: str = "") -> None:
    """Every download of library data is in the audit log (DOMAIN.md §10.4)."""
    audit_log(
        "library.exported", actor=actor, obj=school, unit_id=school.pk, ip=ip, data={"what": what}
    )


@transaction.atomic
def reading_session_add(
    *, actor: Any, school: Unit, day: dt.date, school_class: Unit | None, readers: int, ip: str = ""
) -> Any:
    """A tiết đọc thư viện held (for the yearly report)."""
    from hoso.library.models import ReadingSession

    _require_manage(actor, school)
    if school_class is not None and school_class.school_id != school.pk:
        raise DomainError(_("Lớp không thuộc trường."))
    if not 0 <= readers <= 2000:
        raise DomainError(_("Số bạn đọc phải từ 0 đến 2000."))
    session = ReadingSession.objects.create(
        school=school, day=day, school_class=school_class, readers=readers
    )
    audit_log("library.reading.added", actor=actor, obj=session, unit_id=school.pk, ip=ip)
    return session
