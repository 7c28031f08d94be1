"""Verdicts look like verdicts: valid, invalid, changed after signing and unknown each have
their class, symbol and words, the plain reason first and the technical details folded."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from hoso.records.models import RecordState, RecordVersion
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services.signing import version_seal, version_sign
from hoso.signing.documents import read_blob
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from hoso.signing.verdict_kinds import document_kind, signature_kind, verdict_of
from tests.factories import World, login, signing_world

PASS = "hoso-demo-2025"

GOOD = {
    "intact": True,
    "crypto_valid": True,
    "trusted": True,
    "revoked": False,
    "cert_valid_at_signing": True,
    "docmdp_ok": None,
    "bottom_line": True,
    "verdict": "HỢP LỆ: Nguyễn Văn Thêm (ký lúc 09:15, 20/05/2025); tài liệu không thay đổi.",
}


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({}, "valid"),
        ({"intact": False, "bottom_line": False}, "changed"),
        ({"docmdp_ok": False, "bottom_line": False}, "changed"),
        ({"changed_outside_hoso": True}, "changed"),
        ({"revoked": True, "cert_valid_at_signing": False, "bottom_line": False}, "invalid"),
        ({"crypto_valid": False, "bottom_line": False}, "invalid"),
        ({"cert_valid_at_signing": False, "bottom_line": False}, "invalid"),  # expired
        ({"trusted": False, "bottom_line": False}, "unknown"),
    ],
)
def test_each_signature_gets_one_of_four_kinds(change: dict[str, Any], kind: str) -> None:
    assert signature_kind(GOOD | change) == kind


def test_a_file_takes_the_most_telling_kind_of_its_signatures() -> None:
    untrusted = GOOD | {"trusted": False, "bottom_line": False}
    revoked = GOOD | {"revoked": True, "bottom_line": False}
    assert document_kind({"signatures": [GOOD, GOOD]}) == "valid"
    assert document_kind({"signatures": [GOOD, untrusted]}) == "unknown"
    assert document_kind({"signatures": [untrusted, revoked]}) == "invalid"
    assert document_kind({"signatures": [GOOD], "changed_after_last_signature": True}) == "changed"
    assert document_kind({"signatures": []}) == "unknown"
    assert document_kind({"kind": "cades", **GOOD}) == "valid"


def test_the_reason_is_plain_vietnamese_without_the_shouted_heading() -> None:
    verdict = verdict_of({"signatures": [GOOD], "verdict": "HỢP LỆ: cả 1 chữ ký hợp lệ."})
    assert (verdict.kind, verdict.title, verdict.reason) == (
        "valid",
        "Hợp lệ",
        "Cả 1 chữ ký hợp lệ.",
    )
    one = verdict_of(GOOD | {"trusted": False, "bottom_line": False}, whole=False)
    assert (one.kind, one.title) == ("unknown", "Chưa xác minh được")


def _issued(world: World) -> RecordVersion:
    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    version_seal(actor=world.people["vanthu"], record_id=record.pk, passphrase=PASS)
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    return RecordVersion.objects.get(record=record)


def _info_edited(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    title = generic.TextStringObject("Sửa")
    writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): title}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flipped(pdf: bytes) -> bytes:
    data = bytearray(pdf)
    at = data.index(b"Contents") - 200
    data[at] = (data[at] + 1) % 256
    return bytes(data)


@pytest.mark.django_db
@pytest.mark.own_world
def test_the_validation_page_marks_each_verdict(settings: Any) -> None:
    # Given a record signed and sealed in a primary school whose people hold certificates
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    world = signing_world("vk")
    signed = read_blob(_issued(world).signed_sha256)
    client = login(world.people["hieutruong"])
    files = {
        "valid": signed,
        "changed": _info_edited(signed),
        "unknown": simple_pdf("Không ký", ["Tệp chưa có chữ ký số"]),
    }
    for kind, pdf in files.items():
        html = client.post("/ky-so/kiem-tra/", {"file": io.BytesIO(pdf)}).content.decode()
        head = re.search(
            r'<article class="validation-report verdict (\w+)" data-verdict="(\w+)"', html
        )
        assert head and head.groups() == (kind, kind), (kind, head)
        assert '<svg class="verdict-icon"' in html  # a symbol beside the words, not colour alone
    flipped = client.post("/ky-so/kiem-tra/", {"file": io.BytesIO(_flipped(signed))}).content
    assert (
        'data-verdict="changed"' in flipped.decode() or 'data-verdict="invalid"' in flipped.decode()
    )
    html = client.post("/ky-so/kiem-tra/", {"file": io.BytesIO(signed)}).content.decode()
    assert '<strong class="verdict-title">Hợp lệ</strong>' in html
    assert html.index("verdict-reason") < html.index("<details>")  # reason first, details folded
    assert "Chi tiết kỹ thuật" in html
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", html)  # times read 20:16, 03/12/2026
    assert re.search(r"\d\d:\d\d, \d\d/\d\d/\d{4}", html)
