"""Builders of the awkward signed PDFs the validator must judge without failing: document
time-stamps, CMS with encapsulated content, two-number byte ranges, weak digests, claimed
signing times outside the certificate's validity, certified documents with allowed and
disallowed later changes, damaged DSS streams. Each builder starts from a PDF signed with
pyHanko's stock classes so the file is otherwise ordinary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import BytesIO
from typing import Any
from unittest import mock

from asn1crypto import cms, core
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper


def stock_signer(env: Any, issued: Any) -> signers.SimpleSigner:
    """pyHanko's own `SimpleSigner` for a demo certificate (no HoSo speed-ups)."""
    from hoso.signing.tests.conftest import PASS

    return signers.SimpleSigner.load_pkcs12_data(env.p12(issued), None, PASS.encode())  # type: ignore[return-value]


def sign_stock(
    pdf: bytes,
    signer: signers.Signer,
    *,
    field_name: str = "ChuKy1",
    md_algorithm: str = "sha256",
    timestamper: Any = None,
    certify: bool = False,
    docmdp: fields.MDPPerm | None = None,
    field_lock: fields.FieldMDPSpec | None = None,
    new_field: bool = True,
) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md_algorithm,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=docmdp or fields.MDPPerm.FILL_FORMS,
    )
    spec = None
    if new_field:
        spec = fields.SigFieldSpec(field_name, field_mdp_spec=field_lock)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    signers.PdfSigner(meta, signer, timestamper=timestamper, new_field_spec=spec).sign_pdf(
        writer, output=out
    )
    return out.getvalue()


def with_claimed_time(when: dt.datetime, sign: Callable[[], bytes]) -> bytes:
    """Run `sign` with pyHanko's clock (the /M entry, the signer's own claim) set to `when`."""

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Clock:  # type: ignore[override]
            return when.astimezone(tz) if tz else when  # type: ignore[return-value]

    with mock.patch("pyhanko.sign.signers.pdf_signer.datetime", Clock):
        return sign()


def add_doc_timestamp(pdf: bytes, tsa_url: str) -> bytes:
    """Append a PAdES document time-stamp (/DocTimeStamp) as pyHanko does."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    PdfTimeStamper(timestamps.HTTPTimeStamper(tsa_url)).timestamp_pdf(writer, "sha256", output=out)
    return out.getvalue()


def _contents_span(pdf: bytes, index: int = -1) -> tuple[int, int]:
    """Start/end of the hex string of the `index`-th /Contents <...> of a signature."""
    spans = [m.span(1) for m in re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", pdf)]
    return spans[index]


def replace_cms(pdf: bytes, edit: Callable[[cms.ContentInfo], None], index: int = -1) -> bytes:
    """Rewrite the CMS of a signature in place (same /Contents size; outside the byte range)."""
    start, end = _contents_span(pdf, index)
    raw = bytes.fromhex(pdf[start:end].decode())
    info = cms.ContentInfo.load(raw.rstrip(b"\x00"))
    edit(info)
    new = info.dump(force=True).hex().encode()
    assert len(new) <= end - start, "CMS grew beyond the reserved /Contents"
    return pdf[:start] + new + b"0" * (end - start - len(new)) + pdf[end:]


def encapsulate_content(pdf: bytes) -> bytes:
    """A detached PAdES CMS turned into one carrying encapsulated content."""

    def edit(info: cms.ContentInfo) -> None:
        info["content"]["encap_content_info"]["content"] = core.OctetString(b"noi dung")

    return replace_cms(pdf, edit)


def two_number_byte_range(pdf: bytes) -> bytes:
    """`/ByteRange [0 a b c]` → `/ByteRange [0 a]` padded with spaces (offsets unchanged)."""
    match = re.search(rb"/ByteRange\s*\[([^\]]*)\]", pdf)
    assert match is not None
    numbers = match.group(1).split()
    new = b" ".join(numbers[:2])
    padded = new + b" " * (len(match.group(1)) - len(new))
    return pdf[: match.start(1)] + padded + pdf[match.end(1) :]


def add_page_text(pdf: bytes) -> bytes:
    """An incremental update drawing text on page 1: a change no signature allows."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 20 Tf 100 100 Td (GIA MAO) Tj ET")
    contents = page["/Contents"]
    kids = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*kids, writer.add_object(stream)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def damage_dss_stream(pdf: bytes) -> bytes:
    """Flip one byte inside the data of a stream referenced from the /DSS (an OCSP or CRL)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    dss = reader.root["/DSS"]
    for key in ("/OCSPs", "/CRLs", "/Certs"):
        if key in dss:
            ref = dss.raw_get(key)
            array = ref.get_object() if isinstance(ref, generic.IndirectObject) else ref
            target = array.raw_get(0)
            break
    else:
        raise AssertionError("no DSS stream")
    header = f"\n{target.idnum} {target.generation} obj".encode()
    obj_at = pdf.rindex(header)
    data_at = pdf.index(b"stream", obj_at) + len(b"stream\n") + 10
    return pdf[:data_at] + bytes([pdf[data_at] ^ 0xFF]) + pdf[data_at + 1 :]


def signers_for(ca: Any, issued: Any) -> signers.SimpleSigner:
    """pyHanko's `SimpleSigner` for a certificate of any demo CA (e.g. one nobody trusts)."""
    from hoso.signing.engine import pki

    data = pki.export_pkcs12(issued, ca, "x")
    return signers.SimpleSigner.load_pkcs12_data(data, None, b"x")  # type: ignore[return-value]


def info_edit(pdf: bytes) -> bytes:
    """An incremental update that only rewrites /Info (PDF validators accept it)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    info = generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Sửa")})
    writer.set_info(writer.add_object(info))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(pdf: bytes) -> bytes:
    """An incremental update adding a text note (sticky note) on page 1."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (50, 50, 70, 70)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Ghi chú"),
        }
    )
    annots = page.get("/Annots")
    kids = list(annots) if annots is not None else []
    page["/Annots"] = generic.ArrayObject([*kids, writer.add_object(note)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
