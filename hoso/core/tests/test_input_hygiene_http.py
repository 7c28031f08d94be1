"""Issue 13 item 6 through the faces: titles and names stored in NFC without bidi overrides;
upload names over the length limit refused the same for every alphabet."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest

from hoso.org.models import Staff
from hoso.org.services import staff_update
from hoso.records.models import Record
from hoso.records.tests.helpers import pdf

pytestmark = pytest.mark.django_db


def _file(name: str) -> io.BytesIO:
    stream = io.BytesIO(pdf())
    stream.name = name
    return stream


def _create(api: Any, name: str, title: str) -> Any:
    return api.post(
        "/api/v1/records/",
        {"file": _file(name), "record_type": "TT28.KHBD", "title": title, "period": "W23"},
        format="multipart",
    )


def test_record_title_is_nfc_without_bidi_overrides(api_for: Any) -> None:
    title = unicodedata.normalize("NFD", "Kế hoạch\u202e tuần\u2066 23")

    created = _create(api_for("th1.giaovien2"), "tuan23.pdf", title)

    assert created.status_code == 201, created.json()
    stored = Record.objects.get(pk=created.json()["id"]).title
    assert stored == "Kế hoạch tuần 23"
    assert unicodedata.is_normalized("NFC", stored)


@pytest.mark.parametrize("stem", ["a" * 300, "Kế hoạch giáo dục " * 17])
def test_overlong_upload_names_are_refused_whatever_the_alphabet(api_for: Any, stem: str) -> None:
    count = Record.objects.count()

    response = _create(api_for("th1.giaovien2"), stem + ".pdf", "Tên dài")

    assert response.status_code == 422, response.json()
    assert "Tên tệp quá dài" in response.json()["message"]
    assert Record.objects.count() == count


def test_staff_name_is_nfc_without_bidi_overrides(demo_user: Any) -> None:
    staff = Staff.objects.get(user__username="th1.giaovien1")
    raw = unicodedata.normalize("NFD", "Lê\u202d Thị  Mai")

    staff_update(actor=demo_user("admin"), staff=staff, full_name=raw)

    staff.refresh_from_db()
    assert staff.full_name == "Lê Thị Mai"
