from __future__ import annotations

import pytest

from hoso.records.catalogue import load_catalogue, read_catalogue, type_rows
from hoso.records.models import RecordType
from hoso.records.selectors_applies import applicable_types
from tests.factories import province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def test_catalogue_holds_the_dieu_21_lists_with_their_sources() -> None:
    codes = set(RecordType.objects.values_list("code", flat=True))
    assert {"TT28.KHBD", "TT32.KHBD", "TT32.KHGDGV", "TT52.STDT", "TT28.SDB"} <= codes
    khbd = RecordType.objects.get(code="TT28.KHBD")
    assert khbd.keeper == "TEACHER"
    assert khbd.period == "WEEK"
    assert khbd.due_rule == {"weekday": 0, "time": "07:00"}
    assert khbd.signing_chain == [  # the author signs; the group leader ký duyệt
        {"role": "AUTHOR", "action": "sign"},
        {"role": "TTCM", "action": "approve_sign"},
    ]
    assert khbd.legal_source.startswith("Thông tư 28/2020/TT-BGDĐT")
    assert RecordType.objects.get(code="TT28.SCTD").optional is True


def test_loading_twice_changes_nothing() -> None:
    # Other apps may add national types of their own (retention's destruction minutes).
    before = RecordType.objects.count()
    rows = type_rows(read_catalogue())
    created, updated = load_catalogue(RecordType)
    assert created == 0
    assert updated == len(rows) == 45
    assert RecordType.objects.count() == before


def test_types_apply_by_level_and_below_the_unit_that_added_them() -> None:
    from hoso.records.services.record_types import record_type_create

    # A Phòng with a primary (th1) and a THCS school (thcs1), a primary school (th2) elsewhere
    world = province_world("cat")
    th1, thcs1, th2 = (world.units[key] for key in ("school", "thcs", "school2"))
    phong1 = world.units["phong"]
    added = record_type_create(
        actor=world.people["chuyenvien"],
        unit=phong1,
        code="SDG",
        name="Sổ dự giờ của Phòng",
        keeper="TEACHER",
        period="MONTH",
        levels=[],
    )
    assert added.optional is True
    th1_codes = {t.code for t in applicable_types(th1)}
    assert "TT28.KHBD" in th1_codes and "TT32.KHBD" not in th1_codes
    assert added.code in th1_codes
    assert added.code in {t.code for t in applicable_types(thcs1)}
    assert added.code not in {t.code for t in applicable_types(th2)}
