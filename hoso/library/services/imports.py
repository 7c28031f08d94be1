"""Catalogue imports, all or nothing: the Excel lists libraries already keep (errors by row)
and MARC 21 files (errors by record). Reading and checking the files is in
`hoso.library.excel` and `hoso.library.marc`; here the titles and copies are stored, the copies
numbered from the library's next số ĐKCB under a row lock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.library import excel
from hoso.library.models import BibRecord, Copy, LibrarySettings
from hoso.library.services.catalogue import (
    _require_manage,
    _search_text,
    clean_barcode,
    clean_record,
    library_of,
)
from hoso.org.models import Unit
from hoso.records.services.summary import school_figures_touch

MAX_COPIES_PER_ROW = 500


@dataclass(frozen=True)
class ImportResult:
    records: int
    copies: int


@transaction.atomic
def excel_import(*, actor: Any, school: Unit, data: bytes, ip: str = "") -> ImportResult:
    _require_manage(actor, school)
    scheme = library_of(school).scheme
    prepared: list[tuple[dict[str, Any], list[tuple[str, int, str]]]] = []
    errors: list[str] = []
    for line, row in enumerate(excel.read_rows(data), start=2):
        if not any(row.values()):
            continue
        try:
            prepared.append(_excel_row(row, scheme))
        except DomainError as error:
            errors.append(
                _("Dòng %(line)s: %(message)s") % {"line": line, "message": error.message}
            )
    if errors:
        raise DomainError(
            _("%(errors)s dòng có lỗi; chưa dòng nào được nhập.") % {"errors": len(errors)},
            fields={"rows": errors[:50]},
        )
    if not prepared:
        raise DomainError(_("Bảng tính không có dòng sách nào."))
    settings = LibrarySettings.objects.select_for_update().get(pk=library_of(school).pk)
    records = BibRecord.objects.bulk_create(
        [BibRecord(school=school, search_text=_search_text(f), **f) for f, _ in prepared]
    )
    number = settings.next_reg_number
    copies = []
    for record, (_fields, items) in zip(records, prepared, strict=True):
        for barcode, price, location in items:
            code = barcode or f"{school.code}-{number:06d}"
            copies.append(
                Copy(
                    record=record,
                    school=school,
                    reg_number=number,
                    barcode=code,
                    location=location,
                    price=price,
                )
            )
            number += 1
    _check_barcodes(school, [c.barcode for c in copies])
    Copy.objects.bulk_create(copies, batch_size=1000)
    settings.next_reg_number = number
    settings.save(update_fields=["next_reg_number"])
    from hoso.library.search_index import index_later

    index_later([r.pk for r in records])
    audit_log(
        "library.excel.imported",
        actor=actor,
        obj=school,
        unit_id=school.pk,
        ip=ip,
        data={"records": len(records), "copies": len(copies)},
    )
    school_figures_touch([school.pk])  # the dashboard's library figures
    return ImportResult(len(records), len(copies))


def _excel_row(
    row: dict[str, str], scheme: str
) -> tuple[dict[str, Any], list[tuple[str, int, str]]]:
    """The checked fields of one title and its copies (barcode, price, location)."""
    fields = clean_record({**row, "kind": excel.clean_kind(row.get("kind", ""))}, scheme)
    codes = [clean_barcode(c) for c in row.get("barcodes", "").split(",") if c.strip()]
    count = excel.clean_count(row.get("count", ""), _("số bản"), MAX_COPIES_PER_ROW) or len(codes)
    if codes and len(codes) != count:
        raise DomainError(
            _("có %(codes)s mã vạch cho %(count)s bản") % {"codes": len(codes), "count": count}
        )
    price = excel.clean_count(row.get("price", ""), _("giá"), 999_999_999)
    location = row.get("location", "")[:80]
    return fields, [(codes[i] if codes else "", price, location) for i in range(count)]


@transaction.atomic
def marc_import(*, actor: Any, school: Unit, data: bytes, ip: str = "") -> ImportResult:
    from hoso.library import marc  # pymarc: loaded by the first MARC import, not at a web start

    _require_manage(actor, school)
    parsed = marc.parse(data, library_of(school).scheme)
    settings = LibrarySettings.objects.select_for_update().get(pk=library_of(school).pk)
    barcodes = [i["barcode"] for p in parsed for i in p.items if i["barcode"]]
    _check_barcodes(school, barcodes)
    records = BibRecord.objects.bulk_create(
        [BibRecord(school=school, search_text=_search_text(p.fields), **p.fields) for p in parsed]
    )
    number = settings.next_reg_number
    copies = []
    for record, item in ((r, i) for r, p in zip(records, parsed, strict=True) for i in p.items):
        copies.append(
            Copy(
                record=record,
                school=school,
                reg_number=number,
                barcode=item["barcode"] or f"{school.code}-{number:06d}",
                location=str(item["location"])[:80],
                price=int(item["price"]),
            )
        )
        number += 1
    _check_barcodes(school, [c.barcode for c in copies])
    Copy.objects.bulk_create(copies, batch_size=1000)
    settings.next_reg_number = number
    settings.save(update_fields=["next_reg_number"])
    from hoso.library.search_index import index_later

    index_later([r.pk for r in records])
    audit_log(
        "library.marc.imported",
        actor=actor,
        obj=school,
        unit_id=school.pk,
        ip=ip,
        data={"records": len(records), "copies": len(copies)},
    )
    school_figures_touch([school.pk])  # the dashboard's library figures
    return ImportResult(len(records), len(copies))


def _check_barcodes(school: Unit, barcodes: list[str]) -> None:
    seen: set[str] = set()
    for code in barcodes:
        if code in seen:
            raise DomainError(
                _("Mã vạch %(code)s xuất hiện hai lần; không biểu ghi nào được nhập.")
                % {"code": code}
            )
        seen.add(code)
    for chunk in range(0, len(barcodes), 900):
        taken = Copy.objects.filter(school=school, barcode__in=barcodes[chunk : chunk + 900])
        first = taken.values_list("barcode", flat=True).first()
        if first is not None:
            raise DomainError(
                _("Mã vạch %(first)s đã có trong thư viện; không biểu ghi nào được nhập.")
                % {"first": first}
            )
