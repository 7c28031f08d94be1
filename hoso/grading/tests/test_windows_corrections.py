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

pytestmark = pytest.mark.django_db


def test_vt_opens_on_instruction_and_closes_with_reason_audited(demo_user, unit):
    vt = demo_user("th1.vanthu")
    window = window_open(
        actor=vt,
        school=unit("th1"),
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
def test_others_cannot_open_windows(demo_user, unit, username):
    count = EntryWindow.objects.count()
    with pytest.raises(NotAllowed):
        window_open(actor=demo_user(username), school=unit("th1"), reason="Tự mở sổ cho mình")
    assert EntryWindow.objects.count() == count


def test_reason_is_required(demo_user, unit):
    with pytest.raises(DomainError, match="lý do"):
        window_open(actor=demo_user("th1.hieutruong"), school=unit("th1"), reason=" ")


def _request(unit, value="10"):
    lop = unit("th1.1A")
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


def test_correction_approved_by_principal_changes_value_with_before_after(unit, demo_user):
    lop, pupil, req = _request(unit, "10")
    old = req.old_value
    assert cell(pupil, "toan", "cuoi_hk1.diem") == old  # nothing changes before approval
    correction_approve(actor=demo_user("th1.hieutruong"), request=req, note="Đồng ý")
    assert cell(pupil, "toan", "cuoi_hk1.diem") == "10"
    req.refresh_from_db()
    assert req.status == CorrectionStatus.APPROVED and req.decided_by.username == "th1.hieutruong"
    entry = AuditEntry.objects.filter(action="grading.correction.approved").latest("seq")
    data = json.loads(entry.data)
    assert (data["before"], data["after"], data["slot"]) == (old, "10", "cuoi_hk1.diem")


def test_refused_correction_changes_nothing(unit, demo_user):
    lop, pupil, req = _request(unit, "10")
    before = snapshot(lop)
    with pytest.raises(DomainError, match="lý do từ chối"):
        correction_refuse(actor=demo_user("th1.hieutruong"), request=req, note="")
    correction_refuse(actor=demo_user("th1.hieutruong"), request=req, note="Không có biên bản")
    assert snapshot(lop) == before
    with pytest.raises(Conflict):
        correction_approve(actor=demo_user("th1.hieutruong"), request=req)


@pytest.mark.parametrize("username", ["th1.phohieutruong", "th1.vanthu", "th1.giaovien1"])
def test_only_principal_decides(unit, demo_user, username):
    lop, pupil, req = _request(unit, "10")
    before = snapshot(lop)
    with pytest.raises((NotAllowed, NotFound)):
        correction_approve(actor=demo_user(username), request=req)
    assert snapshot(lop) == before
    assert CorrectionRequest.objects.get(pk=req.pk).status == CorrectionStatus.PENDING


def test_principal_of_other_school_gets_not_found(unit, demo_user):
    _lop, _pupil, req = _request(unit, "10")
    with pytest.raises(NotFound):
        correction_approve(actor=demo_user("th2.hieutruong"), request=req)


def test_correction_by_someone_else_refused(unit, demo_user):
    lop = unit("th1.1A")
    count = CorrectionRequest.objects.count()
    for username in ("th1.giaovien2", "th2.giaovien1"):
        with pytest.raises((NotAllowed, NotFound)):
            correction_request(
                actor=demo_user(username),
                school_class=lop,
                sheet="toan",
                student=first_student(lop),
                area="toan",
                slot="cuoi_hk1.diem",
                new_value="5",
                reason="Sửa điểm lớp khác",
            )
    assert CorrectionRequest.objects.count() == count


def test_bad_correction_values_refused(unit):
    lop = unit("th1.1A")
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


def test_correction_not_needed_while_window_open(unit, open_window):
    lop = unit("th1.1A")
    open_window("th1", "cuoi_hk1")
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


def test_one_pending_request_per_cell_and_stale_request_refused(unit, demo_user, open_window):
    lop, pupil, req = _request(unit, "10")
    with pytest.raises(Conflict, match="đang chờ duyệt"):
        _request(unit, "9")
    # The value changes some other way after the request (window reopened): approval refuses.
    from hoso.grading.services.entries import CellChange, entries_save

    window = open_window("th1", "cuoi_hk1")
    entries_save(
        actor=teacher_of(lop, "toan"),
        school_class=lop,
        sheet="toan",
        changes=[CellChange(pupil.pk, "toan", "cuoi_hk1.diem", "3")],
    )
    window_close(actor=demo_user("th1.hieutruong"), window=window, reason="Khóa lại sổ")
    with pytest.raises(Conflict, match="đã khác"):
        correction_approve(actor=demo_user("th1.hieutruong"), request=req)
    assert cell(pupil, "toan", "cuoi_hk1.diem") == "3"


def test_demo_has_pending_corrections():
    assert CorrectionRequest.objects.filter(status=CorrectionStatus.PENDING).count() == 3
