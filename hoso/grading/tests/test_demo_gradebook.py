"""What the demo's gradebook step left for people to try.

Needs the demo province: it checks the demo itself."""

from __future__ import annotations

import pytest

from hoso.grading.models import CorrectionRequest, CorrectionStatus

pytestmark = pytest.mark.django_db


def test_demo_has_pending_corrections():
    assert CorrectionRequest.objects.filter(status=CorrectionStatus.PENDING).count() == 3
