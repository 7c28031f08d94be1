"""The demo province is what the README promises.

Needs the demo province: it checks the demo itself."""

from __future__ import annotations

import pytest

from hoso.org.models import Staff, Student, Unit

pytestmark = pytest.mark.django_db


def test_the_demo_province_is_as_promised():
    assert Unit.objects.get(code="SO-DEMO").name == "Sở GDĐT Tỉnh Demo"
    assert Unit.objects.filter(kind="PHONG").count() == 2
    assert {u.code: u.level for u in Unit.objects.filter(kind="TRUONG")} == {
        "TH1": "TH",
        "THCS1": "THCS",
        "MN1": "MN",
        "TH2": "TH",
    }
    assert 35 <= Staff.objects.count() <= 50
    assert 380 <= Student.objects.count() <= 450
