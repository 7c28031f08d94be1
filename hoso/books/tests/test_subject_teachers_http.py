"""The subject teachers sign the score book through the pages, as they would: "Chờ ký" shows
each teacher their own part, each signs with their passphrase, the record page says who has
and has not signed, someone who teaches no subject of the class is refused with a Vietnamese
message and nothing changes, the step completes after the last teacher, and a return by the
principal starts the teachers again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hoso.records.models import Record, RecordState, Workflow
from hoso.signing.models import SignatureRecord

from .teachers_world import ClassWorld, password, submitted_book, teachers_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def cw(settings: Any) -> ClassWorld:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    return teachers_world("http")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sign(user: Any, record: Record) -> str:
    page = _client(user).post(
        reverse("signing:sign", args=[record.pk]), {"passphrase": password()}, follow=True
    )
    assert page.status_code == 200
    return page.content.decode()


def _open_steps(record: Record) -> list[dict[str, Any]]:
    return list(Workflow.objects.get(record=record, is_open=True).open_steps)


def _queue(user: Any) -> str:
    return _client(user).get(reverse("signing:sign-queue")).content.decode()


def test_each_teacher_signs_their_part_and_the_step_completes_after_the_last(
    cw: ClassWorld,
) -> None:
    record = submitted_book(cw)
    queue = _queue(cw["giaovien"])
    assert record.title in queue
    assert "Phần của bạn: giáo viên bộ môn Toán, Tin học" in queue
    assert "Phần của bạn: giáo viên bộ môn Ngữ văn" in _queue(cw["giaovien2"])
    assert record.title not in _queue(cw["totruong"])

    assert "Đã ký số hồ sơ." in _sign(cw["giaovien"], record)
    assert _open_steps(record)[0]["signed"] == {
        "toan": cw["giaovien"].pk,
        "tin_hoc": cw["giaovien"].pk,
    }
    assert record.title not in _queue(cw["giaovien"])
    page = _client(cw["giaovien2"]).get(reverse("records:detail", args=[record.pk]))
    table = page.content.decode().split('data-testid="subject-signing"')[1].split("</table>")[0]
    first, second = cw["giaovien"].get_full_name(), cw["giaovien2"].get_full_name()
    assert table.count(f"Đã ký ({first})") == 2 and table.count("Chưa ký") == 1
    row = f'Ngữ văn</td><td data-label="Giáo viên bộ môn">{second}</td>'
    assert row in table

    assert "Đã ký số hồ sơ." in _sign(cw["giaovien2"], record)
    assert _open_steps(record) == [{"index": 1, "role": "GVCN", "action": "sign"}]
    assert record.title in _queue(cw["totruong"])
    assert record.title not in _queue(cw["giaovien2"])
    fields = SignatureRecord.objects.filter(version__record=record).order_by("id")
    assert list(fields.values_list("field_name", flat=True)) == [
        "GVBM-toan",
        "GVBM-tin_hoc",
        "GVBM-ngu_van",
    ]


def test_someone_who_teaches_no_subject_of_the_class_is_refused_and_nothing_changes(
    cw: ClassWorld,
) -> None:
    record = submitted_book(cw)
    before = (_open_steps(record), record.versions.get().signed_sha256)
    page = _sign(cw["totruong"], record)  # the GVCN: their turn comes after the teachers'
    assert "Bạn không nằm trong chuỗi duyệt, ký của hồ sơ này ở bước hiện tại." in page
    page = _sign(cw["giaovien3"], record)  # a teacher of the school, not of the class
    assert "Không tìm thấy hoặc bạn không có quyền xem mục này." in page
    assert (_open_steps(record), record.versions.get().signed_sha256) == before
    assert not SignatureRecord.objects.filter(version__record=record).exists()
    hidden = _client(cw["giaovien3"]).get(reverse("records:detail", args=[record.pk]))
    assert hidden.status_code == 404


def test_a_return_by_the_principal_starts_the_teachers_again(cw: ClassWorld) -> None:
    record = submitted_book(cw)
    for who in ("giaovien", "giaovien2", "totruong"):
        _sign(cw[who], record)
    principal = _client(cw["hieutruong"])
    act = reverse("records:act", args=[record.pk, "tra-lai"])
    answer = principal.post(act, {"comment": "Thiếu điểm kiểm tra thường xuyên."})
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    assert answer["Location"] == reverse("records:detail", args=[record.pk]), answer["Location"]
    record.refresh_from_db()
    assert record.state == RecordState.RETURNED
    assert record.title not in _queue(cw["giaovien"])
    _client(cw["totruong"]).post(reverse("records:act", args=[record.pk, "trinh"]))
    assert _open_steps(record) == [{"index": 0, "role": "GVBM", "action": "sign", "signed": {}}]
    assert "Phần của bạn: giáo viên bộ môn Toán, Tin học" in _queue(cw["giaovien"])
