"""A học bạ is kept permanently: signed by GVCN, principal and the school's seal at B-LT, issued
as B-LTA, it stays valid for HoSo after the three certificates and the issuing CA have
expired (moved clock); pdfsig and pyHanko's own validator accept it with revocation data.
Lớp 1A's GVCN, the principal, the clerk and the school's seal hold demo certificates
(create_demo_pki, whose CA and time-stamping authority serve the revocation data and the
time-stamps here)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.services.versions import hocba_create
from hoso.grading.hocba.verify import verify_version
from hoso.grading.models import HocBaStatus
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.grading.tests.test_hocba_verify_batch import _sign
from hoso.grading.tests.test_outputs_hocba import _complete_year
from hoso.signing import conf
from hoso.signing import demo as signing_demo
from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices, to_asn1_cert
from hoso.signing.engine.validate import build_validation_context, pdfsig_report
from hoso.signing.models import Certificate
from hoso.signing.verification import validator

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> Any:
    world = gradebook_as_in_the_demo("th1.1A")
    signers = [gvcn_of(world.units["th1.1A"])]
    signers += [world.people["th1.hieutruong"], world.people["th1.vanthu"]]
    signing_demo.create_demo_pki(users=signers, schools=[world.units["th1"]])
    return world


def _reissue(ca: pki.DemoCA, **holder: Any) -> pki.Issued:
    """A PKCS#12 certificate of the served CA (its OCSP/CRL answer in this test)."""
    if "owner" in holder:
        user = holder["owner"]
        issued = pki.issue_person_cert(ca, user.first_name)
        Certificate.objects.filter(owner=user).update(status="retired")
        name = f"people/{user.username}-lt.p12"
    else:
        school = holder["unit"]
        issued = pki.issue_seal_cert(ca, school.name)
        Certificate.objects.filter(unit=school).update(status="retired")
        name = f"seals/{school.code}-lt.p12"
    signing_demo._register(ca, issued, conf.pki_dir() / name, b"", **holder)
    Certificate.objects.filter(**holder, status="active").update(image_sha256="")
    return issued


def test_issued_hocba_stays_valid_after_certificates_and_ca_expire(
    world: Any, settings: Any
) -> None:
    ca = signing_demo.load_ca(conf.pki_dir())
    tsa = signing_demo.load_tsa(conf.pki_dir())
    assert tsa is not None  # the demo TSA has a chain of its own
    with LocalTrustServices(ca, tsa=tsa[0], tsa_chain=tsa[1]) as services:
        ca.ocsp_url, ca.crl_url = services.ocsp_url, services.crl_url
        settings.HOSO_SIGNING_TSA_URL = services.tsa_url
        settings.HOSO_SIGNING_LEVEL = "B-LT"
        lop = world.units["th1.1A"]
        pupil = first_student(lop, 3)
        _complete_year(lop, pupil)
        gvcn, ht, vt = gvcn_of(lop), world.people["th1.hieutruong"], world.people["th1.vanthu"]
        issued = [
            _reissue(ca, owner=gvcn),
            _reissue(ca, owner=ht),
            _reissue(ca, unit=lop.school),
        ]
        version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
        _sign(gvcn, version)
        _sign(ht, version)
        _sign(vt, version, seal=True)
    version.refresh_from_db()
    assert version.status == HocBaStatus.ISSUED
    assert verify_version(version).ok, verify_version(version).problems
    pdf = read_blob(version.pdf_sha256)

    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(pdf), strict=False))
    assert len(dss.ocsps) >= 3  # one per signer at least
    expired = max(
        [i.cert.not_valid_after_utc for i in issued] + [ca.intermediate.cert.not_valid_after_utc]
    ) + dt.timedelta(days=1)
    report = validator().validate(pdf, now=expired)
    assert [s.kind for s in report.signatures] == ["signature"] * 3 + ["doc_timestamp"]
    assert report.all_valid, [s.verdict for s in report.signatures]
    assert {s.signing_time_source for s in report.signatures[:3]} == {"timestamp"}

    sigs = pdfsig_report(pdf)  # poppler judges the signatures, not RFC 3161 time-stamps
    assert [s.get("Signature Validation") for s in sigs[:3]] == ["Signature is Valid."] * 3
    vc = build_validation_context(
        conf.trust_anchors(),
        other_certs=[to_asn1_cert(ca.intermediate.cert)],
        ocsps=[o.get_object().data for o in dss.ocsps],
    )
    for sig in PdfFileReader(BytesIO(pdf)).embedded_regular_signatures:
        assert validate_pdf_signature(sig, vc).bottom_line
