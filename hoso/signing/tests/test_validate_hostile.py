"""The validator on files other tools make: every case gets a verdict (never an exception), the
right one, with every problem that applies, the most serious first."""

from __future__ import annotations

import datetime as dt

import pytest
from pyhanko.sign import fields, timestamps

from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, build_validation_context
from hoso.signing.tests import hostile


@pytest.fixture(scope="module")
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


@pytest.fixture(scope="module")
def stranger_tsa():
    """A time-stamp authority of a CA nobody configured."""
    with LocalTrustServices(pki.create_demo_ca()) as services:
        yield services


@pytest.fixture(scope="module")
def bt(env):
    return hostile.sign_stock(
        sample_pdf(1),
        hostile.stock_signer(env, env.principal),
        timestamper=timestamps.HTTPTimeStamper(env.services.tsa_url),
    )


def _only(report):
    assert report.error is None, report.error
    return report


def test_document_timestamp_is_validated_as_a_timestamp(validator, env, bt):
    pdf = hostile.add_doc_timestamp(bt, env.services.tsa_url)
    report = _only(validator.validate(pdf))
    kinds = [s.kind for s in report.signatures]
    assert kinds == ["signature", "doc_timestamp"]
    assert report.signatures[1].verdict.startswith("HỢP LỆ")
    assert report.all_valid is True
    assert report.changed_after_last_signature is False


def test_encapsulated_content_gets_a_verdict(validator, env):
    signed = hostile.sign_stock(sample_pdf(1), hostile.stock_signer(env, env.principal))
    report = validator.validate(hostile.encapsulate_content(signed))
    assert report.all_valid is False
    assert report.signatures[0].verdict.startswith("KHÔNG HỢP LỆ")
    assert "nội dung đóng gói" in report.signatures[0].verdict


def test_two_number_byte_range_gets_a_verdict(validator, env):
    signed = hostile.sign_stock(sample_pdf(1), hostile.stock_signer(env, env.principal))
    report = validator.validate(hostile.two_number_byte_range(signed))
    assert report.all_valid is False
    assert len(report.signatures) == 1
    assert report.signatures[0].verdict.startswith("KHÔNG HỢP LỆ")
    assert "ByteRange" in report.signatures[0].verdict


def test_disallowed_digest_is_named(validator, env):
    signed = hostile.sign_stock(
        sample_pdf(1), hostile.stock_signer(env, env.principal), md_algorithm="sha1"
    )
    report = validator.validate(signed)
    sig = report.signatures[0]
    assert report.all_valid is False
    assert sig.verdict.startswith("KHÔNG HỢP LỆ")
    assert "sha1" in sig.verdict
    assert "chuỗi tin cậy" not in sig.verdict


