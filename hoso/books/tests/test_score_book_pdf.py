"""The signed score book checked by validators that are not HoSo's: poppler's pdfsig and stock
pyHanko (validate_pdf_signature, trusting the demo root). Every signature intact and valid,
the earlier ones still valid after the later ones (only form filling and signatures added),
and each signature in the block the form prints for its signer.

Needs the demo province: one test reads the score book of 6A the demo issued (hoso.books.demo);
the others build their own world (hoso.books.tests.teachers_world) and are marked own_world."""

from __future__ import annotations

import io
import subprocess
import tempfile
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from hoso.records.models import Record, RecordState
from hoso.records.services.signing import version_seal, version_sign
from hoso.signing import conf
from hoso.signing.documents import read_blob
from hoso.signing.models import SignatureRecord

from .teachers_world import password, submitted_book, teachers_world

ALLOWED = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


def _pdfsig(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdfsig", fh.name], capture_output=True, text=True, check=False)
    return [
        line.split(":", 1)[1].strip()
        for line in out.stdout.splitlines()
        if line.strip().startswith("- Signature Validation:")
    ]


def _pyhanko(pdf: bytes) -> list[Any]:
    context = ValidationContext(
        trust_roots=conf.trust_anchors(), other_certs=conf.intermediates(), allow_fetching=False
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    usage = KeyUsageConstraints(key_usage=set())  # the seal's certificate signs documents too
    return [
        validate_pdf_signature(sig, context, key_usage_settings=usage)
        for sig in reader.embedded_signatures
    ]


def _valid_everywhere(pdf: bytes, count: int) -> None:
    assert _pdfsig(pdf) == ["Signature is Valid."] * count
    statuses = _pyhanko(pdf)
    assert len(statuses) == count
    for status in statuses:
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.modification_level.name in ALLOWED, status.modification_level
        assert status.docmdp_ok is not False


@pytest.mark.django_db
@pytest.mark.own_world
def test_every_signature_of_the_chain_stays_valid_in_pdfsig_and_pyhanko() -> None:
    cw = teachers_world("pdf")
    record = submitted_book(cw)
    for who in ("giaovien", "giaovien2", "totruong", "hieutruong"):
        version_sign(actor=cw[who], record_id=record.pk, passphrase=password())
    version_seal(actor=cw["vanthu"], record_id=record.pk, passphrase=password())
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    rows = list(SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id"))
    assert len(rows) == 6
    for count, row in enumerate(rows, start=1):  # each file of the chain as it was then
        _valid_everywhere(read_blob(row.output_sha256), count)
    issued = read_blob(record.versions.get().signed_sha256)
    _valid_everywhere(issued, 6)
    names = [s.field_name for s in PdfFileReader(io.BytesIO(issued)).embedded_signatures]
    assert names == ["GVBM-toan", "GVBM-tin_hoc", "GVBM-ngu_van", "GVCN", "HT", "ChuKy1"]


def _page_text(pdf: bytes, page: int) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        number = str(page + 1)
        out = subprocess.run(
            ["pdftotext", "-f", number, "-l", number, "-layout", fh.name, "-"],
            capture_output=True,
            text=True,
            check=False,
        )
    return out.stdout


@pytest.mark.django_db
def test_the_demo_score_book_of_6a_is_issued_with_each_teachers_signature_in_their_block() -> None:
    from hoso.books.models import BookEdition

    edition = BookEdition.objects.select_related("record").get(
        kind="so_theo_doi", school_class__code__endswith="6A", number=1
    )
    record: Record = edition.record
    assert record.state == RecordState.ISSUED
    rows = list(SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id"))
    subjects = {t["code"]: t["name"] for t in edition.data["tables"]}
    teachers = [r for r in rows if r.role == "GVBM"]
    assert sorted(r.field_name for r in teachers) == sorted(f"GVBM-{c}" for c in subjects)
    assert [(r.role, r.field_name) for r in rows[len(teachers) :]] == [
        ("GVCN", "GVCN"),
        ("HT", "HT"),
        ("VT", "ChuKy1"),
    ]
    issued = read_blob(record.versions.get().signed_sha256)
    _valid_everywhere(issued, len(rows))
    for row in rows:  # the image in the blank of its own block, on that block's page
        page = " ".join(_page_text(issued, row.placement["page"]).split())  # lines wrap
        if row.role == "GVBM":  # a long block may start the next page: it is on the block's
            assert f"GIÁO VIÊN BỘ MÔN {subjects[row.field_name[5:]].upper()}" in page
        elif row.role in ("GVCN", "HT"):
            assert "GIÁO VIÊN CHỦ NHIỆM" in page and "HIỆU TRƯỞNG" in page
        assert row.placement["image"] is True
