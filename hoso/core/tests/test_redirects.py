"""Issue 13 item 4: a redirect target taken from the request (`next`, `back`) never leads to
another site."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from hoso.core.http import safe_redirect_target
from hoso.grading.tests.conftest import CODES, first_student, teacher_of
from hoso.org.models import Unit
from hoso.records.models import DueItem

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example/x",
    "https://evil.example/x",
    "http://evil.example",
    "/\\evil.example/x",
    "\\\\evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "https:evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_helper_refuses_other_sites(target: str) -> None:
    request = RequestFactory().post("/")
    assert safe_redirect_target(request, target, "/ve-trang-chu/") == "/ve-trang-chu/"


def test_helper_keeps_local_paths() -> None:
    request = RequestFactory().post("/")
    assert safe_redirect_target(request, "/ho-so/han-nop/?tu=1", "/") == "/ho-so/han-nop/?tu=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_deadline_extension_does_not_redirect_away(client_for: Any, target: str) -> None:
    item = DueItem.objects.get(
        owner__username="th1.giaovien2", record_type__code="TT28.KHBD", period_key="W20"
    )

    response = client_for("th1.hieutruong").post(
        f"/ho-so/han-nop/{item.pk}/gia-han/",
        {"next": target, "until": "01/01/2030", "reason": "Nghỉ ốm"},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith(("//", "/\\"))


def test_deadline_extension_keeps_a_local_next(client_for: Any) -> None:
    item = DueItem.objects.get(
        owner__username="th1.giaovien2", record_type__code="TT28.KHBD", period_key="W20"
    )

    response = client_for("th1.hieutruong").post(
        f"/ho-so/han-nop/{item.pk}/gia-han/",
        {"next": "/ho-so/han-nop/?x=1", "until": "01/01/2030", "reason": "Nghỉ ốm"},
    )

    assert response["Location"] == "/ho-so/han-nop/?x=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_gradebook_correction_form_does_not_redirect_away(client_for: Any, target: str) -> None:
    lop = Unit.objects.get(code=CODES["th1.1A"])
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 5)

    response = client_for(teacher.username).post(
        f"/so-diem/lop/{lop.pk}/nhap/toan/dieu-chinh/",
        {
            "column": "toan|cuoi_hk1.diem",
            "student": str(pupil.pk),
            "new_value": "10",
            "reason": "Chấm phúc khảo",
            "back": target,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/so-diem/"
