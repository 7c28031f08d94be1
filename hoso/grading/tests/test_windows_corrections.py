"""Windows open/close (audited, by the right people) and corrections after closing."""

from __future__ import annotations

import json

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from hoso.grading.models import CorrectionRequest, CorrectionStatus, EntryWindow
from hoso.grading.services.windows import (
    correction_approve,
    correction_refuse,
    correction_request,
    window_close,
    window_open,
)
from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of
from hoso.grading.tests.factories import (
    gradebook_world,
    hk1_filled,
    open_window,
    windows_as_in_the_demo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    """th1 1A with học kì I entered and closed, and a class of th2."""
    world = gradebook_world("th1.1A", "th2.1A")
    hk1_filled(world, "th1.1A")
    windows_as_in_the_demo(world, "th1")
    return world


def test_vt_opens_on_instruction_and_closes_with_reason_audited(world):
    vt = world.people["th1.vanthu"]
    window = window_open(
        actor=vt,
        school=world.units["th1"],
        checkpoint="cuoi_nam",
        grade=5,
        reason="Theo chỉ đạo của hiệu trưởng ngày 20/5",
    )
    window_close(actor=vt, window=window, reason="Hết hạn nhập điểm cuối năm")
    window.refresh_from_db()
    assert window.closed_at is not None and window.close_reason == "Hết hạn nhập điểm cuối năm"
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(window.pk), object_type="grading.entrywindow"
        ).values_list("action", flat=True)
    )
    assert actions == ["grading.window.opened", "grading.window.closed"]


@pytest.mark.parametrize(
    "username", ["th1.giaovien1", "th1.totruong", "th2.hieutruong", "phong1.chuyenvien", "ph.hs1"]
)
def test_others_cannot_open_windows(world, username):
    count = EntryWindow.objects.count()
    with pytest.raises(NotAllowed):
        window_open(
            actor=world.people[username], school=world.units["th1"], reason="Tự mở sổ cho mình"
        )
    assert EntryWindow.objects.count() == count


def test_reason_is_required(world):
    with pytest.raises(DomainError, match="lý do"):
        window_open(actor=world.people["th1.hieutruong"], school=world.units["th1"], reason=" ")


def _request(world, value="10"):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 5)
    req = correction_request(
        actor=teacher,
        school_class=lop,
        sheet="toan",
        student=pupil,
        area="toan",
        slot="cuoi_hk1.diem",
        new_value=value,
        reason="Chấm phúc khảo",
    )
    return lop, pupil, req


def test_correction_approved_by_principal_changes_value_with_before_after(world):
    lop, pupil, req = _request(world, "10")
    old = req.old_value
    assert cell(pupil, "toan", "cuoi_hk1.diem") == old  # nothing changes before approval
    correction_approve(actor=world.people["th1.hieutruong"], request=req, note="Đồng ý")
    assert cell(pupil, "toan", "cuoi_hk1.diem") == "10"
    req.refresh_from_db()
    assert req.status == CorrectionStatus.APPROVED
    assert req.decided_by == world.people["th1.hieutruong"]
    entry = AuditEntry.objects.filter(action="grading.correction.approved").latest("seq")
    data = json.loads(entry.data)
    assert (data["before"], data["after"], data["slot"]) == (old, "10", "cuoi_hk1.diem")


def test_refused_correction_changes_nothing(world):
    lop, pupil, req = _request(world, "10")
    before = snapshot(lop)
    with pytest.raises(DomainError, match="lý do từ chối"):
        correction_refuse(actor=world.people["th1.hieutruong"], request=req, note="")
    correction_refuse(actor=world.people["th1.hieutruong"], request=req, note="Không có biên bản")
    assert snapshot(lop) == before
    with pytest.raises(Conflict):
        correction_approve(actor=world.people["th1.hieutruong"], request=req)


@pytest.mark.parametrize("username", ["th1.phohieutruong", "th1.vanthu", "th1.giaovien1"])
def test_only_principal_decides(world, username):
    lop, pupil, req = _request(world, "10")
    before = snapshot(lop)
    with pytest.raises((NotAllowed, NotFound)):
        correction_approve(actor=world.people[username], request=req)
    assert snapshot(lop) == before
    assert CorrectionRequest.objects.get(pk=req.pk).status == CorrectionStatus.PENDING


def test_principal_of_other_school_gets_not_found(world):
    _lop, _pupil, req = _request(world, "10")
    with pytest.raises(NotFound):
        correction_approve(actor=world.people["th2.hieutruong"], request=req)


def test_correction_by_someone_else_refused(world):
    lop = world.units["th1.1A"]
    count = CorrectionRequest.objects.count()
    for username in ("th1.giaovien2", "th2.giaovien1"):
        with pytest.raises((NotAllowed, NotFound)):
            correction_request(
                actor=world.people[username],
                school_class=lop,
                sheet="toan",
                student=first_student(lop),
                area="toan",
                slot="cuoi_hk1.diem",
                new_value="5",
                reason="Sửa điểm lớp khác",
            )
    assert CorrectionRequest.objects.count() == count


def test_bad_correction_values_refused(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 3)
    count = CorrectionRequest.objects.count()
    with pytest.raises(DomainError, match="số nguyên"):
        correction_request(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            student=pupil,
            area="toan",
            slot="cuoi_hk1.diem",
            new_value="8.5",
            reason="Phúc khảo",
        )
    current = cell(pupil, "toan", "cuoi_hk1.diem")
    with pytest.raises(DomainError, match="giống giá trị hiện tại"):
        correction_request(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            student=pupil,
            area="toan",
            slot="cuoi_hk1.diem",
            new_value=current,
            reason="Phúc khảo",
        )
    assert CorrectionRequest.objects.count() == count


def test_correction_not_needed_while_window_open(world):
    lop = world.units["th1.1A"]
    open_window(world, "th1", "cuoi_hk1")
    with pytest.raises(Conflict, match="sửa trực tiếp"):
        correction_request(
            actor=teacher_of(lop, "toan"),
            school_class=lop,
            sheet="toan",
            student=first_student(lop),
            area="toan",
            slot="cuoi_hk1.diem",
            new_value="5",
            reason="Phúc khảo",
        )


def test_one_pending_request_per_cell_and_stale_request_refused(world):
    lop, pupil, req = _request(world, "10")
    with pytest.raises(Conflict, match="đang chờ duyệt"):
        _request(world, "9")
    # The value changes some other way after the request (window reopened): approval refuses.
    from hoso.grading.services.entries import CellChange, entries_save

    window = open_window(world, "th1", "cuoi_hk1")
    entries_save(
        actor=teacher_of(lop, "toan"),
        school_class=lop,
        sheet="toan",
        changes=[CellChange(pupil.pk, "toan", "cuoi_hk1.diem", "3")],
    )
    window_close(actor=world.people["th1.hieutruong"], window=window, reason="Khóa lại sổ")
    with pytest.raises(Conflict, match="đã khác"):
        correction_approve(actor=world.people["th1.hieutruong"], request=req)
    assert cell(pupil, "toan", "cuoi_hk1.diem") == "3"
