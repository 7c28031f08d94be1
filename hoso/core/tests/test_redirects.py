"""Issue 13 item 4: a redirect target taken from the request (`next`, `back`) never leads to
another site."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from hoso.core.http import safe_redirect_target
from hoso.grading.tests.conftest import first_student, teacher_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.records.models import DueItem
from hoso.records.services.deadlines import due_items_generate
from hoso.records.tests.factories import catalogue
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """th1 with Lớp 1A's học kì I entered and closed, and the year's due items of its people."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    catalogue()
    world = gradebook_as_in_the_demo("th1.1A")
    due_items_generate(school_year=world.year, schools=[world.units["th1"]])
    return world


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
def test_deadline_extension_does_not_redirect_away(world, target: str) -> None:
    item = DueItem.objects.get(
        owner=world.people["th1.giaovien2"], record_type__code="TT28.KHBD", period_key="W20"
    )

    response = login(world.people["th1.hieutruong"]).post(
        f"/ho-so/han-nop/{item.pk}/gia-han/",
        {"next": target, "until": "01/01/2030", "reason": "Nghỉ ốm"},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith(("//", "/\\"))


def test_deadline_extension_keeps_a_local_next(world) -> None:
    item = DueItem.objects.get(
        owner=world.people["th1.giaovien2"], record_type__code="TT28.KHBD", period_key="W20"
    )

    response = login(world.people["th1.hieutruong"]).post(
        f"/ho-so/han-nop/{item.pk}/gia-han/",
        {"next": "/ho-so/han-nop/?x=1", "until": "01/01/2030", "reason": "Nghỉ ốm"},
    )

    assert response["Location"] == "/ho-so/han-nop/?x=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_gradebook_correction_form_does_not_redirect_away(world, target: str) -> None:
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 5)

    response = login(teacher).post(
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
