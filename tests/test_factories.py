"""The small test world is built the way the product builds units and roles, without the demo."""

from __future__ import annotations

import pytest

from hoso.org.models import Role
from hoso.org.years import current_year
from hoso.policy.grants import grants_for
from tests.factories import PASSWORD, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def test_the_school_world_has_its_tree_its_year_and_one_person_per_role() -> None:
    world = school_world()
    school, to = world.units["school"], world.units["to"]
    assert to.path == f"{school.path}{to.pk}/"
    assert to.school_id == school.pk == school.school_id
    assert world.units["school"].path.startswith(world.units["phong"].path)
    assert current_year() == world.year
    teacher = world.people["giaovien"]
    assert teacher.check_password(PASSWORD)
    assert grants_for(teacher).schools({Role.GV}) == {school.pk}
    assert grants_for(world.people["totruong"]).roles() == {Role.GV, Role.TTCM}
    assert grants_for(world.people["chuyenvien"]).subtree_paths({Role.CV_PHONG}) == {
        world.units["phong"].path
    }


def test_two_worlds_live_side_by_side() -> None:
    first, second = school_world("a"), school_world("b")
    assert first.units["school"].pk != second.units["school"].pk
    assert first.year == second.year
