"""A teacher of two subjects of a class signs the score book with a USB token: the batch plan
lists the book once per subject, so the agent asks for ONE confirmation and PIN, and the page
signs both blocks one after the other through the two-phase pair (the token's signature over
each digest is made here with the certificate's key; the agent is tested with SoftHSM2 in
tests/browser). Remote signing cannot do the same: see docs/books.md."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from rest_framework.test import APIClient

from hoso.records.models import RecordVersion
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.models import Backend, Certificate, SignatureRecord
from hoso.signing.services.certificates import certificate_register

from .teachers_world import ClassWorld, submitted_book, teachers_world
from .test_score_book_pdf import _valid_everywhere

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
PLAN = "/api/v1/signing/usb-batches/"


@pytest.fixture
def cw() -> ClassWorld:
    return teachers_world("usb")


def _on_token(user: Any) -> Any:
    """`user`'s certificate registered as one on a USB token (the key stays here)."""
    issued = pki.issue_person_cert(load_ca(conf.pki_dir()), user.first_name)
    Certificate.objects.filter(owner=user).update(status="retired")
    certificate_register(
        actor=user,
        data=issued.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.EXTERNAL,
        key_ref={"key_id": "07"},
    )
    return issued


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _token_signs(api: APIClient, issued: Any, record_id: int) -> dict[str, Any]:
    base = f"/api/v1/records/{record_id}/sign/"
    prep = api.post(base + "prepare/", {}, format="json")
    assert prep.status_code == 201, prep.json()
    digest = base64.b64decode(prep.json()["digest_b64"])
    signature = issued.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    done = api.post(
        base + "complete/",
        {"session": prep.json()["session"], "signature_b64": base64.b64encode(signature).decode()},
        format="json",
    )
    assert done.status_code in (200, 201), done.json()
    return done.json()


def test_two_subjects_are_two_entries_of_one_plan_and_both_blocks_get_signed(
    cw: ClassWorld,
) -> None:
    teacher = cw["giaovien"]  # Toán and Tin học
    issued = _on_token(teacher)
    record = submitted_book(cw)
    api = _api(teacher)
    plan = api.post(PLAN, {"records": [record.pk]}, format="json")
    assert plan.status_code == 200, plan.json()
    documents = plan.json()["documents"]
    assert [(d["record"], d["part"]) for d in documents] == [
        (record.pk, "Toán"),
        (record.pk, "Tin học"),
    ]
    assert documents[0]["title"].endswith(" — Toán")
    for _entry in documents:  # what the page does under the agent's one confirmation
        _token_signs(api, issued, record.pk)
    rows = SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id")
    assert list(rows.values_list("field_name", flat=True)) == ["GVBM-toan", "GVBM-tin_hoc"]
    assert {row.backend for row in rows} == {Backend.EXTERNAL}
    _valid_everywhere(read_blob(RecordVersion.objects.get(record=record).signed_sha256), 2)
    # nothing of this book is left for the teacher: a new plan finds nothing to sign
    again = api.post(PLAN, {"records": [record.pk]}, format="json")
    assert again.status_code == 400


def test_a_teacher_of_one_subject_has_one_entry_without_a_part(cw: ClassWorld) -> None:
    _on_token(cw["giaovien2"])  # Ngữ văn
    record = submitted_book(cw)
    plan = _api(cw["giaovien2"]).post(PLAN, {"records": [record.pk]}, format="json")
    assert [(d["record"], d["part"]) for d in plan.json()["documents"]] == [(record.pk, "Ngữ văn")]
