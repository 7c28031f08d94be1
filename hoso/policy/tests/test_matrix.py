"""The policy as a matrix: every role × every action × where the object sits.

Objects are placed relative to th1.giaovien1 (Tổ khối 1 of th1, in Phòng 1): "own" is the
actor's own record, "group" the same tổ, "school" another tổ of th1, "other_school" a school in
the same Phòng, "parent" the Phòng itself, "district" a school in the other Phòng. For every
cell, `can` gives the expected answer AND the list filter `visible` agrees with it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hoso.audit.services import audit_log
from hoso.org.models import Staff, Student, Unit
from hoso.org.tests.factories import school_class, small_province, students
from hoso.policy import can, visible
from hoso.policy.registry import actions

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def province():
    """The demo's schools and people in small (codes PM-…, usernames pm.…), one pupil in each
    of th1 1A, th1 5A, thcs1 6A and th2 1A."""
    world = small_province("pm")
    for school, name, grade in (
        ("th1", "1A", 1),
        ("th1", "5A", 5),
        ("thcs1", "6A", 6),
        ("th2", "1A", 1),
    ):
        students(school_class(world.units[school], name, grade, code=f"PM-{school}-{name}"), 1)
    return world


ACTORS = {
    "GV": "th1.giaovien1",
    "TTCM": "th1.totruong",
    "PHT": "th1.phohieutruong",
    "HT": "th1.hieutruong",
    "VT": "th1.vanthu",
    "TV": "th1.thuthu",
    "CV_PHONG": "phong1.chuyenvien",
    "CV_SO": "so.chuyenvien",
    "QTHT": "admin",
}
T, F = True, False
SCOPES = ("own", "group", "school", "other_school", "parent", "district")

STAFF_VIEW = {
    "GV": (T, T, T, F, F, F),
    "TTCM": (T, T, T, F, F, F),
    "PHT": (T, T, T, F, F, F),
    "HT": (T, T, T, F, F, F),
    "VT": (T, T, T, F, F, F),
    "TV": (T, T, T, F, F, F),
    "CV_PHONG": (T, T, T, T, T, F),
    "CV_SO": (T, T, T, T, T, T),
    "QTHT": (T, T, T, T, T, T),
}
STAFF_MANAGE = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (T, T, T, F, F, F),
    "HT": (T, T, T, F, F, F),
    "VT": (T, T, T, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F, F),
    "CV_SO": (F, F, F, F, F, F),
    "QTHT": (T, T, T, T, T, T),
}
# Units: own = the actor's own unit of assignment is not a single thing, so "own" is the
# actor's school (or office); group = Tổ khối 1; school = th1; other_school = thcs1;
# parent = Phòng 1; district = th2.
UNIT_VIEW = {
    "GV": (T, T, T, F, T, F),
    "TTCM": (T, T, T, F, T, F),
    "PHT": (T, T, T, F, T, F),
    "HT": (T, T, T, F, T, F),
    "VT": (T, T, T, F, T, F),
    "TV": (T, T, T, F, T, F),
    "CV_PHONG": (T, T, T, T, T, F),
    "CV_SO": (T, T, T, T, T, T),
    "QTHT": (T, T, T, T, T, T),
}
SCHOOL_MANAGE = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (F, F, F, F, F, F),
    "HT": (T, T, T, F, F, F),
    "VT": (T, T, T, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F, F),
    "CV_SO": (F, F, F, F, F, F),
    "QTHT": (T, T, T, T, T, T),
}
# Students have no "own"/"parent" cell: group = a pupil of th1 1A, school = a pupil of th1 5A.
STUDENT_VIEW = {
    "GV": (T, T, F, F),
    "TTCM": (T, T, F, F),
    "PHT": (T, T, F, F),
    "HT": (T, T, F, F),
    "VT": (T, T, F, F),
    "TV": (T, T, F, F),
    "CV_PHONG": (T, T, T, F),
    "CV_SO": (T, T, T, T),
    "QTHT": (T, T, T, T),
}
STUDENT_MANAGE = {
    "GV": (F, F, F, F),
    "TTCM": (F, F, F, F),
    "PHT": (T, T, F, F),
    "HT": (T, T, F, F),
    "VT": (T, T, F, F),
    "TV": (F, F, F, F),
    "CV_PHONG": (F, F, F, F),
    "CV_SO": (F, F, F, F),
    "QTHT": (T, T, T, T),
}
# Audit entries written for th1, for thcs1 and for th2.
AUDIT_VIEW = {
    "GV": (F, F, F),
    "TTCM": (F, F, F),
    "PHT": (F, F, F),
    "HT": (T, F, F),
    "VT": (F, F, F),
    "TV": (F, F, F),
    "CV_PHONG": (F, F, F),
    "CV_SO": (F, F, F),
    "QTHT": (T, T, T),
}


def _user(username):
    return get_user_model().objects.get(username=f"pm.{username}")


def _staff_of(username):
    return Staff.objects.select_related("unit").get(user__username=f"pm.{username}")


def _staff_objects(actor_username):
    return [
        _staff_of(actor_username),
        _staff_of("th1.giaovien2"),
        _staff_of("th1.giaovien3"),
        _staff_of("thcs1.giaovien1"),
        _staff_of("phong1.chuyenvien"),
        _staff_of("th2.giaovien1"),
    ]


def _unit_objects(actor_username):
    own = _staff_of(actor_username).unit
    own = own.school if own.school_id else own
    codes = ["PM-TH1-TO1", "PM-TH1", "PM-THCS1", "PGD-PM1", "PM-TH2"]
    return [own, *(Unit.objects.get(code=code) for code in codes)]


def _student_objects():
    def pupil(school_code, class_name):
        return Student.objects.filter(
            school__code=f"PM-{school_code}", enrolments__school_class__name=class_name
        ).first()

    return [
        pupil("TH1", "Lớp 1A"),
        pupil("TH1", "Lớp 5A"),
        pupil("THCS1", "Lớp 6A"),
        pupil("TH2", "Lớp 1A"),
    ]


def _assert_row(actor, action, objects, expected):
    user = _user(actor)
    got = tuple(can(user, action, obj) for obj in objects)
    assert got == expected, f"{actor} {action}: {got} != {expected}"
    model = type(objects[0])
    listed = set(visible(user, action, model.objects.all()).values_list("pk", flat=True))
    assert tuple(obj.pk in listed for obj in objects) == expected, f"{actor} {action} list"


@pytest.mark.parametrize("role", ACTORS)
def test_staff(role):
    objects = _staff_objects(ACTORS[role])
    _assert_row(ACTORS[role], "org.staff.view", objects, STAFF_VIEW[role])
    _assert_row(ACTORS[role], "org.staff.manage", objects, STAFF_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_units(role):
    objects = _unit_objects(ACTORS[role])
    _assert_row(ACTORS[role], "org.unit.view", objects, UNIT_VIEW[role])
    _assert_row(ACTORS[role], "org.school.manage", objects, SCHOOL_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_students(role):
    objects = _student_objects()
    _assert_row(ACTORS[role], "org.student.view", objects, STUDENT_VIEW[role])
    _assert_row(ACTORS[role], "org.student.manage", objects, STUDENT_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_audit_entries(role):
    entries = [
        audit_log("tests.event", unit_id=Unit.objects.get(code=code).pk)
        for code in ("PM-TH1", "PM-THCS1", "PM-TH2")
    ]
    _assert_row(ACTORS[role], "audit.entry.view", entries, AUDIT_VIEW[role])
    assert can(_user(ACTORS[role]), "audit.log.open") == (role in {"HT", "QTHT"})


def test_anonymous_and_inactive_people_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    teacher = _user("th1.giaovien1")
    teacher.is_active = False
    staff = _staff_of("th1.giaovien1")
    for user in (AnonymousUser(), teacher):
        assert not can(user, "org.staff.view", staff)
        assert not visible(user, "org.staff.view", Staff.objects.all()).exists()


def test_roles_of_another_school_year_give_no_rights():
    from hoso.org.models import RoleAssignment, SchoolYear

    old = SchoolYear.objects.create(
        name="2024-2025", start_date="2024-09-05", end_date="2025-05-31", term1_end="2025-01-17"
    )
    RoleAssignment.objects.filter(user__username="pm.th2.hieutruong").update(school_year=old)
    assert not can(_user("th2.hieutruong"), "org.school.manage", Unit.objects.get(code="PM-TH2"))


COVERED = {
    "org.staff.view",
    "org.staff.manage",
    "org.unit.view",
    "org.school.manage",
    "org.student.view",
    "org.student.manage",
    "audit.entry.view",
    "audit.log.open",
}
# The app matrices next to their policies; each exports COVERED, the actions it checks with at
# least one allowed and one refused case.
APP_MATRICES = (
    "hoso.records.tests.test_policy_matrix",
    "hoso.signing.tests.test_policy_matrix",
    "hoso.grading.tests.test_policy_matrix",
    "hoso.offices.tests.test_policy_matrix",
    "hoso.offices.tests.test_dx_policy_matrix",
    "hoso.library.tests.test_policy_matrix",
    "hoso.retention.tests.test_policy_matrix",
    "hoso.books.tests.test_policy_matrix",
    "hoso.drive_import.tests.test_policy_matrix",
    "hoso.org.tests.test_csdl_policy_matrix",
    "hoso.accounts.tests.test_sso_policy_matrix",
    "hoso.schoollife.tests.test_policy_matrix",
    "hoso.webhooks.tests.test_policy_matrix",
    "hoso.families.tests.test_policy_matrix",
)


def _covered_by_matrices():
    import importlib

    covered = {action: [__name__] for action in COVERED}
    for name in APP_MATRICES:
        for action in importlib.import_module(name).COVERED:
            covered.setdefault(action, []).append(name)
    return covered


def test_every_registered_action_is_covered_by_this_matrix_or_an_app_matrix():
    registered = set(actions())
    covered = _covered_by_matrices()
    missing = registered - set(covered)
    assert not missing, f"registered actions in no policy matrix: {sorted(missing)}"
    unknown = set(covered) - registered
    assert not unknown, f"matrices cover actions that are not registered: {sorted(unknown)}"


def test_an_unknown_action_is_an_error_not_a_silent_no():
    with pytest.raises(KeyError):
        can(_user("admin"), "org.nonexistent", None)
