"""The học bạ tests' world (own world, hoso.grading.tests.factories): a small province in the
demo's shape whose Phòng 1 is "Phòng GDĐT Huyện An Phú" (the forms print the district and the
place of the date line from it, as they do the demo's), with Lớp 1A of th1 and Lớp 6A of thcs1
(six pupils each, assigned as in the demo); and a test CA's keys registered to 1A's GVCN, th1's
principal and th1's seal, as hoso.grading.tests.test_outputs_hocba registers them in the demo.

    world = hocba_world()
    world.units["th1.1A"], world.people["th1.hieutruong"]
"""

from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.tests.conftest import gvcn_of
from hoso.grading.tests.factories import gradebook_world
from hoso.org.models import Unit
from hoso.org.tests.factories import Province

DISTRICT = "Phòng GDĐT Huyện An Phú"


def hocba_world() -> Province:
    world = gradebook_world("th1.1A", "thcs1.6A")
    Unit.objects.filter(pk=world.units["phong1"].pk).update(name=DISTRICT)
    return world


@pytest.fixture
def world(db: Any) -> Province:
    return hocba_world()


@pytest.fixture
def world_pki(pki_files: Any, settings: Any, world: Province) -> Any:
    """The test CA's keys (hoso.grading.tests.test_outputs_hocba.pki_files), trusted by the
    signature verification; only their certificates are registered, to th1.1A's GVCN, th1's
    principal and th1's seal."""
    from hoso.signing.services.certificates import certificate_register

    directory, keys = pki_files
    settings.HOSO_SIGNING_TRUST_ANCHORS = [str(directory / "root.pem")]
    settings.HOSO_SIGNING_INTERMEDIATES = [str(directory / "intermediate.pem")]
    principal = world.people["th1.hieutruong"]
    for who, owner, school in (
        ("gvcn", gvcn_of(world.units["th1.1A"]), None),
        ("ht", principal, None),
        ("seal", principal, world.units["th1"]),
    ):
        certificate_register(actor=owner, data=keys[who], passphrase="pw", unit=school)
    return keys
