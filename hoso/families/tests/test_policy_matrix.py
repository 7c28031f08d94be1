"""The parents' policy as a matrix: every person of a small province (hoso/org/tests/factories.py
`small_province`, plus the leaders and clerks of its offices as tests/factories.py
`office_world` has them, and parents) × classes, other units and pupils of their own school,
another school of the same Phòng and a school of the other Phòng.

Expectations are written by hand from hoso/families/policies.py's docstring and docs/parents.md,
never computed:

- families.class.manage: the HT, PHT and văn thư of the class's school, and the class's GVCN
  (this year); nobody of the offices, nobody of another school, no parent;
- families.consent.list: the HT, PHT of the class's school and the class's GVCN; not the văn
  thư, not the offices above, not another school;
- families.child.consent: a parent for a child linked to their account, whatever the state of
  the consent (given, not answered, withdrawn); nobody else, the school's staff included;
- families.directive.view: a directive marked for parents, for a parent who has consented for
  a child enrolled today at a school it was sent to; not a directive for the schools only,
  not a parent without consent, nobody of the schools or offices (they read it as units).

Neither action's text names the administrator. The code lets the administrator manage every
class's parents (families.class.manage, as an HT does) and not read the consent list (a list of
families), nor give a child's consent; tests/security/routes_families.py expects the same. Those
cells follow the code and are a gap of the docs, reported with the matrix (issue 12).

Places: th1 1A (GVCN th1.giaovien1, three pupils), th1 5A (GVCN th1.giaovien3, one pupil), th1
1A of the last school year (its GVCN then was th1.giaovien2, who leads no class this year), thcs1
6A (GVCN thcs1.giaovien1, same Phòng), th2 1A (GVCN th2.giaovien1, the other Phòng); the school
th1 and its Tổ khối 1, which are no class. Where a rule has a list scope, `visible` agrees.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from hoso.families.services.consent import consent_withdraw
from hoso.families.tests.factories import parent_of
from hoso.grading.models import Guardian
from hoso.org.models import Role, SchoolYear, Student, Unit, UnitKind
from hoso.org.services import unit_create
from hoso.org.tests.factories import school_class, small_province, students
from hoso.policy import can, visible
from hoso.policy.tests.matrix import assert_row
from tests.factories import HomeroomFactory, UserFactory, grant

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "families.class.manage",
    "families.consent.list",
    "families.child.consent",
    "families.directive.view",
}

T, F = True, False

# The leaders and clerks of the offices (tests/factories.py OFFICE_PEOPLE): username → role, unit.
OFFICE_PEOPLE = {
    "so.giamdoc": (Role.GD, "so"),
    "so.phogiamdoc": (Role.PGD, "so"),
    "so.vanthu": (Role.VT_CQ, "so"),
    "phong1.truongphong": (Role.TP, "phong1"),
    "phong1.photruongphong": (Role.PTP, "phong1"),
    "phong1.vanthu": (Role.VT_CQ, "phong1"),
    "phong2.truongphong": (Role.TP, "phong2"),
}

# Units, in this order: th1 1A, th1 5A, th1 1A of last year, thcs1 6A, th2 1A, th1, th1 Tổ 1.
NOBODY = (F, F, F, F, F, F, F)
CLASS_MANAGE = {
    "admin": (T, T, T, T, T, F, F),
    "so.chuyenvien": NOBODY,
    "phong1.chuyenvien": NOBODY,
    "phong2.chuyenvien": NOBODY,
    "th1.hieutruong": (T, T, T, F, F, F, F),
    "th1.phohieutruong": (T, T, T, F, F, F, F),
    "th1.vanthu": (T, T, T, F, F, F, F),
    "th1.thuthu": NOBODY,
    "th1.totruong": NOBODY,
    "th1.giaovien1": (T, F, F, F, F, F, F),  # GVCN of th1 1A
    "th1.giaovien2": NOBODY,  # GVCN of last year's 1A only; parent of the pupil of 5A
    "th1.giaovien3": (F, T, F, F, F, F, F),  # GVCN of th1 5A
    "thcs1.hieutruong": (F, F, F, T, F, F, F),
    "thcs1.giaovien1": (F, F, F, T, F, F, F),  # GVCN of thcs1 6A
    "thcs1.giaovien2": NOBODY,
    "th2.hieutruong": (F, F, F, F, T, F, F),
    "th2.giaovien1": (F, F, F, F, T, F, F),  # GVCN of th2 1A
    **dict.fromkeys(OFFICE_PEOPLE, NOBODY),
    "ph.a": NOBODY,
    "ph.b": NOBODY,
    "ph.c": NOBODY,
    "ph.d": NOBODY,
    "ph.none": NOBODY,
}
CONSENT_LIST = {
    **CLASS_MANAGE,
    "admin": NOBODY,
    "th1.vanthu": NOBODY,
}

# Pupils, in this order: th1 1A first, second, third; th1 5A; th2 1A.
# ph.a: parent of 1A's first pupil, consented; ph.b: of the second, no answer; ph.c: of the
# third, consented then withdrew; ph.d: of 1A's first pupil (no answer) and of the pupil of th2
# 1A (consented); ph.none: an account linked to nobody; th1.giaovien2: a teacher of th1 who is
# also the parent (no answer) of the pupil of 5A.
NO_CHILD = (F, F, F, F, F)
CHILD_CONSENT = {
    **dict.fromkeys(CLASS_MANAGE, NO_CHILD),
    "th1.giaovien2": (F, F, F, T, F),
    "ph.a": (T, F, F, F, F),
    "ph.b": (F, T, F, F, F),
    "ph.c": (F, F, T, F, F),
    "ph.d": (T, F, F, F, T),
}


# Directives, in this order: Phòng 1 to th1 for parents, Phòng 1 to th1 for the school only,
# Phòng 2 to th2 for parents, Phòng 1 to thcs1 for parents.
NO_DIRECTIVE = (F, F, F, F)
DIRECTIVE_VIEW = {
    **dict.fromkeys(CLASS_MANAGE, NO_DIRECTIVE),
    "ph.a": (T, F, F, F),
    "ph.d": (F, F, T, F),  # consented for the th2 pupil only
}


@pytest.fixture
def place():
    world = small_province("fm")
    units, people = world.units, world.people
    for username, (role, where) in OFFICE_PEOPLE.items():
        people[username] = UserFactory(username=f"fm.{username}")
        grant(people[username], role, units[where])
    last_year, _ = SchoolYear.objects.get_or_create(
        name="2024-2025",
        defaults={
            "start_date": dt.date(2024, 9, 5),
            "end_date": dt.date(2025, 5, 31),
            "term1_end": dt.date(2025, 1, 17),
        },
    )
    classes = [
        school_class(units["th1"], "1A", 1, code="FM-TH1-1A"),
        school_class(units["th1"], "5A", 5, code="FM-TH1-5A"),
        unit_create(
            actor=None,
            code="FM-TH1-1A-2024",
            name="Lớp 1A",
            kind=UnitKind.LOP,
            parent=units["th1"],
            school_year=last_year,
            grade=1,
        ),
        school_class(units["thcs1"], "6A", 6, code="FM-THCS1-6A"),
        school_class(units["th2"], "1A", 1, code="FM-TH2-1A"),
    ]
    for teacher, lop in zip(
        ("th1.giaovien1", "th1.giaovien3", "th1.giaovien2", "thcs1.giaovien1", "th2.giaovien1"),
        classes,
        strict=True,
    ):
        HomeroomFactory(teacher=people[teacher], school_class=lop, school_year=lop.school_year)
    pupils = [
        *students(classes[0], 3),
        *students(classes[1], 1),
        *students(classes[4], 1),
    ]
    people["ph.a"] = parent_of(pupils[0], "fm.ph.a")
    people["ph.b"] = parent_of(pupils[1], "fm.ph.b", consent=False)
    people["ph.c"] = parent_of(pupils[2], "fm.ph.c")
    consent_withdraw(actor=people["ph.c"], student=pupils[2])
    people["ph.d"] = parent_of(pupils[0], "fm.ph.d", consent=False, relation="Mẹ")
    parent_of(pupils[4], "fm.ph.d")
    people["ph.none"] = UserFactory(username="fm.ph.none")
    Guardian.objects.create(user=people["th1.giaovien2"], student=pupils[3])
    return world, [*classes, units["th1"], units["th1.to1"]], pupils


def _everyone(world):
    """Every row of the tables is a person of the world, and every person has a row."""
    assert set(CLASS_MANAGE) == set(world.people)
    return world.people


def test_who_manages_the_parents_of_a_class(place):
    world, units, _pupils = place
    for key, person in _everyone(world).items():
        assert_row(person, "families.class.manage", units, CLASS_MANAGE[key], Unit)


def test_who_reads_the_consent_list_of_a_class(place):
    world, units, _pupils = place
    for key, person in _everyone(world).items():
        assert_row(person, "families.consent.list", units, CONSENT_LIST[key], Unit)


def test_who_gives_or_withdraws_a_childs_consent(place):
    world, _units, pupils = place
    for key, person in _everyone(world).items():
        assert_row(person, "families.child.consent", pupils, CHILD_CONSENT[key], Student)


def _directive(world, office, school, for_parents):
    from hoso.offices.services.directives import directive_issue
    from hoso.offices.tests.factories import IssuedLetterFactory

    sender = world.people[f"{office}.chuyenvien"]
    letter = IssuedLetterFactory(unit=world.units[office], owner=sender)
    return directive_issue(
        actor=sender,
        office=world.units[office],
        record_id=letter.pk,
        audience="list",
        unit_ids=[world.units[school].pk],
        reply_kind="none",
        for_parents=for_parents,
    )


def test_who_reads_a_directive_meant_for_parents(place):
    from hoso.offices.models import Directive

    world, _units, _pupils = place
    directives = [
        _directive(world, "phong1", "th1", True),
        _directive(world, "phong1", "th1", False),
        _directive(world, "phong2", "th2", True),
        _directive(world, "phong1", "thcs1", True),
    ]
    for key, person in _everyone(world).items():
        assert_row(person, "families.directive.view", directives, DIRECTIVE_VIEW[key], Directive)


def test_no_object_of_another_kind_passes(place):
    """A pupil is no class, a class no pupil, nothing at all is neither."""
    world, units, pupils = place
    principal, parent = world.people["th1.hieutruong"], world.people["ph.a"]
    for action in ("families.class.manage", "families.consent.list"):
        assert not can(principal, action, pupils[0])
        assert not can(principal, action, None)
    assert not can(parent, "families.child.consent", units[0])
    assert not can(parent, "families.child.consent", None)
    assert not can(parent, "families.directive.view", units[5])  # the school itself
    assert not can(parent, "families.directive.view", None)


def test_anonymous_and_inactive_people_may_do_nothing(place):
    world, units, pupils = place
    inactive = {key: world.people[key] for key in ("th1.hieutruong", "th1.giaovien1", "ph.a")}
    for person in inactive.values():
        person.is_active = False
        person.save(update_fields=["is_active"])
    for user in (AnonymousUser(), *inactive.values()):
        for action, objects in (
            ("families.class.manage", units[:1]),
            ("families.consent.list", units[:1]),
            ("families.child.consent", pupils[:1]),
        ):
            assert not can(user, action, objects[0])
            model = Unit if action != "families.child.consent" else Student
            assert not visible(user, action, model.objects.all()).exists()
