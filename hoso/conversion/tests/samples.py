"""Test samples: hand-written PDFs (exact bytes, so nothing "fixes" them) and a DOCX."""

from __future__ import annotations

TEXT = b"BT /F1 24 Tf 72 720 Td (Ke hoach bai day tuan 12) Tj ET"


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def raw_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object i+1 is objects[i]; object 1 is the catalog. Offsets are exact."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def one_page(
    catalog_extra: bytes = b"",
    page_extra: bytes = b"",
    content: bytes = TEXT,
    count: int = 1,
    more: list[bytes] | None = None,
) -> bytes:
    """Catalog 1, pages 2, page 3, content 4, font 5, then `more` as objects 6, 7, …"""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> %s>>" % page_extra,
            stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *(more or []),
        ]
    )


def image_only_pdf() -> bytes:
    """One page showing a tiny grey image: what a scanner without OCR produces."""
    pixels = bytes(range(0, 256, 16)) * 16
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"q 500 0 0 700 40 70 cm /Im1 Do Q"),
            stream(
                pixels,
                b"/Type /XObject /Subtype /Image /Width 16 /Height 16 "
                b"/ColorSpace /DeviceGray /BitsPerComponent 8 ",
            ),
        ]
    )


def signed_looking_pdf() -> bytes:
    """A filled signature field (structure only; the CMS blob is a placeholder)."""
    return one_page(
        catalog_extra=b"/AcroForm << /Fields [6 0 R] /SigFlags 3 >> ",
        more=[
            b"<< /FT /Sig /T (Hieu truong) /V 7 0 R /Type /Annot /Subtype /Widget "
            b"/Rect [0 0 0 0] /P 3 0 R >>",
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
            b"/ByteRange [0 100 200 300] /Contents <3082> >>",
        ],
    )


def docx(paragraphs: list[str]) -> bytes:
    """A minimal but valid DOCX (what Word needs, nothing more)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}'
            "<w:sectPr/></w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