def test_claimed_time_after_expiry_does_not_decide(validator, env):
    """The signer's own clock (/M) says a year after the certificate expires; the certificate is
    valid now and nothing proves another time: valid, and the report says the time is claimed."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    signer = hostile.stock_signer(env, env.principal)
    signed = hostile.with_claimed_time(later, lambda: hostile.sign_stock(sample_pdf(1), signer))
    sig = validator.validate(signed).signatures[0]
    assert sig.signing_time_source == "claimed"
    assert sig.verdict.startswith("HỢP LỆ"), sig.verdict
    assert "tự khai" in sig.verdict


def test_time_stamp_time_decides_not_the_claim(validator, env):
    """A claimed time before the certificate existed, but a trusted time-stamp inside its
    validity: the time-stamp decides."""
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=3000)
    signer = hostile.stock_signer(env, env.principal)
    tsa = timestamps.HTTPTimeStamper(env.services.tsa_url)
    signed = hostile.with_claimed_time(
        earlier, lambda: hostile.sign_stock(sample_pdf(1), signer, timestamper=tsa)
    )
    sig = validator.validate(signed).signatures[0]
    assert sig.signing_time_source == "timestamp"
    assert sig.verdict.startswith("HỢP LỆ"), sig.verdict


def test_untrusted_time_stamp_is_reported_as_such(validator, env, stranger_tsa):
    signed = hostile.sign_stock(
        sample_pdf(1),
        hostile.stock_signer(env, env.principal),
        timestamper=timestamps.HTTPTimeStamper(stranger_tsa.tsa_url),
    )
    sig = validator.validate(signed).signatures[0]
    assert sig.verdict.startswith("KHÔNG HỢP LỆ")
    assert "dấu thời gian" in sig.verdict
    assert "bị thay đổi" not in sig.verdict


def test_form_filling_on_certified_document_is_allowed(validator, env):
    certified = hostile.sign_stock(
        sample_pdf(1),
        hostile.stock_signer(env, env.principal),
        certify=True,
        docmdp=fields.MDPPerm.FILL_FORMS,
    )
    both = hostile.sign_stock(
        certified, hostile.stock_signer(env, env.teacher), field_name="ChuKy2"
    )
    report = validator.validate(both)
    assert [s.verdict[:7] for s in report.signatures] == ["HỢP LỆ:", "HỢP LỆ:"]
    assert report.all_valid is True


def test_disallowed_change_is_reported_first_not_as_expiry(validator, env):
    certified = hostile.sign_stock(
        sample_pdf(1),
        hostile.stock_signer(env, env.principal),
        certify=True,
        docmdp=fields.MDPPerm.FILL_FORMS,
    )
    report = validator.validate(hostile.add_page_text(certified))
    sig = report.signatures[0]
    assert report.all_valid is False
    assert sig.problems, sig
    assert "thay đổi không được phép" in sig.problems[0]
    assert "hiệu lực" not in sig.verdict


def test_every_problem_is_listed_most_serious_first(validator, env, stranger_tsa):
    """Untrusted signer, untrusted time-stamp and a later disallowed change: three problems,
    the change first."""
    stranger = pki.create_demo_ca()
    issued = pki.issue_person_cert(stranger, "Người Lạ")
    signer = hostile.signers_for(stranger, issued)
    signed = hostile.sign_stock(
        sample_pdf(1),
        signer,
        certify=True,
        docmdp=fields.MDPPerm.NO_CHANGES,
        timestamper=timestamps.HTTPTimeStamper(stranger_tsa.tsa_url),
    )
    sig = validator.validate(hostile.add_page_text(signed)).signatures[0]
    assert len(sig.problems) == 3, sig.problems
    assert "thay đổi không được phép" in sig.problems[0]
    assert any("chuỗi tin cậy" in p for p in sig.problems[1:])
    assert any("dấu thời gian" in p for p in sig.problems[1:])


def test_damaged_dss_stream_gets_a_verdict(env):
    vc = build_validation_context(env.roots, other_certs=env.intermediates, allow_fetching=True)
    blt = sign_pdf(
        sample_pdf(1),
        env.signer(env.principal),
        level="B-LT",
        tsa_url=env.services.tsa_url,
        validation_context=vc,
    )
    damaged = hostile.damage_dss_stream(blt)
    report = PdfValidator(env.roots, other_certs=env.intermediates).validate(damaged)
    assert report.verdict
    assert len(report.signatures) == 1
    assert report.signatures[0].intact is True


def test_b_lt_validation_data_is_not_a_change_but_an_info_edit_is(env):
    vc = build_validation_context(env.roots, other_certs=env.intermediates, allow_fetching=True)
    blt = sign_pdf(
        sample_pdf(1),
        env.signer(env.principal),
        level="B-LT",
        tsa_url=env.services.tsa_url,
        validation_context=vc,
    )
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    report = validator.validate(blt)
    assert report.all_valid is True
    assert report.validation_updates_only is True
    assert report.changed_after_last_signature is False
    assert report.verdict.startswith("HỢP LỆ")

    edited = hostile.info_edit(blt)
    report = validator.validate(edited)
    assert report.validation_updates_only is False
    assert report.changed_after_last_signature is True
