"""The demo's evidence for accreditation. Needs the demo province: it checks what the demo's
evidence step tagged, and when."""

from __future__ import annotations

import pytest

from hoso.records.models import EvidenceTag

pytestmark = pytest.mark.django_db


def test_the_demo_tagged_some_of_th1s_records_before_its_now() -> None:
    from hoso.org.demo_clock import anchor_time

    tags = EvidenceTag.objects.filter(school__code="TH1", tagged_by__username="th1.hieutruong")
    assert sorted(set(tags.values_list("criterion", flat=True))) == [
        "1.1",
        "1.8",
        "2.2",
        "5.1",
        "5.4",
    ]
    for tag in tags.select_related("version"):
        assert (tag.version.issued_at or tag.version.uploaded_at) < tag.tagged_at <= anchor_time()
