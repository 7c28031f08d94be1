"""The học bạ in the official layouts: TT 27 (tiểu học) and TT 22 (THCS) sections, wording and
order, the particulars from org, "Trang x/y", and a học bạ that lacks a particular or the
completion decision cannot be signed. Own world: hoso.books.tests.hocba_world."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from hoso.books.tests.hocba_world import world, world_pki
from hoso.core.errors import DomainError
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.services.versions import hocba_create, hocba_sign
from hoso.grading.models import Entry, HocBaStatus
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.test_outputs_hocba import _complete_year, _pdf_text, _signer, pki_files
from hoso.org.models import Student

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
__all__ = ["pki_files", "world", "world_pki"]  # fixtures
NS = {"h": "urn:hoso:hoc-ba:1"}


def _in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"“{part}” missing or out of order"
        position = found + len(part)


def test_primary_hocba_follows_the_tt27_form(world):
    lop = world.units["th1.1A"]
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    assert version.data["missing"] == []
    text = _pdf_text(read_blob(version.pdf_sha256))
    _in_order(
        text,
        [
            "HỌC BẠ TIỂU HỌC",
            f"Họ và tên học sinh: {pupil.full_name}",
            "Trường: Trường Tiểu học Nguyễn Du",
            "Huyện An Phú",
            "HƯỚNG DẪN GHI HỌC BẠ",
            f"Nơi sinh: {pupil.birth_place}",
            f"Quê quán: {pupil.hometown}",
            f"Nơi ở hiện nay: {pupil.address}",
            f"Họ và tên cha: {pupil.father_name}",
            "HIỆU TRƯỞNG (Ký, ghi rõ họ tên và đóng dấu)",
            "QUÁ TRÌNH HỌC TẬP",
            f"2025-2026 1A Trường Tiểu học Nguyễn Du {pupil.register_number}",
            "1. Các môn học và hoạt động giáo dục",
            "Tiếng Việt T 9",
            "2. Những phẩm chất chủ yếu",
            "Yêu nước T",
            "3. Những năng lực cốt lõi",
            "3.1. Những năng lực chung",
            "3.2. Những năng lực đặc thù",
            "4. Đánh giá kết quả giáo dục: Hoàn thành xuất sắc",
            "5. Khen thưởng: Học sinh Xuất sắc",
            "6. Hoàn thành chương trình lớp học/chương trình tiểu học: "
            "Hoàn thành chương trình lớp 1",
            "An Phú, ngày",
            "Xác nhận của Hiệu trưởng (Ký, ghi rõ họ tên và đóng dấu)",
        ],
    )
    assert "Trang 1/5" in text and "Trang 5/5" in text
    root = ET.fromstring(read_blob(version.xml_sha256))  # noqa: S314 — our own output
    assert root.find("h:LyLich/h:NoiSinh", NS).text == pupil.birth_place
    assert root.find("h:LyLich/h:DanToc", NS).text in text
    assert root.find("h:QuaTrinhHocTap/h:NamHoc", NS).get("soDangBo") == pupil.register_number


def test_a_missing_particular_or_completion_blocks_signing(world, world_pki):
    lop = world.units["th1.1A"]
    pupil = first_student(lop, 4)
    Student.objects.filter(pk=pupil.pk).update(hometown="", father_name="", mother_name="")
    pupil.refresh_from_db()
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    missing = version.data["missing"]
    assert "lý lịch: quê quán" in missing
    assert "lý lịch: họ tên cha, mẹ hoặc người giám hộ" in missing
    assert "quyết định Hoàn thành chương trình lớp học" in missing
    with pytest.raises(DomainError, match="còn thiếu lý lịch: quê quán"):
        hocba_sign(actor=gvcn_of(lop), version=version, signer=_signer(world_pki, "gvcn"))
    version.refresh_from_db()
    assert version.status == HocBaStatus.DRAFT and not version.signatures.exists()


def test_secondary_hocba_follows_the_tt22_form_and_needs_the_promotion(world):
    lop = world.units["thcs1.6A"]
    pupil = first_student(lop, 5)
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    assert "tổng số buổi nghỉ học cả năm" in version.data["missing"]
    assert "quyết định lên lớp / hoàn thành chương trình" in version.data["missing"]
    text = _pdf_text(read_blob(version.pdf_sha256))
    _in_order(
        text,
        [
            "Mẫu ban hành kèm theo Thông tư số 22/2021/TT-BGDĐT ngày 20 tháng 7 năm 2021",
            "HỌC BẠ TRUNG HỌC CƠ SỞ",
            f"Số đăng bộ PCGD: {pupil.register_number}/THCS",
            "HƯỚNG DẪN SỬ DỤNG HỌC BẠ",
            "từ lớp 6 đến lớp 9",
            "Chỗ ở hiện tại",
            "QUÁ TRÌNH HỌC TẬP",
            "Môn học/Hoạt động giáo dục",
            "Ngữ văn",
            "Tiếng dân tộc thiểu số",
            "Kết quả rèn luyện Kết quả học tập",
            "Tổng số buổi nghỉ học cả năm học",
            "NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM",
            "PHÊ DUYỆT CỦA HIỆU TRƯỞNG",
        ],
    )


def test_promotion_line_from_results_and_absences():
    from hoso.books.hocba_data import primary_completion, secondary_decision

    good = {"academic": "kha", "conduct": "tot"}
    assert secondary_decision(6, good, 3) == "Được lên lớp"
    assert secondary_decision(6, good, 46) == "Không được lên lớp"
    assert secondary_decision(9, good, 0) == "Hoàn thành chương trình trung học cơ sở"
    assert secondary_decision(9, {"academic": "chua_dat", "conduct": "tot"}, 0) == (
        "Chưa hoàn thành chương trình trung học cơ sở"
    )
    assert secondary_decision(6, good, None) == ""
    assert primary_completion(5, "hoan_thanh") == "Hoàn thành chương trình tiểu học"
    assert primary_completion(3, "chua_hoan_thanh") == "Chưa hoàn thành chương trình lớp 3"
    assert primary_completion(3, None) == ""


def test_absences_are_entered_as_a_whole_number(world):
    from hoso.grading.catalogue import sheet_columns
    from hoso.grading.sheets import normalise

    column = next(
        c for c in sheet_columns(world.units["thcs1.6A"], "ren_luyen") if c.slot == "cn.nghi"
    )
    assert normalise(column, " 07 ") == "7"
    for bad in ("-1", "3,5", "401", "mười"):
        with pytest.raises(DomainError, match="Số buổi nghỉ"):
            normalise(column, bad)
    assert Entry.objects.filter(slot="cn.nghi").count() == 0
