"""Generate the hostile-file corpus (and a few benign files) into a directory.

    .venv/bin/python tests/hostile/make_corpus.py /tmp/corpus

Each case knows the error code `check_upload` must raise. Files are made at test time so no
binary is committed.
"""

from __future__ import annotations

import io
import struct
import sys
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from openpyxl import Workbook
from PIL import Image

from hoso.conversion.safety import Limits
from hoso.conversion.tests.samples import image_only_pdf, one_page, signed_looking_pdf, stream

Builder = Callable[[Path], object]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
REL_LINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    build: Builder
    code: str | None = None  # None: a benign file that must be accepted.
    limits: Limits = field(default_factory=Limits)


# ---- building blocks -------------------------------------------------------------------------


def write_zip(path: Path, parts: list[tuple[str, bytes]], flag_bits: int = 0) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Duplicate names are the point of one case.
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                info = zipfile.ZipInfo(name, date_time=(2026, 11, 24, 7, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    if flag_bits:
        path.write_bytes(_set_zip_flags(path.read_bytes(), flag_bits))


def _set_zip_flags(raw: bytes, flag_bits: int) -> bytes:
    """zipfile clears flag bits on write; set them in every local and central header."""
    out = bytearray(raw)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = out.find(signature)
        while start >= 0:
            flags = struct.unpack_from("<H", out, start + offset)[0] | flag_bits
            struct.pack_into("<H", out, start + offset, flags)
            start = out.find(signature, start + 4)
    return bytes(out)


def content_types(main: str = CT_DOCX, part: str = "/word/document.xml") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main}"/></Types>'
    ).encode()


def relationships(*rels: tuple[str, str, str]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"{mode}/>'
        for i, (t, target, mode) in enumerate(rels, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
        "</Relationships>"
    ).encode()


def document_xml(text: str = "Kế hoạch bài dạy tuần 12 — Ngữ văn 7", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "<w:sectPr/></w:body></w:document>"
    ).encode()


def docx_parts(
    document: bytes | None = None, doc_rels: bytes | None = None
) -> list[tuple[str, bytes]]:
    parts = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", relationships((REL_DOC, "word/document.xml", ""))),
        ("word/document.xml", document or document_xml()),
    ]
    if doc_rels is not None:
        parts.append(("word/_rels/document.xml.rels", doc_rels))
    return parts


