"""The signing app's validation page recognises every học bạ HoSo signed, so a changed học
bạ is flagged like a changed record (it used to check record hashes only).

Needs the demo province: it signs through test_hocba_verify_batch's and test_outputs_hocba's
helpers and fixtures, which read the demo's classes and people."""

from __future__ import annotations

import io
from typing import Any

import pytest

from hoso.grading.hocba.selectors import read_blob as hocba_blob
from hoso.grading.tests.test_hocba_verify_batch import _ht_signed, _info_update
from hoso.grading.tests.test_outputs_hocba import pki, pki_files

pytestmark = pytest.mark.django_db
__all__ = ["pki", "pki_files"]


def _post(api_for: Any, pdf: bytes) -> Any:
    return api_for("th1.hieutruong").post(
        "/api/v1/signatures/validate/", {"file": io.BytesIO(pdf)}, format="multipart"
    )


def test_signed_hocba_is_recognised_and_a_changed_one_flagged(
    unit: Any, demo_user: Any, pki: Any, api_for: Any
) -> None:
    version = _ht_signed(unit, demo_user, pki)
    pdf = hocba_blob(version.pdf_sha256)
    body = _post(api_for, pdf).json()
    assert body["issued_by_hoso"] is True
    assert body["hoso_file"].startswith("học bạ số")
    assert all(s["made_by_hoso"] for s in body["signatures"])

    body = _post(api_for, _info_update(pdf)).json()
    assert body["issued_by_hoso"] is False
    assert body["signatures"][-1]["changed_outside_hoso"] is True
    assert body["all_valid"] is False
    assert body["verdict"].startswith("CẢNH BÁO")
