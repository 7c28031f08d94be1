"""Bảng tổng hợp (Excel, PDF), học bạ PDF + XML with the same data, the signing chain
GVCN → HT → seal through the signing engine, read-only once issued, corrections.

Needs the demo province: its full PKI (the web signing chain with the registered demo
certificates), the học bạ it issued for ph.hs1's child and a class of its size (24 pupils)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from hoso.books.hocba_layout import PRIMARY_ROWS
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.grading.catalogue import class_subjects, sheet_columns
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.services.versions import hocba_correct, hocba_create, hocba_sign
from hoso.grading.models import Entry, HocBaStatus, HocBaVersion
from hoso.grading.tests.conftest import first_student, gvcn_of

pytestmark = pytest.mark.django_db
NS = {"h": "urn:hoso:hoc-ba:1"}


def test_summary_excel_has_official_groups(client_for, unit):
    lop = unit("th1.1A")
    response = client_for("th1.hieutruong").get(f"/so-diem/lop/{lop.pk}/tong-hop.xlsx?ky=HK1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    groups = [c.value for c in sheet[5] if c.value]
    assert groups[:4] == ["STT", "Họ và tên", "Tiếng Việt", "Toán"]
    assert groups[-5:] == [
        "Năng lực chung",
        "Năng lực đặc thù",
        "Phẩm chất chủ yếu",
        "Khen thưởng",
        "Hoàn thành chương trình lớp học",
    ]
    assert [c.value for c in sheet[6]][2:4] == ["MĐ", "Đ"]
    assert sheet.max_row == 6 + 24
    assert sheet.cell(7, 2).value == first_student(lop).full_name


def test_summary_secondary_and_pdf(client_for, unit):
    lop = unit("thcs1.6A")
    client = client_for("thcs1.hieutruong")
    sheet = load_workbook(
        io.BytesIO(client.get(f"/so-diem/lop/{lop.pk}/tong-hop.xlsx?ky=HK1").content)
    ).active
    assert [c.value for c in sheet[5] if c.value][-3:] == [
        "Kết quả học tập",
        "Kết quả rèn luyện",
        "Danh hiệu",
    ]
    pdf = client.get(f"/so-diem/lop/{lop.pk}/tong-hop.pdf?ky=HK1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        client_for("th1.hieutruong").get(f"/so-diem/lop/{lop.pk}/tong-hop.pdf").status_code == 404
    )


def _complete_year(lop, pupil):
    """Every year-end assessment of a lớp 1 pupil: all T, all Tốt, tests 9 ⇒ HTXS."""
    Entry.objects.filter(student=pupil, slot__startswith="cuoi_nam").delete()
    sheets = [s.code for s in class_subjects(lop)] + ["pcnl"]
    values = {"level": "T", "score_int": "9", "trait": "tot", "text": "Học tốt."}
    rows = [
        Entry(
            school_year=lop.school_year,
            school_class=lop,
            student=pupil,
            area=c.area,
            slot=c.slot,
            value=values[c.kind],
        )
        for sheet in sheets
        for c in sheet_columns(lop, sheet)
        if c.checkpoint == "cuoi_nam"
    ]
    Entry.objects.bulk_create(rows)


@pytest.fixture(scope="module")
def pki_files(tmp_path_factory):
    from hoso.signing.engine import pki as demo_pki

    directory = tmp_path_factory.mktemp("pki")
    ca = demo_pki.create_demo_ca(directory)
    school = "Trường Tiểu học Nguyễn Du"
    return directory, {
        "gvcn": demo_pki.export_pkcs12(
            demo_pki.issue_person_cert(ca, "GVCN Demo", organisation=school), ca, "pw"
        ),
        "ht": demo_pki.export_pkcs12(
            demo_pki.issue_person_cert(ca, "HT Demo", organisation=school), ca, "pw"
        ),
        "seal": demo_pki.export_pkcs12(demo_pki.issue_seal_cert(ca, school), ca, "pw"),
    }


@pytest.fixture
def pki(pki_files, settings, unit, demo_user):
    """Keys of a test CA that the signature verification trusts (as a school's CA would be),
    their certificates registered to th1.1A's GVCN, th1's principal and th1's seal (keys stay
    with their owners: only the certificates are registered)."""
    from hoso.signing.services.certificates import certificate_register

    directory, keys = pki_files
    settings.HOSO_SIGNING_TRUST_ANCHORS = [str(directory / "root.pem")]
    settings.HOSO_SIGNING_INTERMEDIATES = [str(directory / "intermediate.pem")]
    principal = demo_user("th1.hieutruong")
    lop = unit("th1.1A")
    for who, owner, school in (
        ("gvcn", gvcn_of(lop), None),
        ("ht", principal, None),
        ("seal", principal, lop.school),
    ):
        certificate_register(actor=owner, data=keys[who], passphrase="pw", unit=school)
    return keys


def _signer(pki, who):
    from hoso.signing.engine.signers import Pkcs12Signer

    return Pkcs12Signer(pki[who], "pw")


def _pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    return " ".join(" ".join(pages).split())


def test_hocba_pdf_and_xml_carry_the_same_data(unit):
    lop = unit("th1.1A")
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    assert version.data["missing"] == []
    assert version.data["result"]["ket_qua"] == "Hoàn thành xuất sắc"
    from hoso.signing.engine.attachments import attached_files

    pdf = read_blob(version.pdf_sha256)
    text = _pdf_text(pdf)
    assert attached_files(pdf) == [("catalog", "hoc-ba.xml", read_blob(version.xml_sha256))]
    root = ET.fromstring(read_blob(version.xml_sha256))  # noqa: S314 — our own output
    student = root.find("h:HocSinh", NS)
    assert student.text == pupil.full_name and student.get("maDinhDanh") == pupil.code
    for value in (
        student.text.upper(),  # the official form prints the name in capitals
        student.get("ngaySinh"),
        root.find("h:Truong", NS).text,
        root.find("h:GiaoVienChuNhiem", NS).text,
    ):
        assert value in text
    subjects = root.findall("h:MonHoc/h:Mon", NS)
    assert [m.get("ten") for m in subjects] == [s["name"] for s in version.data["subjects"]]
    form_names = {code: name for code, name, _ in PRIMARY_ROWS}  # the TT 27 row labels
    for mon in subjects:
        row = f"{form_names[mon.get('ma')]} {mon.find('h:MucDatDuoc', NS).text}"
        diem = mon.find("h:DiemKTDK", NS)
        assert (row + (f" {diem.text}" if diem is not None else "")) in text
    traits = root.findall("h:PhamChatNangLuc/h:Muc", NS)
    assert len(traits) == 15 and all(t.text == "Tốt" for t in traits)
    results = [m.text for m in root.findall("h:KetQua/h:Muc", NS)]
    assert results == ["Hoàn thành xuất sắc", "Hoàn thành chương trình lớp 1", "Học sinh Xuất sắc"]
    assert all(r in text for r in results)


def test_cannot_sign_with_missing_data(unit, pki):
    lop = unit("th1.1A")
    pupil = first_student(lop, 2)  # demo: year end not entered yet
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    pdf_before = version.pdf_sha256
    with pytest.raises(DomainError, match="còn thiếu mức đạt được môn Tiếng Việt"):
        hocba_sign(actor=gvcn_of(lop), version=version, signer=_signer(pki, "gvcn"))
    version.refresh_from_db()
    assert (version.status, version.pdf_sha256) == (HocBaStatus.DRAFT, pdf_before)
    assert not version.signatures.exists()


def _xml_signed_in_the_pdf(pdf, version, pki_dir, tmp_path):
    """The issued PDF carries the XML signed by the same three, in the same order; Debian's
    xmlsec1 verifies each signature of the XML extracted from the PDF."""
    from hoso.signing.engine.attachments import latest_attachment
    from hoso.signing.engine.xades import verify_xml
    from hoso.signing.tests.helpers import xmlsec1_verify

    xml = latest_attachment(pdf, "hoc-ba.xml")
    assert xml == read_blob(version.xml_sha256)
    ca_files = (pki_dir / "root.pem", pki_dir / "intermediate.pem")
    assert xmlsec1_verify(xml, ca_files, tmp_path) == [True, True, True]
    checks = verify_xml(xml)
    assert [(c.signer, c.role) for c in checks] == [
        ("GVCN Demo", "Giáo viên chủ nhiệm"),
        ("HT Demo", "Hiệu trưởng"),
        ("Trường Tiểu học Nguyễn Du", "Con dấu của trường"),
    ]
    data = ET.fromstring(xml).find("h:HocBa", NS)  # noqa: S314 — our own output
    assert data.find("h:HocSinh", NS).text == version.student.full_name


def _sealed_copy_is_locked(pdf):
    """The seal locks the issued học bạ (DocMDP): an annotation added afterwards is a change
    the seal does not allow, and the validator says so."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm

    from hoso.signing.engine.sign import certification_level
    from hoso.signing.tests import hostile
    from hoso.signing.verification import validator

    assert certification_level(PdfFileReader(io.BytesIO(pdf))) == MDPPerm.FILL_FORMS
    assert validator().validate(pdf).all_valid
    after = validator().validate(hostile.add_annotation(pdf))
    assert after.all_valid is False
    assert "thay đổi không được phép" in after.signatures[-1].verdict


