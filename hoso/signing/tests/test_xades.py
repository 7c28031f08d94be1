"""XAdES on an XML signed in turn by several people, checked by Debian's `xmlsec1` (an
independent implementation), and the signed XML carried inside the PDF signature that goes
with it without disturbing earlier signatures (stock pyHanko, poppler's pdfsig)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine.appearance import signer_appearance
from hoso.signing.engine.attachments import (
    Attachment,
    attach_to_document,
    attached_files,
    latest_attachment,
)
from hoso.signing.engine.demo_images import demo_signature_png
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.signers import Pkcs11Signer
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import pdfsig_report
from hoso.signing.engine.xades import envelope, sign_xml, verify_xml
from hoso.signing.tests.helpers import DS, xmlsec1_verify

DATA = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<HocBa xmlns="urn:hoso:hoc-ba:1" phienBan="1"><HocSinh>Nguyễn Văn An</HocSinh>'
    '<Mon ma="toan"><DiemKTDK>9</DiemKTDK></Mon></HocBa>'
).encode()


@pytest.fixture(scope="module")
def ca_files(env, tmp_path_factory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("xades-ca")
    root, inter = directory / "root.pem", directory / "intermediate.pem"
    root.write_bytes(env.ca.root.cert_pem())
    inter.write_bytes(env.ca.intermediate.cert_pem())
    return root, inter


def _three_signatures(env) -> bytes:
    xml = envelope(DATA, container="HocBaKySo")
    for person, role in ((env.teacher, "GVCN"), (env.principal, "HT"), (env.seal, "Dấu")):
        xml = sign_xml(xml, env.signer(person), role=role, description="Học bạ số")
    return xml


def test_three_signers_in_turn_each_verify_with_xmlsec1(env, ca_files, tmp_path):
    xml = _three_signatures(env)
    assert xmlsec1_verify(xml, ca_files, tmp_path) == [True, True, True]
    checks = verify_xml(xml)
    assert [(c.signer, c.role, c.ok) for c in checks] == [
        ("Phạm Thị Hương", "GVCN", True),
        ("Nguyễn Văn Thêm", "HT", True),
        ("Trường THCS Đống Đa", "Dấu", True),
    ]


def test_changed_data_breaks_every_signature_for_both_checkers(env, ca_files, tmp_path):
    changed = _three_signatures(env).replace(b"<DiemKTDK>9<", b"<DiemKTDK>10<")
    assert xmlsec1_verify(changed, ca_files, tmp_path) == [False, False, False]
    assert [c.ok for c in verify_xml(changed)] == [False, False, False]
    assert verify_xml(changed)[0].problem == "Nội dung đã bị thay đổi sau khi ký."


def test_a_removed_earlier_signature_breaks_the_later_one(env, ca_files, tmp_path):
    """Each signature covers the one before it: the order cannot be rewritten."""
    root = etree.fromstring(_three_signatures(env))
    root.remove(root.findall(f"{DS}Signature")[0])
    xml = etree.tostring(root)
    assert xmlsec1_verify(xml, ca_files, tmp_path) == [False, True]
    assert [c.ok for c in verify_xml(xml)] == [False, True]


def test_envelope_is_idempotent_and_keeps_the_data():
    once = envelope(DATA, container="HocBaKySo")
    assert envelope(once, container="HocBaKySo") == once
    data = etree.fromstring(once)[0]
    assert data.get("Id") == "HocBa" and data.findtext("{urn:hoso:hoc-ba:1}HocSinh")


@pytest.mark.softhsm
def test_a_token_key_signs_xml_without_leaving_the_token(env, softhsm, ca_files, tmp_path):
    with Pkcs11Signer(
        softhsm.lib, token_label=softhsm.label, pin=softhsm.pin, key_id=softhsm.key_id
    ) as signer:
        xml = sign_xml(envelope(DATA, container="HocBaKySo"), signer, role="HT", description="x")
    assert xmlsec1_verify(xml, ca_files, tmp_path) == [True]


def test_signed_xml_rides_on_each_pdf_signature_and_earlier_ones_stay_valid(env):
    """Unsigned XML in the catalog; each signer's XML on their own (visible, then invisible)
    signature. Stock pyHanko finds every signature valid with only allowed later changes;
    pdfsig finds each intact."""
    pdf = attach_to_document(sample_pdf(), Attachment("hoc-ba.xml", DATA))
    xml = envelope(DATA, container="HocBaKySo")
    steps = (
        (env.teacher, signer_appearance(demo_signature_png("GV"), page=0, box=(60, 60, 200, 120))),
        (env.principal, None),
        (env.seal, None),
    )
    for person, appearance in steps:
        signer = env.signer(person)
        xml = sign_xml(xml, signer, role="x", description="Học bạ số")
        pdf = sign_pdf(pdf, signer, appearance=appearance, attachment=Attachment("hoc-ba.xml", xml))
    assert [where for where, _, _ in attached_files(pdf)] == [
        "catalog",
        "ChuKy1",
        "ChuKy2",
        "ChuKy3",
    ]
    assert latest_attachment(pdf, "hoc-ba.xml") == xml
    assert [c.ok for c in verify_xml(latest_attachment(pdf, "hoc-ba.xml"))] == [True] * 3
    context = ValidationContext(trust_roots=env.roots, other_certs=env.intermediates)
    for signature in PdfFileReader(BytesIO(pdf)).embedded_signatures:
        status = validate_pdf_signature(signature, context)
        assert status.bottom_line, (signature.field_name, status.modification_level)
    report = pdfsig_report(pdf)
    assert len(report) == 3
    assert all(r.get("Signature Validation") == "Signature is Valid." for r in report)
