"""The transfer package (hồ sơ chuyển trường): a zip of the issued học bạ (PDF and XML, as
issued) and `manifest.xml`, which names the student's particulars, enrolments, movements,
the year's raw results and the SHA-256 of every other file, and carries the sending school's
seal as a XAdES signature (hoso.signing.engine.xades, as the học bạ XML). Reading a package
back checks everything before anything is created: the zip's shape, the seal signature and
its certificate's chain, each file's SHA-256, each học bạ PDF's signatures (HoSo's validator)
and each học bạ XML's signatures."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from hoso.core.errors import DomainError
from hoso.grading.models import Entry, HocBaVersion
from hoso.org.models import Enrolment, Student
from hoso.org.services import STUDENT_FIELDS
from hoso.schoollife.models import Movement
from hoso.storage import blob_store

NS = "urn:hoso:chuyen-truong:1"
CONTAINER = "HoSoChuyenTruongKySo"
MANIFEST = "manifest.xml"
SEAL_ROLE = "Con dấu của trường"
MAX_FILES = 200
MAX_TOTAL = 200 * 1024 * 1024
# What the school that kept the student keeps for itself: it does not travel.
SCHOOL_OWN = frozenset(
    {"register_number", "admitted_on", "previous_school", "left_on", "leave_reason"}
)
# The particulars that travel (org.Student); the code first: it identifies the student.
FIELDS = ("code", *(name for name in STUDENT_FIELDS if name not in SCHOOL_OWN))


class PackageRefused(DomainError):
    """The package cannot be taken in; `message` says why in Vietnamese."""


@dataclass(frozen=True)
class PackedFile:
    name: str
    kind: str
    school_year: str
    sha256: str
    data: bytes


@dataclass
class Package:
    """What a verified package holds."""

    sha256: str
    sending_school: str
    sending_code: str
    receiving_school: str
    on: dt.date
    document_number: str
    student: dict[str, str]
    enrolments: list[dict[str, str]] = field(default_factory=list)
    movements: list[dict[str, str]] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)  # year → number of entries
    cells: list[tuple[str, str, str, str]] = field(default_factory=list)  # year, area, slot, value
    files: list[PackedFile] = field(default_factory=list)
    sealed_by: str = ""
    sealed_at: str = ""


# --- writing ---------------------------------------------------------------------------------


def _issued_files(student: Student) -> list[PackedFile]:
    out = []
    store = blob_store()
    versions = (
        HocBaVersion.objects.filter(student=student, issued_at__isnull=False)
        .select_related("school_year")
        .order_by("school_year__start_date", "number")
    )
    for version in versions:
        stem = f"hoc-ba/{version.school_year.name}-{version.number}"
        for suffix, kind, sha in (
            ("pdf", "hoc_ba_pdf", version.pdf_sha256),
            ("xml", "hoc_ba_xml", version.xml_sha256),
        ):
            if sha:
                with store.open(sha) as stream:
                    data = stream.read()
                out.append(
                    PackedFile(f"{stem}.{suffix}", kind, version.school_year.name, sha, data)
                )
    return out


def _el(parent: Any, tag: str, text: str = "", **attrs: str) -> Any:
    from lxml import etree

    node = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text:
        node.text = text
    return node


def _value(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def manifest_xml(
    student: Student, movement: Movement, files: list[PackedFile], to_school: str
) -> bytes:
    # lxml when a package is made, not when a web process starts (its memory)
    from lxml import etree

    root = etree.Element(f"{{{NS}}}HoSoChuyenTruong", nsmap={None: NS})
    root.set("phienBan", "1")
    _el(root, "TruongDi", student.school.name, ma=student.school.code)
    _el(root, "TruongDen", to_school)
    _el(root, "NgayChuyen", movement.on.isoformat())
    _el(root, "SoVanBan", movement.document_number)
    person = _el(root, "HocSinh")
    for name in FIELDS:
        _el(person, "ThongTin", _value(getattr(student, name)), khoa=name)
    history = _el(root, "QuaTrinh")
    enrolments = (
        Enrolment.objects.filter(student=student)
        .select_related("school_year", "school_class__school")
        .order_by("school_year__start_date")
    )
    for row in enrolments:
        school = row.school_class.school
        _el(
            history,
            "XepLop",
            namHoc=row.school_year.name,
            lop=row.school_class.name,
            khoi=str(row.school_class.grade or ""),
            truong=school.name if school else "",
            tuNgay=_value(row.start_date),
            denNgay=_value(row.end_date),
        )
    for step in Movement.objects.filter(student=student).select_related(
        "school", "from_class", "to_class"
    ):
        _el(
            history,
            "BienDong",
            loai=step.kind,
            ngay=step.on.isoformat(),
            truong=step.other_school if step.imported else step.school.name,
            tuLop=step.from_class.name if step.from_class else "",
            denLop=step.to_class.name if step.to_class else "",
            soVanBan=step.document_number,
            liDo=step.reason,
            ghiChu=step.note,
        )
    results = _el(root, "KetQua")
    entries = Entry.objects.filter(student=student).select_related("school_year")
    for entry in entries.order_by("school_year__start_date", "area", "slot"):
        _el(results, "O", entry.value, namHoc=entry.school_year.name, vung=entry.area, o=entry.slot)
    listing = _el(root, "Tep")
    for packed in files:
        _el(
            listing,
            "TepTin",
            ten=packed.name,
            loai=packed.kind,
            namHoc=packed.school_year,
            sha256=packed.sha256,
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def package_build(student: Student, movement: Movement, *, to_school: str, signer: Any) -> bytes:
    """The zip for `movement` (a transfer out), the manifest sealed with `signer` (the
    sending school's seal, already checked by the caller)."""
    from hoso.signing.engine import SigningError
    from hoso.signing.engine.xades import envelope, sign_xml

    files = _issued_files(student)
    manifest = envelope(manifest_xml(student, movement, files, to_school), container=CONTAINER)
    try:
        sealed = sign_xml(manifest, signer, role=SEAL_ROLE, description="Hồ sơ chuyển trường")
    except SigningError as exc:
        raise DomainError(exc.message) from exc
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, sealed)
        for packed in files:
            archive.writestr(packed.name, packed.data)
    return buffer.getvalue()
