"""Reading a transfer package back (`package_read`): every check before anything is made.
A package that fails any of them is refused whole, with the reason in Vietnamese."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
import zlib
from typing import Any

from django.utils.translation import gettext as _

from hoso.schoollife.services.package import (
    CONTAINER,
    FIELDS,
    MANIFEST,
    MAX_FILES,
    MAX_TOTAL,
    NS,
    SEAL_ROLE,
    Package,
    PackageRefused,
    PackedFile,
)

_NS = {"c": NS}


def package_read(data: bytes) -> Package:
    """The verified contents of a package, or PackageRefused."""
    names, archive = _open(data)
    manifest = _read(archive, MANIFEST)
    sealed_by, sealed_at = _check_seal(manifest)
    root = _data_element(manifest)
    package = _parse(root, hashlib.sha256(data).hexdigest())
    package.sealed_by, package.sealed_at = sealed_by, sealed_at
    listed = {f.name for f in package.files}
    extra = sorted(set(names) - listed - {MANIFEST})
    if extra:
        raise PackageRefused(
            _("Gói hồ sơ có tệp không được kê trong danh mục đã ký: %(names)s.")
            % {"names": ", ".join(extra[:5])}
        )
    package.files = [_checked_file(archive, names, f) for f in package.files]
    return package


def _open(data: bytes) -> tuple[list[str], zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise PackageRefused(
            _("Tệp không phải gói hồ sơ chuyển trường (tệp zip) đọc được.")
        ) from exc
    names = [info.filename for info in infos]
    if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_TOTAL:
        raise PackageRefused(_("Gói hồ sơ chuyển trường quá lớn."))
    if len(set(names)) != len(names) or any(
        n.startswith("/") or ".." in n.split("/") or "\\" in n for n in names
    ):
        raise PackageRefused(_("Gói hồ sơ có tên tệp không hợp lệ."))
    if MANIFEST not in names:
        raise PackageRefused(_("Gói hồ sơ thiếu tệp danh mục đã ký (manifest.xml)."))
    return names, archive


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member, or a refusal for whatever a broken or hostile zip raises on reading
    (bad CRC, unknown compression, encryption, truncated data)."""
    try:
        return archive.read(name)
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        zlib.error,
    ) as exc:
        raise PackageRefused(
            _("Tệp không phải gói hồ sơ chuyển trường (tệp zip) đọc được.")
        ) from exc


def _check_seal(manifest: bytes) -> tuple[str, str]:
    """Exactly one XAdES signature, the sending school's seal, valid, its certificate chaining
    to the trust anchors HoSo is configured with."""
    from hoso.signing import conf
    from hoso.signing.engine import SigningError
    from hoso.signing.engine.signers import check_certificate_status
    from hoso.signing.engine.validate import build_validation_context
    from hoso.signing.engine.xades import verify_xml

    try:
        checks = verify_xml(manifest)
    except SigningError as exc:
        raise PackageRefused(_("Danh mục của gói hồ sơ không đọc được.")) from exc
    if len(checks) != 1 or checks[0].role != SEAL_ROLE:
        raise PackageRefused(_("Danh mục của gói hồ sơ không mang chữ ký số con dấu của trường."))
    check = checks[0]
    if not check.ok or check.certificate is None:
        raise PackageRefused(
            _("Chữ ký số trên gói hồ sơ không hợp lệ: %(problem)s") % {"problem": check.problem}
        )
    context = build_validation_context(conf.trust_anchors(), other_certs=conf.intermediates())
    try:
        check_certificate_status(check.certificate, context)
    except SigningError as exc:
        raise PackageRefused(
            _("Chữ ký số trên gói hồ sơ không được tin cậy: %(problem)s") % {"problem": exc.message}
        ) from exc
    return check.signer, check.signed_at


def _data_element(manifest: bytes) -> Any:
    """The signed data only: whatever else the envelope holds is not covered by the seal."""
    from lxml import etree  # when a package is read, not when a web process starts

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(manifest, parser=parser)
    if etree.QName(root).localname != CONTAINER:
        raise PackageRefused(_("Danh mục của gói hồ sơ không đúng mẫu."))
    data = root.find("c:HoSoChuyenTruong[@Id='HocBa']", _NS)
    # one element with the signed Id, or the seal might cover another one than is read here
    if data is None or len(root.xpath("//*[@Id='HocBa']")) != 1:
        raise PackageRefused(_("Danh mục của gói hồ sơ không đúng mẫu."))
    return data


