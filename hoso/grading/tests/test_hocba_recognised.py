"""The signing app's validation page recognises every học bạ HoSo signed, so a changed học
bạ is flagged like a changed record (it used to check record hashes only)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from hoso.grading.hocba.selectors import read_blob as hocba_blob
from hoso.grading.tests.conftest import gvcn_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.grading.tests.test_hocba_verify_batch import _ht_signed, _info_update
from hoso.grading.tests.test_outputs_hocba import pki_files
from tests.factories import api_login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
__all__ = ["pki_files"]


@pytest.fixture
def world() -> Any:
    return gradebook_as_in_the_demo("th1.1A")


@pytest.fixture
def pki(pki_files: Any, settings: Any, world: Any) -> Any:
    """As test_outputs_hocba's `pki`: keys of a test CA that the verification trusts, their
    certificates registered to Lớp 1A's GVCN, the principal and th1's seal."""
    from hoso.signing.services.certificates import certificate_register

    directory, keys = pki_files
    settings.HOSO_SIGNING_TRUST_ANCHORS = [str(directory / "root.pem")]
    settings.HOSO_SIGNING_INTERMEDIATES = [str(directory / "intermediate.pem")]
    principal, lop = world.people["th1.hieutruong"], world.units["th1.1A"]
    for who, owner, school in (
        ("gvcn", gvcn_of(lop), None),
        ("ht", principal, None),
        ("seal", principal, lop.school),
    ):
        certificate_register(actor=owner, data=keys[who], passphrase="pw", unit=school)
    return keys


def _post(world: Any, pdf: bytes) -> Any:
    return api_login(world.people["th1.hieutruong"]).post(
        "/api/v1/signatures/validate/", {"file": io.BytesIO(pdf)}, format="multipart"
    )


def test_signed_hocba_is_recognised_and_a_changed_one_flagged(world: Any, pki: Any) -> None:
    version = _ht_signed(lambda key: world.units[key], lambda name: world.people[name], pki)
    pdf = hocba_blob(version.pdf_sha256)
    body = _post(world, pdf).json()
    assert body["issued_by_hoso"] is True
    assert body["hoso_file"].startswith("học bạ số")
    assert all(s["made_by_hoso"] for s in body["signatures"])

    body = _post(world, _info_update(pdf)).json()
    assert body["issued_by_hoso"] is False
    assert body["signatures"][-1]["changed_outside_hoso"] is True
    assert body["all_valid"] is False
    assert body["verdict"].startswith("CẢNH BÁO")
