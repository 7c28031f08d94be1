"""The "Quá trình học tập" page and its forms, the receiving school's upload (preview, then
take in) and the API, between TH Nguyễn Du and TH Kim Đồng of a small province."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoso.org.models import Enrolment, Student
from hoso.schoollife.models import Movement, MovementKind, ReceivedFile
from hoso.schoollife.tests.factories import pupil_with_hocba, transfer_world
from hoso.storage import blob_store
from tests.factories import api_login, demo_password, login
from tests.security.test_vietnamese_pages import problems_in

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def no_2fa(settings: Any) -> None:
    settings.HOSO_2FA_REQUIRED_ROLES = []


@pytest.fixture
def world() -> Any:
    return transfer_world()


def _pupil(world: Any, key: str = "th1.1B") -> Student:
    return Enrolment.objects.filter(school_class=world.units[key]).first().student


def test_the_page_shows_the_history_and_records_a_class_change(world: Any) -> None:
    pupil = _pupil(world)
    client = login(world.people["th1.vanthu"])
    page = client.get(reverse("schoollife:student", args=[pupil.pk]))
    assert page.status_code == 200
    assert "Quá trình học tập" in page.content.decode()
    answer = client.post(
        reverse("schoollife:change-class", args=[pupil.pk]),
        {"to_class": world.units["th1.1A"].pk, "on": "2025-11-03", "document_number": "7/QĐ"},
    )
    assert answer.status_code == 302
    moved = Movement.objects.get(student=pupil)
    assert (moved.kind, moved.to_class, moved.document_number) == (
        MovementKind.CLASS_CHANGE,
        world.units["th1.1A"],
        "7/QĐ",
    )
    page = client.get(reverse("schoollife:student", args=[pupil.pk])).content.decode()
    assert "03/11/2025" in page and "Chuyển lớp" in page


def test_a_teacher_sees_but_does_not_record_and_another_school_sees_nothing(world: Any) -> None:
    pupil = _pupil(world)
    teacher = login(world.people["th1.giaovien1"])
    assert teacher.get(reverse("schoollife:student", args=[pupil.pk])).status_code == 200
    url = reverse("schoollife:drop-out", args=[pupil.pk])
    assert teacher.post(url, {"on": "2026-03-02", "reason": "x"}).status_code == 403
    other = login(world.people["th2.hieutruong"])
    assert other.get(reverse("schoollife:student", args=[pupil.pk])).status_code == 404
    assert other.post(url, {"on": "2026-03-02", "reason": "x"}).status_code == 404
    assert not Movement.objects.exists()


def test_transfer_out_page_then_upload_preview_and_take_in(world: Any) -> None:
    pupil, version = pupil_with_hocba(world)
    sender = login(world.people["th1.vanthu"])
    answer = sender.post(
        reverse("schoollife:transfer", args=[pupil.pk]),
        {
            "to_school": "Trường Tiểu học Kim Đồng",
            "on": "2026-03-10",
            "passphrase": demo_password(),
        },
    )
    assert answer.status_code == 302
    out = Movement.objects.get(student=pupil, kind=MovementKind.TRANSFER_OUT)
    package = sender.get(reverse("schoollife:package", args=[out.pk]))
    data = b"".join(package.streaming_content)
    assert package["Content-Type"] == "application/zip"
    with blob_store().open(out.package_sha256) as stream:
        assert data == stream.read()

    receiver = login(world.people["th2.hieutruong"])
    url = reverse("schoollife:receive")
    upload = SimpleUploadedFile("goi.zip", data, content_type="application/zip")
    preview = receiver.post(url, {"school": world.units["th2"].pk, "package": upload})
    text = preview.content.decode()
    assert preview.status_code == 200, text
    assert "Gói hồ sơ hợp lệ" in text and pupil.full_name in text
    assert problems_in(text) == []  # no English word, no raw code (ISO date, kind code)
    assert Movement.objects.filter(kind=MovementKind.TRANSFER_IN).count() == 0  # nothing yet
    sha = preview.context["sha"]
    done = receiver.post(
        url,
        {
            "school": world.units["th2"].pk,
            "sha": sha,
            "confirm": "1",
            "school_class": world.units["th2.1A"].pk,
            "on": "2026-03-16",
        },
    )
    assert done.status_code == 302
    came = Movement.objects.get(kind=MovementKind.TRANSFER_IN)
    assert came.student_id == pupil.pk and came.to_class == world.units["th2.1A"]
    kept = ReceivedFile.objects.get(movement=came, name__endswith=".pdf")
    pdf = receiver.get(reverse("schoollife:file", args=[kept.pk]))
    assert b"".join(pdf.streaming_content) == blob_store().open(version.pdf_sha256).read()
    page = receiver.get(reverse("schoollife:student", args=[pupil.pk])).content.decode()
    assert "Chuyển đến" in page and "hoc-ba/2025-2026-1.pdf" in page
    assert problems_in(page) == []


def test_a_bad_upload_is_refused_with_a_vietnamese_message(world: Any) -> None:
    receiver = login(world.people["th2.hieutruong"])
    upload = SimpleUploadedFile("goi.zip", b"PK\x03\x04 broken", content_type="application/zip")
    answer = receiver.post(
        reverse("schoollife:receive"), {"school": world.units["th2"].pk, "package": upload}
    )
    assert answer.status_code == 400
    assert "Tệp không phải gói hồ sơ chuyển trường (tệp zip) đọc được." in answer.content.decode()


def test_api_history_movement_and_transfer(world: Any) -> None:
    pupil = _pupil(world)
    api = api_login(world.people["th1.hieutruong"])
    url = reverse("api-school-life", args=[pupil.pk])
    made = api.post(
        url,
        {"kind": "BO_HOC", "on": "2026-03-02", "reason": "Theo gia đình"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["kind"] == "BO_HOC"
    history = api.get(url).json()
    assert [m["kind"] for m in history["movements"]] == ["BO_HOC"]
    assert history["enrolments"][0]["end_date"] == "2026-03-02"
    again = api.post(url, {"kind": "BO_HOC", "on": "2026-03-03", "reason": "x"}, format="json")
    assert again.status_code == 400
    assert again.json()["message"] == "Học sinh đã rời trường ngày 02/03/2026."
    teacher = api_login(world.people["th1.giaovien1"])
    refused = teacher.post(
        url, {"kind": "BO_HOC", "on": "2026-03-02", "reason": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_api_transfer_in_round_trip(world: Any) -> None:
    pupil, _version = pupil_with_hocba(world)
    sender = api_login(world.people["th1.vanthu"])
    out = sender.post(
        reverse("api-school-life", args=[pupil.pk]),
        {
            "kind": "CHUYEN_DI",
            "on": "2026-03-10",
            "to_school": "Trường Tiểu học Kim Đồng",
            "passphrase": demo_password(),
        },
        format="json",
    )
    assert out.status_code == 201, out.json()
    zipped = sender.get(reverse("api-school-life-package", args=[out.json()["id"]]))
    data = b"".join(zipped.streaming_content)
    receiver = api_login(world.people["th2.hieutruong"])
    school = world.units["th2"].pk
    preview = receiver.post(
        reverse("api-transfer-in-preview", args=[school]),
        {"package": SimpleUploadedFile("g.zip", data)},
        format="multipart",
    )
    assert preview.status_code == 200, preview.json()
    assert preview.json()["existing_student"] == pupil.pk
    assert preview.json()["files"] == ["hoc-ba/2025-2026-1.pdf", "hoc-ba/2025-2026-1.xml"]
    came = receiver.post(
        reverse("api-transfer-in", args=[school]),
        {
            "package": SimpleUploadedFile("g.zip", data),
            "school_class": world.units["th2.1A"].pk,
            "on": "2026-03-16",
        },
        format="multipart",
    )
    assert came.status_code == 201, came.json()
    assert came.json()["kind"] == "CHUYEN_DEN"
    # the sending school may not take its own package in
    own = sender.post(
        reverse("api-transfer-in-preview", args=[world.units["th1"].pk]),
        {"package": SimpleUploadedFile("g.zip", data)},
        format="multipart",
    )
    assert own.status_code == 400
    assert own.json()["message"] == "Gói hồ sơ này do chính trường của bạn gửi đi."
