"""MARC 21 import and export (pymarc): ISO 2709 and MARCXML, with holdings in Koha's 952.

Import is all or nothing (`hoso.library.services.imports.marc_import`): every record is read and
checked first (`parse`); one bad record refuses the file with the list of errors (record number
and reason), and nothing is stored.

Fields read: 020$a ISBN; 041$a language; 082$a DDC or 084$a other scheme; 100$a / 700$a
authors; 245$a$b$n$p title; 260 or 264 $a$b$c place, publisher, year; 490$a series (830$a
when there is no 490); 650$a / 653$a subject; 952 (Koha holdings) $p barcode, $o call number,
$c location, $g price — or 852 $p $h $c. Export writes 001, 020, 041, 082/084, 100, 245, 260,
490 $a (the series), 650, 700 and 952.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pymarc
from defusedxml import ElementTree as SafeXml
from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Subfield

from hoso.core.errors import DomainError
from hoso.library.models import BibRecord, Copy, ItemKind
from hoso.library.services.catalogue import clean_barcode, clean_record
from hoso.org.models import Unit

MAX_RECORDS = 20_000
MAX_ERRORS_SHOWN = 50
_YEAR = re.compile(r"(1[89]\d\d|20\d\d|2100)")
_PRICE = re.compile(r"\d[\d.,]*")


@dataclass
class Parsed:
    fields: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)


def _sub(record: pymarc.Record, tag: str, code: str) -> str:
    for found in record.get_fields(tag):
        values = found.get_subfields(code)
        if values:
            return str(values[0]).strip(" /:;,.=")
    return ""


def _title(record: pymarc.Record) -> str:
    fields = record.get_fields("245")
    if not fields:
        return ""
    parts = [fields[0].get_subfields(code) for code in ("a", "b", "n", "p")]
    words = [str(v).strip(" /:;,.=") for values in parts for v in values]
    return " : ".join(w for w in words[:2] if w) + "".join(f". {w}" for w in words[2:] if w)


def _authors(record: pymarc.Record) -> str:
    names = [_sub(record, "100", "a")] + [
        str(v).strip(" ,.") for f in record.get_fields("700") for v in f.get_subfields("a")
    ]
    return "; ".join(n for n in names if n)


def _price(raw: str) -> int:
    found = _PRICE.search(raw or "")
    if not found:
        return 0
    digits = re.sub(r"[.,]\d{1,2}$", "", found.group(0)).replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() and len(digits) < 10 else 0


def _items(record: pymarc.Record) -> list[dict[str, Any]]:
    items = []
    for holding in record.get_fields("952"):
        items.append(
            {
                "barcode": (holding.get_subfields("p") or [""])[0],
                "location": (holding.get_subfields("c") or [""])[0],
                "price": _price(
                    (holding.get_subfields("g") or holding.get_subfields("v") or [""])[0]
                ),
            }
        )
    if not items:
        for holding in record.get_fields("852"):
            items.append(
                {
                    "barcode": (holding.get_subfields("p") or [""])[0],
                    "location": (holding.get_subfields("c") or [""])[0],
                    "price": 0,
                }
            )
    return items


def _fields(record: pymarc.Record, scheme: str) -> dict[str, Any]:
    year = _YEAR.search(_sub(record, "260", "c") or _sub(record, "264", "c"))
    ddc = _sub(record, "082", "a")
    other = _sub(record, "084", "a")
    data = {
        "title": _title(record),
        "authors": _authors(record),
        "publisher": _sub(record, "260", "b") or _sub(record, "264", "b"),
        "pub_place": _sub(record, "260", "a") or _sub(record, "264", "a"),
        "pub_year": year.group(1) if year else "",
        "isbn": _sub(record, "020", "a").split(" ")[0],
        "subject": _sub(record, "650", "a") or _sub(record, "653", "a"),
        "series": _sub(record, "490", "a") or _sub(record, "830", "a"),
        "language": (_sub(record, "041", "a") or "vie")[:3],
        "class_number": ddc or other,
        "scheme": "DDC" if ddc or not other else "BBK19",
        "kind": ItemKind.STK,
    }
    return clean_record(data, scheme)


def read_records(data: bytes) -> list[pymarc.Record]:
    """Records of an ISO 2709 or MARCXML file; DomainError for an unreadable file."""
    if not data.strip():
        raise DomainError(_("Tệp MARC rỗng."))
    if data.lstrip()[:1] == b"<":
        try:
            SafeXml.fromstring(data)  # refuses entity expansion and external references
            from_xml = pymarc.parse_xml_to_array(io.BytesIO(data))
        except Exception as error:  # noqa: BLE001 — any parser failure is the file's fault
            raise DomainError(
                _("Tệp MARCXML không đọc được (%(error)s); không biểu ghi nào được nhập.")
                % {"error": type(error).__name__}
            ) from error
        return [r for r in from_xml if r is not None]
    reader = pymarc.MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True, permissive=True)
    records: list[pymarc.Record] = []
    for number, record in enumerate(reader, start=1):
        if record is None:
            reason = reader.current_exception
            raise DomainError(
                _(
                    "Biểu ghi thứ %(number)s của tệp MARC (ISO 2709) bị hỏng (%(reason)s); không "
                    "biểu ghi nào được nhập."
                )
                % {"number": number, "reason": reason}
            )
        records.append(record)
        if len(records) > MAX_RECORDS:
            raise DomainError(_("Mỗi lần nhập tối đa %(max)s biểu ghi.") % {"max": MAX_RECORDS})
    return records


def parse(data: bytes, scheme: str) -> list[Parsed]:
    records = read_records(data)
    if not records:
        raise DomainError(_("Tệp MARC không có biểu ghi nào."))
    parsed: list[Parsed] = []
    errors: list[str] = []
    for number, record in enumerate(records, start=1):
        try:
            items = _items(record)
            for item in items:
                if item["barcode"]:
                    item["barcode"] = clean_barcode(item["barcode"])
            parsed.append(Parsed(_fields(record, scheme), items))
        except DomainError as error:
            errors.append(
                _("Biểu ghi %(number)s: %(message)s") % {"number": number, "message": error.message}
            )
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        raise DomainError(
            _("%(errors)s biểu ghi có lỗi; không biểu ghi nào được nhập.")
            % {"errors": len(errors)},
            fields={"records": shown},
        )
    return parsed


# --- export ------------------------------------------------------------------------------


def _field(tag: str, ind: str, *pairs: tuple[str, str]) -> Field:
    subfields = [Subfield(code, value) for code, value in pairs if value]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def to_marc(record: BibRecord, copies: list[Copy]) -> pymarc.Record:
    marc = pymarc.Record(force_utf8=True, leader="     nam a22     7a 4500")
    marc.add_field(pymarc.Field(tag="001", data=str(record.pk)))
    if record.isbn:
        marc.add_field(_field("020", "  ", ("a", record.isbn.replace("-", ""))))
    marc.add_field(_field("041", "0 ", ("a", record.language or "vie")))
    if record.class_number:
        tag = "082" if record.scheme == "DDC" else "084"
        marc.add_field(_field(tag, "04", ("a", record.class_number), ("b", record.author_mark)))
    authors = [a.strip() for a in record.authors.split(";") if a.strip()]
    if authors:
        marc.add_field(_field("100", "1 ", ("a", authors[0])))
    marc.add_field(_field("245", "10" if authors else "00", ("a", record.title)))
    year = str(record.pub_year or "")
    if record.publisher or record.pub_place or year:
        marc.add_field(
            _field("260", "  ", ("a", record.pub_place), ("b", record.publisher), ("c", year))
        )
    if record.series:
        # First indicator 0: the series is not traced (no 830 is written).
        marc.add_field(_field("490", "0 ", ("a", record.series)))
    if record.subject:
        marc.add_field(_field("650", " 4", ("a", record.subject)))
    for author in authors[1:]:
        marc.add_field(_field("700", "1 ", ("a", author)))
    for copy in copies:
        marc.add_field(
            _field(
                "952",
                "  ",
                ("c", copy.location),
                ("g", str(copy.price) if copy.price else ""),
                ("o", record.call_number),
                ("p", copy.barcode),
                ("t", str(copy.reg_number)),
            )
        )
    return marc


def _export_rows(school: Unit) -> list[tuple[BibRecord, list[Copy]]]:
    records = list(BibRecord.objects.filter(school=school).order_by("pk"))
    by_record: dict[int, list[Copy]] = {}
    for copy in Copy.objects.filter(school=school).exclude(status="weeded").order_by("reg_number"):
        by_record.setdefault(copy.record_id, []).append(copy)
    return [(r, by_record.get(r.pk, [])) for r in records]


def export_iso2709(school: Unit) -> bytes:
    return b"".join(to_marc(r, c).as_marc() for r, c in _export_rows(school))


def export_marcxml(school: Unit) -> bytes:
    out = io.BytesIO()
    writer = pymarc.XMLWriter(out)
    for record, copies in _export_rows(school):
        writer.write(to_marc(record, copies))
    writer.close(close_fh=False)
    return out.getvalue()
