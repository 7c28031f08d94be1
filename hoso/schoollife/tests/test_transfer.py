"""A student transfers from TH Nguyễn Du to TH Kim Đồng: the sending school seals a package
with the issued học bạ; the receiving school's upload is verified, previewed and taken in with
the học bạ files kept byte for byte. A tampered package is refused with nothing created."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from hoso.core.errors import DomainError
from hoso.org.models import Enrolment, Student
from hoso.schoollife.models import Movement, MovementKind, ReceivedFile
from hoso.schoollife.services.package import PackageRefused
from hoso.schoollife.services.receive import transfer_in, transfer_in_preview
from hoso.schoollife.services.transfer import transfer_out
from hoso.schoollife.tests.factories import MARCH, pupil_with_hocba, seal_of, transfer_world
from hoso.signing.services.signers import signer_close
from hoso.storage import blob_store

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def _out(world: Any, student: Student, **kw: Any) -> Movement:
    vt = world.people["th1.vanthu"]
    handle = seal_of(vt, world.units["th1"])
    try:
        return transfer_out(
            actor=vt,
            student=student,
            on=kw.pop("on", MARCH),
            to_school_name=kw.pop("to_school_name", "Trường Tiểu học Ngoài Tỉnh"),
            signer=handle.signer,
            document_number="12/QĐ-THND",
            **kw,
        )
    finally:
        signer_close(handle)


def _package(movement: Movement) -> bytes:
    with blob_store().open(movement.package_sha256) as stream:
        return stream.read()


def test_package_round_trip_between_two_schools() -> None:
    # given a pupil of TH Nguyễn Du with an issued học bạ
    world = transfer_world()
    pupil, version = pupil_with_hocba(world)
    # when TH Nguyễn Du transfers them out (to a school outside this HoSo, by name)
    out = _out(world, pupil)
    # then the stay ends that day and the package lists the học bạ
    enrolment = Enrolment.objects.get(student=pupil)
    assert (enrolment.end_date, out.kind, out.other_school) == (
        MARCH,
        MovementKind.TRANSFER_OUT,
        "Trường Tiểu học Ngoài Tỉnh",
    )
    pupil.refresh_from_db()
    assert (pupil.is_active, pupil.left_on) == (False, MARCH)
    data = _package(out)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
    assert names == ["hoc-ba/2025-2026-1.pdf", "hoc-ba/2025-2026-1.xml", "manifest.xml"]

    # when TH Kim Đồng previews and takes the package in
    ht2, lop2 = world.people["th2.hieutruong"], world.units["th2.1A"]
    preview = transfer_in_preview(actor=ht2, school=world.units["th2"], data=data)
    assert preview.existing == pupil  # the same student of this HoSo, left by this package
    assert preview.package.student["code"] == pupil.code
    assert [f.name for f in preview.package.files] == names[:2]
    day = dt.date(2026, 3, 16)
    came = transfer_in(actor=ht2, school_class=lop2, data=data, on=day)

    # then the student is at TH Kim Đồng's Lớp 1A from that day, with the học bạ kept as sent
    pupil.refresh_from_db()
    assert (pupil.school, pupil.is_active, pupil.admitted_on) == (world.units["th2"], True, day)
    assert pupil.previous_school == "Trường Tiểu học Nguyễn Du"
    enrolment.refresh_from_db()
    assert (enrolment.school_class, enrolment.start_date, enrolment.end_date) == (lop2, day, None)
    kept = {f.name: f.sha256 for f in ReceivedFile.objects.filter(movement=came)}
    assert kept == {
        "hoc-ba/2025-2026-1.pdf": version.pdf_sha256,
        "hoc-ba/2025-2026-1.xml": version.xml_sha256,
    }
    assert [m.kind for m in Movement.objects.filter(student=pupil)] == [
        MovementKind.TRANSFER_OUT,
        MovementKind.TRANSFER_IN,
    ]


def test_a_new_student_is_created_from_a_package_of_another_hoso() -> None:
    # given a package whose student this HoSo does not know (the code is changed before sealing
    # is impossible, so the student row is removed after the package was made)
    world = transfer_world()
    pupil, version = pupil_with_hocba(world)
    data = _package(_out(world, pupil))
    code = pupil.code
    Movement.objects.filter(student=pupil).update(package_sha256="")
    Student.objects.filter(pk=pupil.pk).update(code=f"{code}-CU")
    # when TH Kim Đồng takes it in
    came = transfer_in(
        actor=world.people["th2.hieutruong"],
        school_class=world.units["th2.1A"],
        data=data,
        on=dt.date(2026, 3, 16),
    )
    # then a new student with the particulars and the imported history
    new = came.student
    assert (new.code, new.full_name, new.birth_date) == (code, pupil.full_name, pupil.birth_date)
    assert new.school == world.units["th2"]
    history = list(Movement.objects.filter(student=new).values_list("kind", "imported"))
    assert history == [(MovementKind.TRANSFER_OUT, True), (MovementKind.TRANSFER_IN, False)]
    assert ReceivedFile.objects.filter(movement=came).count() == 2


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, change.get(name, src.read(name)))
    return out.getvalue()


def test_a_tampered_package_is_refused_and_nothing_is_created() -> None:
    world = transfer_world()
    pupil, _version = pupil_with_hocba(world)
    data = _package(_out(world, pupil))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = archive.read("manifest.xml")
        pdf = archive.read("hoc-ba/2025-2026-1.pdf")
    ht2, lop2 = world.people["th2.hieutruong"], world.units["th2.1A"]
    before = (Student.objects.count(), Movement.objects.count(), ReceivedFile.objects.count())
    cases = {
        "manifest": _rezip(data, {"manifest.xml": manifest.replace(b"2026-03-10", b"2026-03-11")}),
        "pdf": _rezip(data, {"hoc-ba/2025-2026-1.pdf": pdf + b"\n%% changed\n"}),
    }
    expected = {
        "manifest": "Chữ ký số trên gói hồ sơ không hợp lệ: Nội dung đã bị thay đổi sau khi ký.",
        "pdf": "Tệp hoc-ba/2025-2026-1.pdf đã bị thay đổi sau khi trường gửi ký danh mục.",
    }
    for case, message in expected.items():
        with pytest.raises(PackageRefused) as refused:
            transfer_in(actor=ht2, school_class=lop2, data=cases[case], on=dt.date(2026, 3, 16))
        assert refused.value.message == message
    with pytest.raises(PackageRefused) as refused:
        transfer_in(actor=ht2, school_class=lop2, data=b"not a zip", on=dt.date(2026, 3, 16))
    assert refused.value.message == "Tệp không phải gói hồ sơ chuyển trường (tệp zip) đọc được."
    after = (Student.objects.count(), Movement.objects.count(), ReceivedFile.objects.count())
    assert after == before
    pupil.refresh_from_db()
    assert (pupil.school, pupil.is_active) == (world.units["th1"], False)


def test_transfer_refusals() -> None:
    world = transfer_world()
    lop = world.units["th1.1B"]
    pupil = Enrolment.objects.filter(school_class=lop).first().student
    before = Movement.objects.count()
    # to the same school, by name or as a unit
    with pytest.raises(DomainError) as same:
        _out(world, pupil, to_school_name="Trường Tiểu học Nguyễn Du")
    assert same.value.message == "Không thể chuyển học sinh đến chính trường đang học."
    with pytest.raises(DomainError) as same_unit:
        _out(world, pupil, to_school=world.units["th1"])
    assert same_unit.value.message == "Không thể chuyển học sinh đến chính trường đang học."
    # a date before the student came
    with pytest.raises(DomainError) as early:
        _out(world, pupil, on=dt.date(2025, 9, 5) - dt.timedelta(days=1))
    assert early.value.message == "Ngày 04/09/2025 không thuộc năm học nào."
    assert Movement.objects.count() == before
    assert Enrolment.objects.get(student=pupil).end_date is None