def test_signing_chain_issue_read_only_and_correction(
    unit, demo_user, pki, pki_files, open_window, tmp_path
):
    from hoso.signing.engine.demo_images import demo_seal_png, demo_signature_png
    from hoso.signing.engine.validate import pdfsig_report

    lop = unit("th1.1A")
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    gvcn, ht, vt = gvcn_of(lop), demo_user("th1.hieutruong"), demo_user("th1.vanthu")
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    with pytest.raises(NotAllowed, match="Giáo viên chủ nhiệm ký"):
        hocba_sign(actor=ht, version=version, signer=_signer(pki, "ht"))
    hocba_sign(
        actor=gvcn,
        version=version,
        signer=_signer(pki, "gvcn"),
        image_png=demo_signature_png("GVCN Demo"),
    )
    with pytest.raises(NotAllowed):
        hocba_sign(actor=vt, version=version, signer=_signer(pki, "seal"))
    hocba_sign(
        actor=ht,
        version=version,
        signer=_signer(pki, "ht"),
        image_png=demo_signature_png("HT Demo"),
    )
    hocba_sign(
        actor=vt,
        version=version,
        signer=_signer(pki, "seal"),
        image_png=demo_seal_png("Trường Tiểu học Nguyễn Du"),
    )
    version.refresh_from_db()
    assert version.status == HocBaStatus.ISSUED and version.issued_at is not None
    assert [s.step for s in version.signatures.all()] == ["gvcn", "ht", "seal"]
    signed = read_blob(version.pdf_sha256)
    report = pdfsig_report(signed)
    assert len(report) == 3
    _xml_signed_in_the_pdf(signed, version, pki_files[0], tmp_path)
    _sealed_copy_is_locked(signed)
    with pytest.raises(Conflict, match="chỉ đọc"):
        hocba_sign(actor=gvcn, version=version, signer=_signer(pki, "gvcn"))
    with pytest.raises(Conflict):
        hocba_create(actor=gvcn, school_class=lop, student=pupil)
    with pytest.raises(DomainError, match="không có gì để điều chỉnh"):
        hocba_correct(actor=gvcn, version=version, reason="Kiểm tra lại")
    Entry.objects.filter(student=pupil, area="toan", slot="cuoi_nam.diem").update(value="8")
    new = hocba_correct(actor=gvcn, version=version, reason="Phúc khảo môn Toán")
    assert new.number == 2 and new.supersedes_id == version.pk
    assert {"item": "Toán", "field": "diem", "old": "9", "new": "8"} in new.data["corrections"]
    assert "Hoàn thành tốt" in _pdf_text(read_blob(new.pdf_sha256))
    for who, actor in (("gvcn", gvcn), ("ht", ht), ("seal", vt)):
        hocba_sign(actor=actor, version=new, signer=_signer(pki, who))
    version.refresh_from_db()
    assert version.status == HocBaStatus.SUPERSEDED
    assert HocBaVersion.objects.get(pk=new.pk).status == HocBaStatus.ISSUED


