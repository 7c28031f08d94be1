"""Học bạ signing takes only a certificate registered to the signer (issue 11, item 4): a
PKCS#12 uploaded on the học bạ page for one signature, self-signed or someone else's, is
refused and the version stays as it was; with personal keys off the server (the default
outside the demo), the upload itself is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.grading.hocba.services.versions import hocba_create
from hoso.grading.models import HocBaStatus
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.grading.tests.test_outputs_hocba import _complete_year
from hoso.signing.demo import create_demo_pki
from hoso.signing.engine import pki as demo_pki
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> Any:
    """Lớp 1A with its GVCN holding a demo certificate registered to them, as in the demo."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = gradebook_as_in_the_demo("th1.1A")
    create_demo_pki(users=[gvcn_of(world.units["th1.1A"])], schools=[])
    return world


def _draft(world: Any) -> Any:
    lop = world.units["th1.1A"]
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    return lop, hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)


def _self_signed_p12(tmp_path: Any) -> bytes:
    ca = demo_pki.create_demo_ca(tmp_path / "tu-cap")  # a CA of one's own making
    return demo_pki.export_pkcs12(demo_pki.issue_person_cert(ca, "Tự Cấp"), ca, "pw")


def _post_p12(client: Any, version: Any, p12: bytes) -> str:
    response = client.post(
        f"/so-diem/hoc-ba/{version.pk}/ky/",
        {"p12": SimpleUploadedFile("tu-cap.p12", p12), "passphrase": "pw"},
        follow=True,
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_an_unregistered_pkcs12_at_the_gvcn_step_is_refused_and_nothing_sticks(
    world: Any, tmp_path: Any
) -> None:
    lop, version = _draft(world)
    before = version.pdf_sha256
    client = login(gvcn_of(lop))
    page = _post_p12(client, version, _self_signed_p12(tmp_path))
    assert "chưa được đăng ký cho bạn" in page
    version.refresh_from_db()
    assert (version.status, version.pdf_sha256) == (HocBaStatus.DRAFT, before)
    assert not version.signatures.exists()


def test_with_personal_keys_off_the_server_the_upload_itself_is_refused(
    world: Any, tmp_path: Any, settings: Any
) -> None:
    settings.HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER = False
    lop, version = _draft(world)
    page = _post_p12(login(gvcn_of(lop)), version, _self_signed_p12(tmp_path))
    assert "không cho phép giữ khóa bí mật cá nhân trên máy chủ" in page
    version.refresh_from_db()
    assert version.status == HocBaStatus.DRAFT and not version.signatures.exists()
