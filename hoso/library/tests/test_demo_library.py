"""What the demo's library step leaves for people to try.

Needs the demo province: it checks the demo itself."""

from __future__ import annotations

import pytest

from hoso.library.models import BibRecord, ItemKind
from hoso.library.tests.factories import school

pytestmark = pytest.mark.django_db


def test_the_demo_textbooks_carry_the_series_of_their_data() -> None:
    th1 = BibRecord.objects.filter(school=school("TH1"))
    textbooks = th1.filter(kind=ItemKind.SGK)
    assert textbooks.count() > 0
    assert set(textbooks.values_list("series", flat=True)) == {"Kết nối tri thức với cuộc sống"}
    # The data names no series for reference and children's books: none is invented.
    assert set(th1.filter(kind__in=["STK", "TN"]).values_list("series", flat=True)) == {""}