def test_parent_sees_only_issued_hocba(client_for, unit):
    """Demo: the child of ph.hs1 has an issued học bạ (bản 1). A correction (bản 2) stays
    hidden from the parent until it is issued; another pupil's issued học bạ is hidden."""
    lop = unit("th1.1A")
    pupil = first_student(lop)
    issued = HocBaVersion.objects.get(student=pupil, number=1)
    assert issued.status == HocBaStatus.ISSUED
    client = client_for("ph.hs1")
    response = client.get(f"/so-diem/hoc-ba/{issued.pk}/hoc-ba.xml")
    assert response.status_code == 200 and pupil.code.encode() in response.content
    Entry.objects.filter(student=pupil, area="toan", slot="cuoi_nam.diem").update(value="8")
    draft = hocba_correct(actor=gvcn_of(lop), version=issued, reason="Phúc khảo môn Toán")
    for url in (f"/so-diem/hoc-ba/{draft.pk}/", f"/so-diem/hoc-ba/{draft.pk}/hoc-ba.pdf"):
        assert client.get(url).status_code == 404
    assert client.get(f"/so-diem/hoc-ba/{issued.pk}/").status_code == 200
    other = hocba_create(actor=gvcn_of(lop), school_class=lop, student=first_student(lop, 1))
    HocBaVersion.objects.filter(pk=other.pk).update(status=HocBaStatus.ISSUED)
    assert client.get(f"/so-diem/hoc-ba/{other.pk}/").status_code == 404


