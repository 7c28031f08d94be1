"""Shared test helpers."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from hoso.signing.engine.validate import DocumentReport, PdfValidator, pdfsig_all_intact


def assert_all_valid(pdf: bytes, validator: PdfValidator, expected: int) -> DocumentReport:
    """Every signature valid for pyHanko (with trust) AND intact for poppler's pdfsig."""
    report = validator.validate(pdf)
    assert len(report.signatures) == expected
    assert report.all_valid, [s.verdict for s in report.signatures]
    assert pdfsig_all_intact(pdf, expected)
    return report


DS = "{http://www.w3.org/2000/09/xmldsig#}"
ID_ATTRS = [
    "urn:hoso:hoc-ba:1:HocBa",
    "http://www.w3.org/2000/09/xmldsig#:Signature",
    "http://www.w3.org/2000/09/xmldsig#:KeyInfo",
    "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
]


def xmlsec1_verify(xml: bytes, ca_files: tuple[Path, Path], tmp_path: Path) -> list[bool]:
    """Debian's `xmlsec1 --verify` on each signature of the envelope, chosen by its Id, with
    the root CA trusted and the issuing CA given: one verdict per signature, in order."""
    path = tmp_path / "signed.xml"
    path.write_bytes(xml)
    ids = [s.get("Id") for s in etree.fromstring(xml).findall(f"{DS}Signature")]  # noqa: S320
    results = []
    for signature_id in ids:
        command = ["xmlsec1", "--verify", "--node-id", signature_id]
        for id_attr in ID_ATTRS:
            command += ["--id-attr:Id", id_attr]
        command += ["--trusted-pem", str(ca_files[0]), "--untrusted-pem", str(ca_files[1])]
        done = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
        results.append(done.returncode == 0)
    return results
