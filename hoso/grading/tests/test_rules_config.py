"""The UNCONFIRMED rules are set by the Sở without editing code: page and API, audited, and the
gradebook (API and computations) uses the values in force."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEntry
from hoso.grading.catalogue import class_subjects, config_for
from hoso.grading.models import Entry, GradingConfig
from hoso.grading.rules.subjects import primary_traits
from hoso.grading.sheets import REN_LUYEN, trait_area
from hoso.grading.tests.conftest import first_student
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.org.models import Unit
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_as_in_the_demo("th1.1A", "thcs1.6A", pupils=2)


def _so() -> Unit:
    return Unit.objects.get(code="SO-GB")


def _set(school_class: Unit, student: Any, area: str, slot: str, value: str) -> None:
    Entry.objects.update_or_create(
        student=student,
        school_year=school_class.school_year,
        area=area,
        slot=slot,
        defaults={"value": value, "school_class": school_class},
    )


def _primary_year_end_at_five(school_class: Unit) -> Any:
    """A pupil with every subject H, every trait Đạt and every year-end test exactly 5."""
    student = first_student(school_class)
    for subject in class_subjects(school_class):
        _set(school_class, student, subject.code, "cuoi_nam.muc", "H")
        if subject.code in ("tieng_viet", "toan"):
            _set(school_class, student, subject.code, "cuoi_nam.diem", "5")
    for trait in primary_traits():
        _set(school_class, student, trait_area(trait.code), "cuoi_nam.muc", "dat")
    return student


def _row(api: Any, school_class: Unit, student: Any, term: str) -> dict[str, Any]:
    url = reverse("api-gradebook", kwargs={"pk": school_class.pk})
    body = api.get(f"{url}?term={term}").json()
    row = next(r for r in body["students"] if r["student"]["id"] == student.pk)
    return {"rules": body["rules"], **row["overall"]}


def _post_config(client: Any, unit: Unit, score: str, rule: str) -> Any:
    return client.post(
        reverse("grading:rules-config"),
        {"unit": str(unit.pk), "hoan_thanh_min_test_score": score, "conduct_year_rule": rule},
    )


def test_so_raises_the_hoan_thanh_threshold_and_the_gradebook_follows(world):
    # Given a grade-1 pupil at exactly 5 in the year-end tests: Hoàn thành by default
    lop = world.units["th1.1A"]
    student = _primary_year_end_at_five(lop)
    before = _row(api_login(world.people["th1.hieutruong"]), lop, student, "CN")
    assert before["result"] == "hoan_thanh"
    assert before["rules"]["hoan_thanh_min_test_score"] == 5
    # When the Sở sets the threshold to 6 on its page
    response = _post_config(login(world.people["so.chuyenvien"]), _so(), "6", "tt22_matrix")
    assert response.status_code == 302
    # Then the same pupil is Chưa hoàn thành, and the API says which setting was used
    after = _row(api_login(world.people["th1.hieutruong"]), lop, student, "CN")
    assert after["result"] == "chua_hoan_thanh"
    assert after["rules"] == {
        "hoan_thanh_min_test_score": 6,
        "conduct_year_rule": "tt22_matrix",
        "set_on_unit": _so().pk,
        "confirmed": False,
    }
    entry = AuditEntry.objects.filter(action="grading.config.assigned").latest("seq")
    assert entry.payload == {"before": None, "after": {"min": 6, "conduct": "tt22_matrix"}}


def test_so_changes_the_conduct_year_rule(world):
    # Given a THCS pupil: rèn luyện HK I Tốt, HK II Đạt → Khá by the default matrix
    lop = world.units["thcs1.6A"]
    student = first_student(lop)
    _set(lop, student, REN_LUYEN, "hk1", "tot")
    _set(lop, student, REN_LUYEN, "hk2", "dat")
    assert _row(api_login(world.people["thcs1.hieutruong"]), lop, student, "CN")["conduct"] == "kha"
    # When the Sở chooses "the year takes HK II"
    _post_config(login(world.people["so.chuyenvien"]), _so(), "5", "hk2")
    # Then the year's conduct is Đạt
    assert _row(api_login(world.people["thcs1.hieutruong"]), lop, student, "CN")["conduct"] == "dat"


@pytest.mark.parametrize(
    ("score", "rule", "message"),
    [
        ("11", "tt22_matrix", "Điểm kiểm tra định kì tối thiểu phải là số nguyên từ 0 đến 10."),
        ("5.5", "tt22_matrix", "Điểm kiểm tra định kì tối thiểu phải là số nguyên từ 0 đến 10."),
        ("5", "ca_nam", "Cách tính rèn luyện cả năm không hợp lệ."),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(world, score, rule, message):
    client = login(world.people["so.chuyenvien"])
    audits = AuditEntry.objects.filter(action="grading.config.assigned").count()
    response = _post_config(client, _so(), score, rule)
    assert response.status_code == 302
    assert message in client.get(response["Location"]).content.decode()
    assert not GradingConfig.objects.filter(school=_so()).exists()
    assert AuditEntry.objects.filter(action="grading.config.assigned").count() == audits


@pytest.mark.parametrize("username", ["th1.hieutruong", "phong1.chuyenvien", "th1.giaovien1"])
def test_only_the_so_sets_rules(world, username):
    client = login(world.people[username])
    assert client.get(reverse("grading:rules-config")).status_code == 404
    assert _post_config(client, _so(), "7", "hk2").status_code == 404
    url = reverse("api-grading-config-assign", kwargs={"pk": _so().pk})
    payload = {"hoan_thanh_min_test_score": 7, "conduct_year_rule": "hk2"}
    assert api_login(world.people[username]).post(url, payload, format="json").status_code == 404
    assert not GradingConfig.objects.filter(school=_so()).exists()


def test_api_reads_and_sets_the_settings(world):
    api = api_login(world.people["so.chuyenvien"])
    assert api.get(reverse("api-grading-config")).json() == [
        {
            "unit": _so().pk,
            "name": _so().name,
            "hoan_thanh_min_test_score": 5,
            "conduct_year_rule": "tt22_matrix",
            "confirmed": False,
        }
    ]
    url = reverse("api-grading-config-assign", kwargs={"pk": _so().pk})
    bad = api.post(
        url, {"hoan_thanh_min_test_score": 12, "conduct_year_rule": "hk2"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["message"] == "Điểm kiểm tra định kì tối thiểu phải là số nguyên từ 0 đến 10."
    ok = api.post(url, {"hoan_thanh_min_test_score": 4, "conduct_year_rule": "hk2"}, format="json")
    assert ok.json()["hoan_thanh_min_test_score"] == 4


def test_a_school_row_overrides_the_so_and_the_so_overrides_the_default(world):
    school = world.units["th1"]
    assert config_for(school).hoan_thanh_min_test_score == 5
    GradingConfig.objects.create(school=_so(), hoan_thanh_min_test_score=6)
    assert config_for(school).hoan_thanh_min_test_score == 6
    GradingConfig.objects.create(school=school, hoan_thanh_min_test_score=4)
    assert config_for(school).hoan_thanh_min_test_score == 4
