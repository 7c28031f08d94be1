"""The subject teachers' step of the score book (issue 19): every teacher with an assignment in
the class signs their own subjects' lists, each signature in its subject's block; the step is
done after the last subject, then the GVCN, the principal and the seal; someone else is
refused and nothing changes; a change of teacher mid-way and a return behave as the rules say."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.models import TeachingAssignment
from hoso.grading.services.assignments import AssignmentChange, assignments_assign
from hoso.policy import visible
from hoso.records import chains
from hoso.records.models import Record, RecordState, RecordType, Workflow
from hoso.records.services.signing import version_seal, version_sign
from hoso.records.services.workflow import pending_people, record_return, record_submit
from hoso.records.subjects import taught_in
from hoso.signing.models import SignatureRecord

from .teachers_world import ClassWorld, password, submitted_book, teachers_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def cw() -> ClassWorld:
    return teachers_world()


def _flow(record: Record) -> Workflow:
    return Workflow.objects.select_related("record__unit").get(record=record, is_open=True)


def _queue(user: Any) -> set[int]:
    flows = visible(user, "records.workflow.act", Workflow.objects.filter(is_open=True))
    return set(flows.values_list("record_id", flat=True))


def _sign(user: Any, record: Record) -> Any:
    return version_sign(actor=user, record_id=record.pk, passphrase=password())


def _fields(record: Record) -> list[str]:
    rows = SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id")
    return list(rows.values_list("field_name", flat=True))


# --- the chain as data ---------------------------------------------------------------------------


def test_the_score_books_chain_is_subject_teachers_gvcn_principal_seal() -> None:
    score_book = RecordType.objects.get(code="TT32.STDDGL", owner_unit=None)
    summary = RecordType.objects.get(code="TT28.BTHKQ", owner_unit=None)
    assert [(s["role"], s["action"]) for s in score_book.signing_chain] == [
        ("GVBM", "sign"),
        ("GVCN", "sign"),
        ("HT", "sign"),
        ("VT", "seal"),
    ]
    assert [s["role"] for s in summary.signing_chain] == ["GVCN", "HT", "VT"]
    assert chains.has_class(score_book) and chains.has_class(summary)
    assert chains.describe(score_book.signing_chain)[0] == "Giáo viên bộ môn của lớp ký số"


@pytest.mark.parametrize(
    ("step", "words"),
    [
        ({"role": "GVBM", "action": "approve_sign"}, "ký phần môn học của mình (ký số)"),
        ({"role": "GVBM", "action": "sign", "user": 1}, "không chọn đích danh"),
    ],
)
def test_a_subject_teachers_step_only_signs_and_names_nobody(
    cw: ClassWorld, step: dict[str, Any], words: str
) -> None:
    score_book = RecordType.objects.get(code="TT32.STDDGL", owner_unit=None)
    with pytest.raises(DomainError) as refused:
        chains.clean_chain([step], record_type=score_book, unit=cw.school)
    assert words in refused.value.message


def test_the_subject_teachers_sign_as_a_stage_of_their_own(cw: ClassWorld) -> None:
    score_book = RecordType.objects.get(code="TT32.STDDGL", owner_unit=None)
    together = [
        {"role": "GVCN", "action": "sign"},
        {"role": "GVBM", "action": "sign", "together": 1},
    ]
    with pytest.raises(DomainError) as refused:
        chains.clean_chain(together, record_type=score_book, unit=cw.school)
    assert "giáo viên bộ môn ký thành một bước riêng" in refused.value.message


def test_a_type_whose_records_have_no_class_has_no_subject_teachers(cw: ClassWorld) -> None:
    register = RecordType.objects.get(code="TT32.SDB", owner_unit=None)
    with pytest.raises(DomainError) as refused:
        chains.clean_chain(
            [{"role": "GVBM", "action": "sign"}], record_type=register, unit=cw.school
        )
    assert "không thuộc một lớp nên không có giáo viên bộ môn của lớp" in refused.value.message


def test_a_class_book_kept_for_the_whole_school_skips_the_class_steps(cw: ClassWorld) -> None:
    summary = RecordType.objects.get(code="TT28.BTHKQ", owner_unit=None)
    assert chains.for_unit(summary.signing_chain, cw.school) == [
        {"role": "HT", "action": "sign"},
        {"role": "VT", "action": "seal"},
    ]
    assert chains.for_unit(summary.signing_chain, cw.lop) == summary.signing_chain


def test_a_class_with_no_assignment_cannot_submit_its_score_book(cw: ClassWorld) -> None:
    TeachingAssignment.objects.filter(school_class=cw.lop).delete()
    with pytest.raises(DomainError) as refused:
        submitted_book(cw)
    assert "chưa có giáo viên bộ môn nào được phân công" in refused.value.message
    assert not Workflow.objects.filter(record__unit=cw.lop).exists()


# --- each teacher signs their own part -----------------------------------------------------------


def test_the_step_waits_for_every_subject_teacher_of_the_class(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    flow = _flow(record)
    assert flow.open_steps == [{"index": 0, "role": "GVBM", "action": "sign", "signed": {}}]
    assert flow.pending_keys == "|RGVBM|"
    assert sorted(pending_people(flow)) == sorted([cw["giaovien"].pk, cw["giaovien2"].pk])
    assert record.pk in _queue(cw["giaovien"]) and record.pk in _queue(cw["giaovien2"])
    assert record.pk not in _queue(cw["totruong"])  # the GVCN's turn comes after
    assert [t.code for t in taught_in(cw.lop.pk, cw.world.year.pk)] == [
        "ngu_van",
        "toan",
        "tin_hoc",
    ]


def test_a_teacher_signs_each_of_their_subjects_in_its_block_and_leaves_the_queue(
    cw: ClassWorld,
) -> None:
    record = submitted_book(cw)
    _sign(cw["giaovien"], record)
    flow = _flow(record)
    assert _fields(record) == ["GVBM-toan", "GVBM-tin_hoc"]
    assert flow.open_steps[0]["signed"] == {"toan": cw["giaovien"].pk, "tin_hoc": cw["giaovien"].pk}
    assert flow.pending_keys == "|RGVBM|Dtoan|Dtin_hoc|"
    assert record.pk not in _queue(cw["giaovien"])
    assert record.pk in _queue(cw["giaovien2"])
    assert pending_people(flow) == [cw["giaovien2"].pk]
    placements = SignatureRecord.objects.filter(version__record=record).order_by("id")
    assert [p.placement["box"] for p in placements] == [
        [40.0, 600.0, 170.0, 660.0],
        [230.0, 600.0, 360.0, 660.0],
    ]


def test_the_step_is_done_after_the_last_subject_then_gvcn_principal_seal(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    _sign(cw["giaovien"], record)
    _sign(cw["giaovien2"], record)
    flow = _flow(record)
    assert flow.open_steps == [{"index": 1, "role": "GVCN", "action": "sign"}]
    assert record.pk in _queue(cw["totruong"]) and record.pk not in _queue(cw["giaovien2"])
    _sign(cw["totruong"], record)
    _sign(cw["hieutruong"], record)
    version_seal(actor=cw["vanthu"], record_id=record.pk, passphrase=password())
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    assert _fields(record) == [
        "GVBM-toan",
        "GVBM-tin_hoc",
        "GVBM-ngu_van",
        "GVCN",
        "HT",
        "ChuKy1",  # the seal: a field of its own over the principal's signature
    ]


def test_someone_who_teaches_no_subject_of_the_class_is_refused(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    before = (_flow(record).open_steps, record.versions.get().signed_sha256)
    for outsider in (cw["totruong"], cw["phohieutruong"]):
        with pytest.raises(NotAllowed) as refused:
            _sign(outsider, record)
        assert refused.value.message == (
            "Bạn không nằm trong chuỗi duyệt, ký của hồ sơ này ở bước hiện tại."
        )
    assert (_flow(record).open_steps, record.versions.get().signed_sha256) == before
    assert not SignatureRecord.objects.filter(version__record=record).exists()


def test_a_teacher_who_signed_still_reads_the_book_but_cannot_sign_again(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    _sign(cw["giaovien"], record)
    assert visible(cw["giaovien"], "records.record.view", Record.objects.filter(pk=record.pk))
    with pytest.raises(NotAllowed):
        _sign(cw["giaovien"], record)
    assert len(_fields(record)) == 2
    _sign(cw["giaovien2"], record)  # the teachers' stage is over: back to the published rule
    assert not visible(cw["giaovien"], "records.record.view", Record.objects.filter(pk=record.pk))


# --- a change of teacher, a return ---------------------------------------------------------------


def _reassign(cw: ClassWorld, code: str, teacher: Any) -> None:
    change = AssignmentChange(cw.lop.pk, code, teacher.pk)
    assignments_assign(actor=cw["hieutruong"], school=cw.school, changes=[change])


def test_a_new_teacher_signs_what_is_left_and_a_given_signature_counts(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    _sign(cw["giaovien"], record)  # Toán and Tin học
    _reassign(cw, "toan", cw["giaovien2"])  # Toán changes hands after it was signed
    _reassign(cw, "ngu_van", cw["giaovien3"])  # Ngữ văn changes hands before
    flow = _flow(record)
    assert pending_people(flow) == [cw["giaovien3"].pk]
    assert record.pk not in _queue(cw["giaovien2"])
    assert record.pk in _queue(cw["giaovien3"])
    with pytest.raises(NotAllowed):
        _sign(cw["giaovien2"], record)
    _sign(cw["giaovien3"], record)
    assert _flow(record).open_steps[0]["role"] == "GVCN"
    assert _fields(record) == ["GVBM-toan", "GVBM-tin_hoc", "GVBM-ngu_van"]


def test_a_return_at_a_later_step_starts_the_teachers_again(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    _sign(cw["giaovien"], record)
    _sign(cw["giaovien2"], record)
    _sign(cw["totruong"], record)
    record_return(actor=cw["hieutruong"], record_id=record.pk, comment="Sai sĩ số.")
    record.refresh_from_db()
    assert record.state == RecordState.RETURNED
    assert record.pk not in _queue(cw["giaovien"])
    record_submit(actor=cw["totruong"], record_id=record.pk)
    flow = _flow(record)
    assert flow.open_steps == [{"index": 0, "role": "GVBM", "action": "sign", "signed": {}}]
    assert record.pk in _queue(cw["giaovien"]) and record.pk in _queue(cw["giaovien2"])


def test_a_subject_assigned_after_the_book_was_made_has_no_block_so_it_is_refused(
    cw: ClassWorld,
) -> None:
    """The book has a page and a block per subject taught when it was made: the teacher of a
    subject assigned later is told to return it so that it is made again with that page, and
    nothing is signed; the other subjects sign on; after the return the new book has it."""
    record = submitted_book(cw)
    _reassign(cw, "cong_nghe", cw["giaovien3"])  # Công nghệ, assigned after the book was made
    assert cw["giaovien3"].pk in pending_people(_flow(record))
    with pytest.raises(DomainError) as refused:
        _sign(cw["giaovien3"], record)
    assert "trước khi môn «Công nghệ» được phân công" in refused.value.message
    assert "trả lại sổ" in refused.value.message
    assert _fields(record) == []
    _sign(cw["giaovien"], record)  # Toán and Tin học have their blocks: signed as ever
    assert _fields(record) == ["GVBM-toan", "GVBM-tin_hoc"]
    record_return(actor=cw["giaovien3"], record_id=record.pk, comment="Thiếu trang môn Công nghệ.")
    record.refresh_from_db()
    assert record.state == RecordState.RETURNED