def _text(root: Any, path: str) -> str:
    node = root.find(path, _NS)
    return (node.text or "").strip() if node is not None else ""


def _parse(root: Any, sha256: str) -> Package:
    try:
        on = dt.date.fromisoformat(_text(root, "c:NgayChuyen"))
    except ValueError as exc:
        raise PackageRefused(_("Danh mục của gói hồ sơ không đúng mẫu.")) from exc
    student = {
        node.get("khoa", ""): (node.text or "").strip()
        for node in root.findall("c:HocSinh/c:ThongTin", _NS)
        if node.get("khoa") in FIELDS
    }
    if not student.get("code") or not student.get("full_name"):
        raise PackageRefused(_("Danh mục của gói hồ sơ thiếu mã hoặc họ tên học sinh."))
    sending = root.find("c:TruongDi", _NS)
    results: dict[str, int] = {}
    cells: list[tuple[str, str, str, str]] = []
    for cell in root.findall("c:KetQua/c:O", _NS):
        year = cell.get("namHoc", "")
        results[year] = results.get(year, 0) + 1
        cells.append((year, cell.get("vung", ""), cell.get("o", ""), cell.text or ""))
    return Package(
        sha256=sha256,
        sending_school=_text(root, "c:TruongDi"),
        sending_code=sending.get("ma", "") if sending is not None else "",
        receiving_school=_text(root, "c:TruongDen"),
        on=on,
        document_number=_text(root, "c:SoVanBan"),
        student=student,
        enrolments=[dict(n.attrib) for n in root.findall("c:QuaTrinh/c:XepLop", _NS)],
        movements=[dict(n.attrib) for n in root.findall("c:QuaTrinh/c:BienDong", _NS)],
        results=results,
        cells=cells,
        files=[
            PackedFile(
                n.get("ten", ""), n.get("loai", ""), n.get("namHoc", ""), n.get("sha256", ""), b""
            )
            for n in root.findall("c:Tep/c:TepTin", _NS)
        ],
    )


def _checked_file(archive: zipfile.ZipFile, names: list[str], listed: PackedFile) -> PackedFile:
    if listed.name not in names:
        raise PackageRefused(
            _("Gói hồ sơ thiếu tệp %(name)s đã kê trong danh mục.") % {"name": listed.name}
        )
    data = _read(archive, listed.name)
    if hashlib.sha256(data).hexdigest() != listed.sha256:
        raise PackageRefused(
            _("Tệp %(name)s đã bị thay đổi sau khi trường gửi ký danh mục.") % {"name": listed.name}
        )
    if listed.kind == "hoc_ba_pdf":
        _check_pdf(listed.name, data)
    elif listed.kind == "hoc_ba_xml":
        _check_xml(listed.name, data)
    else:
        raise PackageRefused(_("Gói hồ sơ có tệp %(name)s không rõ loại.") % {"name": listed.name})
    return PackedFile(listed.name, listed.kind, listed.school_year, listed.sha256, data)


def _check_pdf(name: str, data: bytes) -> None:
    """The học bạ PDF as HoSo's own validator sees it: signed, every signature valid and
    trusted, nothing but validation data after the last one."""
    from hoso.signing.verification import validator

    report = validator().validate(data)
    untouched = not report.changed_after_last_signature or report.validation_updates_only
    if not (report.signatures and report.all_valid and untouched):
        raise PackageRefused(
            _("Chữ ký số trên học bạ %(name)s không hợp lệ: %(verdict)s")
            % {"name": name, "verdict": report.verdict or report.error or ""}
        )


def _check_xml(name: str, data: bytes) -> None:
    from hoso.signing.engine import SigningError
    from hoso.signing.engine.xades import verify_xml

    try:
        checks = verify_xml(data)
    except SigningError as exc:
        raise PackageRefused(_("Học bạ %(name)s không đọc được.") % {"name": name}) from exc
    if not checks or not all(c.ok for c in checks):
        raise PackageRefused(_("Chữ ký số trên học bạ %(name)s không hợp lệ.") % {"name": name})