def docx_bytes(**kwargs: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_parts(**kwargs):
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_parts(shared_strings: bytes) -> list[tuple[str, bytes]]:
    return [
        ("[Content_Types].xml", content_types(CT_XLSX, "/xl/workbook.xml")),
        ("_rels/.rels", relationships((REL_DOC, "xl/workbook.xml", ""))),
        (
            "xl/workbook.xml",
            b'<workbook xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheets/></workbook>',
        ),
        ("xl/sharedStrings.xml", shared_strings),
    ]


def odt_parts(content: bytes) -> list[tuple[str, bytes]]:
    return [
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        (
            "META-INF/manifest.xml",
            b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            b'opendocument:xmlns:manifest:1.0"/>',
        ),
        ("content.xml", content),
    ]


def png_bytes(size: tuple[int, int] = (120, 80), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def giant_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that claim ten billion pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def giant_tiff(width: int = 100_000, height: int = 100_000) -> bytes:
    """A baseline TIFF header whose single strip would be 10 GB once decoded."""
    entries = [
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 8 + 2 + 12 * 9 + 4),
        (277, 3, 1, 1),
        (278, 4, 1, height),
        (279, 4, 1, 16),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        packed = struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, typ, count) + packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 16


def tiff_frames(count: int) -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("L", (64, 64), 255) for _ in range(count)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def jpeg_bytes(comment: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {"comment": comment} if comment else {}
    Image.new("RGB", (64, 48), "navy").save(buffer, "JPEG", **options)
    return buffer.getvalue()


def pikepdf_bytes(
    pages: int = 1, encryption: pikepdf.Encryption | None = None, attach: bool = False
) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if attach:
        pdf.attachments["hoa-don.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00fake")
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=encryption or False)
    return buffer.getvalue()


def xlsx_openpyxl() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Điểm giữa kỳ"])
    sheet.append(["Nguyễn Thị Ánh", 8.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data(content: bytes) -> Builder:
    return lambda path: path.write_bytes(content)


def zipped(parts: list[tuple[str, bytes]], flag_bits: int = 0) -> Builder:
    return lambda path: write_zip(path, parts, flag_bits)


def lazy(make: Callable[[], bytes]) -> Builder:
    return lambda path: path.write_bytes(make())


# ---- the hostile corpus ----------------------------------------------------------------------

XXE = '<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ).replace("&lol0;", "&lol;")
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>&lol9;</t></si></sst>"
).encode()
BOMB_XML = b"<w:document>" + b" " * (25 * MB) + b"</w:document>"


def _nested_twice() -> list[tuple[str, bytes]]:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("xl/embeddings/inner.docx", docx_bytes())
    return [*docx_parts(), ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner.getvalue())]


def _truncated_pdf() -> bytes:
    full = one_page()
    return full[: len(full) * 3 // 5]


def _broken_xref_pdf() -> bytes:
    full = one_page()
    # Shift every object after the header: all xref offsets now point to the wrong bytes.
    return full.replace(b"%\xe2\xe3\xcf\xd3\n", b"%\xe2\xe3\xcf\xd3\n" + b" " * 37, 1)


def _obfuscated_js_pdf() -> bytes:
    return one_page(catalog_extra=b"/OpenAction << /S /JavaScript /J#53 (app.alert\\(1\\)) >> ")


def _polyglot_pdf_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "WScript.Shell")
    return one_page() + buffer.getvalue()


def _ole_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _truncated_png() -> bytes:
    full = png_bytes((300, 300), "RGB")
    return full[: len(full) // 2]


JS_NAMES = b"/Names << /JavaScript << /Names [(init) 6 0 R] >> >> "
HOSTILE: list[Case] = [
    # OOXML / ODF packages
    Case(
        "zip-bomb-docx",
        "bom.docx",
        zipped([*docx_parts()[:2], ("word/document.xml", BOMB_XML)]),
        "office.zip_bomb",
    ),
    Case(
        "zip-bomb-xlsx",
        "bom.xlsx",
        zipped(xlsx_parts(b"<sst>" + b"A" * (30 * MB) + b"</sst>")),
        "office.zip_bomb",
    ),
    Case(
        "zip-total-too-big",
        "nhieu-phan.docx",
        zipped([*docx_parts(), *[(f"word/media/p{i}.bin", b"\x01" * MB) for i in range(8)]]),
        "office.zip_bomb",
        Limits(max_uncompressed_bytes=5 * MB),
    ),
    Case(
        "zip-too-many-entries",
        "nhieu-muc.docx",
        zipped([*docx_parts(), *[(f"word/x/{i}.xml", b"<a/>") for i in range(150)]]),
        "office.zip_bomb",
        Limits(max_zip_entries=100),
    ),
    Case(
        "nested-zip",
        "long-zip.docx",
        lambda p: write_zip(p, [*docx_parts(), ("word/media/payload.zip", docx_bytes())]),
        "office.nested_zip",
    ),
    Case(
        "nested-zip-twice",
        "long-hai-lop.docx",
        lambda p: write_zip(p, _nested_twice()),
        "office.nested_zip",
    ),
    Case(
        "entry-dotdot",
        "traversal.docx",
        zipped([*docx_parts(), ("../../evil.sh", b"rm -rf /")]),
        "office.path_traversal",
    ),
    Case(
        "entry-absolute",
        "absolute.docx",
        zipped([*docx_parts(), ("/etc/cron.d/evil", b"* * * * * root sh")]),
        "office.path_traversal",
    ),
    Case(
        "entry-backslash",
        "backslash.docx",
        zipped([*docx_parts(), ("..\\..\\evil.bat", b"del")]),
        "office.path_traversal",
    ),
    Case(
        "entry-inner-dotdot",
        "inner.docx",
        zipped([*docx_parts(), ("word/../../x.xml", b"<a/>")]),
        "office.path_traversal",
    ),
    Case(
        "xxe-docx",
        "xxe.docx",
        zipped(docx_parts(document=document_xml("&xxe;", XXE))),
        "office.xml_doctype",
    ),
    Case("billion-laughs-xlsx", "laughs.xlsx", zipped(xlsx_parts(LAUGHS)), "office.xml_doctype"),
    Case(
        "doctype-content-types",
        "ct.docx",
        zipped([("[Content_Types].xml", b"<!DOCTYPE x>" + content_types()), *docx_parts()[1:]]),
        "office.xml_doctype",
    ),
    Case(
        "xxe-utf16",
        "utf16.docx",
        zipped(
            docx_parts(
                document=document_xml("&xxe;", XXE)
                .replace(b"UTF-8", b"UTF-16")
                .decode()
                .encode("utf-16")
            )
        ),
        "office.xml_doctype",
    ),
    Case(
        "xxe-odt",
        "xxe.odt",
        zipped(odt_parts(b"<?xml version='1.0'?>" + XXE.encode() + b"<office:document-content/>")),
        "office.xml_doctype",
    ),
    Case(
        "vba-in-docx",
        "macro.docx",
        zipped([*docx_parts(), ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")]),
        "office.macro",
    ),
    Case(
        "docm-as-docx",
        "docm.docx",
        zipped([("[Content_Types].xml", content_types(CT_DOCM)), *docx_parts()[1:]]),
        "office.macro",
    ),
    Case(
        "external-image",
        "ssrf.docx",
        zipped(
            docx_parts(
                doc_rels=relationships(
                    (
                        REL_IMAGE,
                        "http://169.254.169.254/latest/meta-data/",
                        ' TargetMode="External"',
                    )
                )
            )
        ),
        "office.external_link",
    ),
    Case(
        "duplicate-entry",
        "dup.docx",
        zipped([*docx_parts(), ("word/document.xml", document_xml("khác"))]),
        "office.duplicate_entry",
    ),
    Case("encrypted-entry", "locked.docx", zipped(docx_parts(), flag_bits=0x1), "office.encrypted"),
    Case("truncated-docx", "cut.docx", lazy(lambda: docx_bytes()[:200]), "office.corrupt"),
    Case("plain-zip-as-docx", "archive.docx", zipped([("a.txt", b"xin chao")]), "file.unsupported"),
    # PDF
    Case(
        "pdf-javascript-names",
        "js.pdf",
        data(
            one_page(catalog_extra=JS_NAMES, more=[b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"])
        ),
        "pdf.javascript",
    ),
    Case(
        "pdf-openaction-js",
        "open.pdf",
        data(
            one_page(
                catalog_extra=b"/OpenAction << /S /JavaScript /JS (this.exportDataObject\\(\\)) >> "
            )
        ),
        "pdf.javascript",
    ),
    Case("pdf-obfuscated-js-name", "hex.pdf", lazy(_obfuscated_js_pdf), "pdf.javascript"),
    Case(
        "pdf-launch",
        "launch.pdf",
        data(
            one_page(
                page_extra=b"/Annots [6 0 R] ",
                more=[
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] "
                    b"/A << /S /Launch /F (cmd.exe) /P (/c calc) >> >>"
                ],
            )
        ),
        "pdf.launch",
    ),
    Case(
        "pdf-page-aa",
        "aa.pdf",
        data(one_page(page_extra=b"/AA << /O << /S /URI /URI (http://evil.example/) >> >> ")),
        "pdf.auto_action",
    ),
    Case(
        "pdf-openaction-uri",
        "uri.pdf",
        data(one_page(catalog_extra=b"/OpenAction << /S /URI /URI (http://evil.example/) >> ")),
        "pdf.auto_action",
    ),
    Case(
        "pdf-xfa",
        "xfa.pdf",
        data(
            one_page(
                catalog_extra=b"/AcroForm << /Fields [] /XFA 6 0 R >> ",
                more=[stream(b"<xdp:xdp/>")],
            )
        ),
        "pdf.javascript",
    ),
    Case(
        "pdf-embedded-file",
        "attach.pdf",
        lazy(lambda: pikepdf_bytes(attach=True)),
        "pdf.embedded_file",
    ),
    Case("pdf-broken-xref", "xref.pdf", lazy(_broken_xref_pdf), "pdf.malformed"),
    Case("pdf-truncated", "cut.pdf", lazy(_truncated_pdf), "pdf.malformed"),
    Case(
        "pdf-user-password",
        "pass.pdf",
        lazy(lambda: pikepdf_bytes(encryption=pikepdf.Encryption(owner="chu", user="mo"))),
        "pdf.encrypted",
    ),
    Case(
        "pdf-owner-password",
        "owner.pdf",
        lazy(lambda: pikepdf_bytes(encryption=pikepdf.Encryption(owner="chu", user=""))),
        "pdf.encrypted",
    ),
    Case("pdf-count-claim", "claim.pdf", data(one_page(count=100_000)), "pdf.too_many_pages"),
    Case("pdf-count-lie-small", "lie.pdf", data(one_page(count=0)), "pdf.malformed"),
    Case(
        "pdf-many-pages", "dai.pdf", lazy(lambda: pikepdf_bytes(pages=2001)), "pdf.too_many_pages"
    ),
    Case("polyglot-pdf-zip", "poly.pdf", lazy(_polyglot_pdf_zip), "file.polyglot"),
    Case(
        "polyglot-jpeg-pdf",
        "poly.jpg",
        lazy(lambda: jpeg_bytes(b"%PDF-1.7 1 0 obj")),
        "file.polyglot",
    ),
    Case("junk-before-pdf-header", "junk.pdf", data(b"MZjunk" + one_page()), "file.unsupported"),
    # images
    Case("giant-png", "to.png", lazy(giant_png), "image.too_large"),
    Case("giant-tiff", "to.tiff", lazy(giant_tiff), "image.too_large"),
    Case(
        "tiff-too-many-frames",
        "nhieu.tif",
        lazy(lambda: tiff_frames(5)),
        "image.too_many_frames",
        Limits(max_pages=3),
    ),
    Case("truncated-png", "cut.png", lazy(_truncated_png), "image.corrupt"),
    # type and size
    Case("png-named-pdf", "bao-cao.pdf", lazy(png_bytes), "file.extension_mismatch"),
    Case("docx-named-xlsx", "diem.xlsx", lazy(docx_bytes), "file.extension_mismatch"),
    Case("pdf-no-extension", "bao-cao", data(one_page()), "file.extension_mismatch"),
    Case("empty", "rong.pdf", data(b""), "file.empty"),
    Case("exe-named-pdf", "hoso.pdf", data(b"MZ\x90\x00" + b"\x00" * 200), "file.unsupported"),
    Case(
        "html-named-pdf",
        "trang.pdf",
        data(b"<html><script>alert(1)</script></html>"),
        "file.unsupported",
    ),
    Case("legacy-doc", "giao-an.doc", lazy(_ole_doc), "file.legacy_office"),
    Case(
        "too-large",
        "lon.pdf",
        data(one_page() + b"%" * (2 * MB)),
        "file.too_large",
        Limits(max_bytes=1 * MB),
    ),
    # names
    Case("name-traversal", "../../etc/passwd.pdf", data(one_page()), "name.path"),
    Case("name-windows-path", "C:\\Users\\gv\\bao-cao.pdf", data(one_page()), "name.path"),
    Case("name-bell", "bao\x07cao.pdf", data(one_page()), "name.control"),
    Case("name-newline", "bao-cao\r\nX-Header: 1.pdf", data(one_page()), "name.control"),
    Case("name-rtl-override", "ho-so\u202efdp.exe", data(one_page()), "name.control"),
    Case("name-nul", "ho-so.pdf\x00.exe", data(one_page()), "name.nul"),
    Case("name-300-bytes", "a" * 296 + ".pdf", data(one_page()), "name.too_long"),
    Case(
        "name-long-vietnamese",
        "Kế hoạch giáo dục " * 12 + ".pdf",
        data(one_page()),
        "name.too_long",
    ),
]


def _docx_with_chart() -> list[tuple[str, bytes]]:
    return [*docx_parts(), ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_openpyxl())]


BENIGN: list[Case] = [
    Case(
        "docx", unicodedata.normalize("NFD", "Kế hoạch bài dạy tuần 12.docx"), zipped(docx_parts())
    ),
    Case(
        "docx-hyperlink",
        "lien-ket.docx",
        zipped(
            docx_parts(
                doc_rels=relationships((REL_LINK, "https://moet.gov.vn/", ' TargetMode="External"'))
            )
        ),
    ),
    Case("docx-with-embedded-workbook", "bieu-do.docx", zipped(_docx_with_chart())),
    Case("xlsx", "Sổ điểm 7A.xlsx", lazy(xlsx_openpyxl)),
    Case("odt", "bien-ban.odt", zipped(odt_parts(b"<office:document-content/>"))),
    Case("pdf-text", "quyet-dinh.PDF", data(one_page())),
    Case(
        "pdf-goto-openaction",
        "mo-trang.pdf",
        data(one_page(catalog_extra=b"/OpenAction [3 0 R /Fit] ")),
    ),
    Case("pdf-image-only", "ban-scan.pdf", data(image_only_pdf())),
    Case("pdf-signed", "da-ky.pdf", data(signed_looking_pdf())),
    Case("pdf-2000-pages", "so-dai.pdf", lazy(lambda: pikepdf_bytes(pages=2000))),
    Case("png", "anh.png", lazy(png_bytes)),
    Case("png-alpha", "con-dau.png", lazy(lambda: png_bytes(mode="RGBA"))),
    Case("jpeg", "anh-chup.jpeg", lazy(jpeg_bytes)),
    Case("tiff-3-pages", "scan.tiff", lazy(lambda: tiff_frames(3))),
]


def make_corpus(directory: Path) -> list[tuple[Case, Path]]:
    """Write every case into `directory` (one file per case, named by id); return them."""
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for case in HOSTILE + BENIGN:
        path = directory / case.id
        case.build(path)
        made.append((case, path))
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for case, path in make_corpus(target):
        sys.stdout.write(
            f"{case.code or 'accepted':28} {path.stat().st_size:>10}  {case.filename!r}\n"
        )
    sys.stdout.write(f"{len(HOSTILE)} hostile, {len(BENIGN)} benign files in {target}\n")
