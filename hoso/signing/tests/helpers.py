"""Shared test helpers."""

from __future__ import annotations

from hoso.signing.engine.validate import DocumentReport, PdfValidator, pdfsig_all_intact


def assert_all_valid(pdf: bytes, validator: PdfValidator, expected: int) -> DocumentReport:
    """Every signature valid for pyHanko (with trust) AND intact for poppler's pdfsig."""
    report = validator.validate(pdf)
    assert len(report.signatures) == expected
    assert report.all_valid, [s.verdict for s in report.signatures]
    assert pdfsig_all_intact(pdf, expected)
    return report