def test_class_batch_and_zip(client_for, unit, django_capture_on_commit_callbacks):
    import zipfile

    lop = unit("th1.1B")
    client = client_for("th1.giaovien2")  # GVCN of 1B
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/so-diem/lop/{lop.pk}/hoc-ba/")
    assert response["Location"].startswith("/so-diem/hoc-ba/lo/")
    assert HocBaVersion.objects.filter(school_class=lop).count() == 24
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/so-diem/lop/{lop.pk}/hoc-ba.zip").content))
    assert len(archive.namelist()) == 48
    assert client_for("th1.giaovien1").post(f"/so-diem/lop/{lop.pk}/hoc-ba/").status_code == 404


def test_web_signing_chain_with_registered_demo_certificates(client_for, unit, demo_user):
    """The signing app registered a PKCS#12 per demo person and a seal per school (passphrase =
    the demo password): GVCN, HT and VT sign from the học bạ page."""
    lop = unit("th1.1A")
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    gvcn = gvcn_of(lop)
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    url = f"/so-diem/hoc-ba/{version.pk}/ky/"
    wrong = client_for(gvcn.username).post(url, {"passphrase": "sai"}, follow=True)
    assert "không đúng" in wrong.content.decode()
    version.refresh_from_db()
    assert version.status == HocBaStatus.DRAFT
    for username, status in (
        (gvcn.username, "gvcn_signed"),
        ("th1.hieutruong", "ht_signed"),
        ("th1.vanthu", "issued"),
    ):
        client_for(username).post(url, {"passphrase": "hoso-demo-2025"})
        version.refresh_from_db()
        assert version.status == status, username
    from hoso.signing.engine.validate import pdfsig_report

    assert len(pdfsig_report(read_blob(version.pdf_sha256))) == 3
    page = client_for("th1.hieutruong").get(f"/so-diem/hoc-ba/{version.pk}/").content.decode()
    assert "Đã ban hành" in page and "Lập bản điều chỉnh" in page
