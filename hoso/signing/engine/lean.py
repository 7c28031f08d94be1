"""A lean incremental update for the common batch case: an invisible PAdES B-B signature.

pyHanko's `PdfSigner` is general (appearances, DocMDP, form filling, time-stamps, revocation
info, encryption, xref streams) and pays for it on every document: it builds a writer over
the whole object graph, re-reads and rewrites `/Info`, walks the page tree, and drives the
CMS through a chain of coroutines. For a plain document — no form yet, a classic xref
table, not encrypted — the update it writes is always the same five objects:

    the first page (its /Annots gains the widget), the catalog (gains /AcroForm and the
    PAdES /ESIC extension), the /AcroForm, the widget (the signature field), the signature
    dictionary (/Contents reserved, /ByteRange).

`LeanSigner.sign` writes exactly those, with pyHanko's own object classes (`generic`) for
every dictionary taken from the original, after the original bytes (copied and hashed once),
then asks the pyHanko `Signer` for the CMS (`async_sign`, as `PdfSigner` does; HoSo's signer
reuses a CMS skeleton), and fills it in. Anything else returns `None` and the caller uses
pyHanko's `PdfSigner` (`sign.sign_to_stream_async`). Reading still goes through pyHanko's
`PdfFileReader` inside `speedups.signing()`; validation never comes here.

The one deliberate difference from pyHanko's output: `/Info` is left as it was (pyHanko
appends itself to /Producer and sets /ModDate); the signed update changes only what the
signature needs.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from io import BytesIO
from typing import Any, BinaryIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from hoso.signing.engine import speedups
from hoso.signing.engine.onepass import _whole

# Fixed width for "[0 a b c]" so the offsets do not depend on the numbers written.
_BYTE_RANGE_WIDTH = 48
_PAGE_TREE_DEPTH = 32


class LeanSigner:
    """Per batch: one pyHanko `Signer`, one field name, the /Contents room (hex digits)."""

    def __init__(self, pyhanko_signer: Any, field_name: str, reserved_hex: int) -> None:
        self.signer = pyhanko_signer
        self.field_name = field_name
        self.reserved = reserved_hex
        name = BytesIO()
        generic.pdf_string(field_name).write_to_stream(name)
        self._field_name_pdf = name.getvalue()
        ext = BytesIO()
        ESIC_EXTENSION_1.as_pdf_object().write_to_stream(ext)
        self._esic = ext.getvalue()

    async def sign(self, src: BinaryIO, output: BinaryIO) -> str | None:
        """Sign `src` into `output` (empty, seekable); the output's SHA-256 hex, or `None`
        (nothing written) when the document needs pyHanko's general signer."""
        with speedups.signing():
            plan = self._plan(src)
        if plan is None:
            return None
        with _whole(src) as original:
            size = len(original)
            sep = b"" if original[-1:] in (b"\n", b"\r") else b"\n"
            update, cs, ce = self._update(plan, size + len(sep))
            prefix = hashlib.sha256()
            prefix.update(original)
            prefix.update(sep)
            md = prefix.copy()
            md.update(update[:cs])
            md.update(update[ce:])
            cms = await self.signer.async_sign(
                md.digest(),
                "sha256",
                use_pades=True,
                signed_attr_settings=PdfCMSSignedAttributes(signing_time=plan.when),
            )
            hexed = binascii.hexlify(cms.dump()).upper()
            room = ce - cs - 2
            if len(hexed) > room:
                return None
            update[cs + 1 : cs + 1 + len(hexed)] = hexed
            output.write(original)
        output.write(sep)
        output.write(update)
        output.flush()
        prefix.update(update)
        return str(prefix.hexdigest())

    def _plan(self, src: BinaryIO) -> _Plan | None:
        try:
            reader = PdfFileReader(src, strict=False)
            return _plan_for(reader)
        except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None  # pyHanko's general path decides (and words the error)

    def _update(self, plan: _Plan, start: int) -> tuple[bytearray, int, int]:
        """The update bytes (from offset `start` of the output) and the /Contents span."""
        n = plan.size
        form, widget, sig = n, n + 1, n + 2
        out = bytearray()
        offsets: dict[int, int] = {}

        def obj(num: int, gen: int, body: bytes) -> None:
            offsets[num] = start + len(out)
            out.extend(b"%d %d obj\n" % (num, gen))
            out.extend(body)
            out.extend(b"\nendobj\n")

        page = _copy(plan.page)
        annots = generic.ArrayObject(list(plan.annots))
        annots.append(generic.IndirectObject(widget, 0, None))
        page[generic.NameObject("/Annots")] = annots
        obj(plan.page_ref.idnum, plan.page_ref.generation, _dump(page))

        root = _copy(plan.root)
        root[generic.NameObject("/AcroForm")] = generic.IndirectObject(form, 0, None)
        if plan.version < (1, 7):
            root[generic.NameObject("/Version")] = generic.NameObject("/1.7")
        body = _dump(root)
        if plan.version < (2, 0):  # PAdES on PDF 1.7: the ESIC developer extension
            body = body[: body.rindex(b">>")] + b"/Extensions << /ESIC " + self._esic + b" >>\n>>"
        obj(plan.root_ref.idnum, plan.root_ref.generation, body)

        obj(form, 0, b"<<\n/Fields [ %d 0 R ]\n/SigFlags 3\n>>" % widget)
        obj(
            widget,
            0,
            b"<<\n/FT /Sig\n/T %s\n/Type /Annot\n/Subtype /Widget\n/F 132\n/Rect [ 0 0 0 0 ]\n"
            b"/P %d %d R\n/V %d 0 R\n>>"
            % (self._field_name_pdf, plan.page_ref.idnum, plan.page_ref.generation, sig),
        )
        offsets[sig] = start + len(out)
        out.extend(b"%d 0 obj\n<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n" % sig)
        out.extend(b"/SubFilter /ETSI.CAdES.detached\n/M %s\n/ByteRange " % plan.when_pdf)
        range_at = len(out)
        out.extend(b" " * _BYTE_RANGE_WIDTH)
        out.extend(b"\n/Contents ")
        cs = len(out)
        out.extend(b"<" + b"0" * self.reserved + b">")
        ce = len(out)
        out.extend(b"\n>>\nendobj\n")

        xref_at = start + len(out)
        out.extend(b"xref\n0 1\n0000000000 65535 f \n")
        nums = sorted(offsets)
        i = 0
        while i < len(nums):  # consecutive object numbers share a subsection
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            out.extend(b"%d %d\n" % (nums[i], j - i + 1))
            for num in nums[i : j + 1]:
                gen = plan.gens.get(num, 0)
                out.extend(b"%010d %05d n \n" % (offsets[num], gen))
            i = j + 1
        trailer = generic.DictionaryObject(
            {
                generic.NameObject("/Size"): generic.NumberObject(n + 3),
                generic.NameObject("/Root"): plan.root_ref,
                generic.NameObject("/Prev"): generic.NumberObject(plan.prev),
                generic.NameObject("/ID"): generic.ArrayObject(
                    [plan.id1, generic.ByteStringObject(os.urandom(16))]
                ),
            }
        )
        if plan.info is not None:
            trailer[generic.NameObject("/Info")] = plan.info
        out.extend(b"trailer\n" + _dump(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)

        eof = start + len(out)
        byte_range = b"[0 %d %d %d]" % (start + cs, start + ce, eof - (start + ce))
        out[range_at : range_at + len(byte_range)] = byte_range
        return out, cs, ce


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one document's update needs, read from the original."""

    annots: list[Any]  # the first page's /Annots entries, as written
    gens: dict[int, int]
    id1: Any
    info: Any
    page: generic.DictionaryObject
    page_ref: generic.IndirectObject
    prev: int
    root: generic.DictionaryObject
    root_ref: generic.IndirectObject
    size: int
    version: tuple[int, int]
    when: dt.datetime
    when_pdf: bytes


def _plan_for(reader: PdfFileReader) -> _Plan | None:
    """What the update needs, or `None` if this document is not the plain case."""
    if reader.encrypted or reader.has_xref_stream:
        return None
    trailer = reader.trailer_view
    if "/XRefStm" in trailer or "/Encrypt" in trailer:
        return None
    root_ref = trailer.raw_get("/Root")
    if not isinstance(root_ref, generic.IndirectObject):
        return None
    root = root_ref.get_object()
    if not isinstance(root, generic.DictionaryObject):
        return None
    # No form (so no earlier signature, certification or lock), nothing to merge into.
    if any(key in root for key in ("/AcroForm", "/Perms", "/Extensions")):
        return None
    page_ref = _first_page(root.raw_get("/Pages"), 0)
    if page_ref is None:
        return None
    page = page_ref.get_object()
    annots: list[Any] = []
    if "/Annots" in page:
        raw = page.raw_get("/Annots")
        if not isinstance(raw, generic.ArrayObject):  # an indirect array: general path
            return None
        annots = [raw.raw_get(i) for i in range(len(raw))]
    size = int(trailer.raw_get("/Size"))
    prev = reader.last_startxref
    if prev is None:
        return None
    if max(page_ref.idnum, root_ref.idnum) >= size:
        return None
    id1: Any = None
    if "/ID" in trailer:
        ids = trailer.raw_get("/ID")
        if isinstance(ids, generic.ArrayObject) and len(ids) == 2:
            first = ids.raw_get(0)
            if isinstance(first, generic.TextStringObject):
                first = generic.ByteStringObject(first.original_bytes)
            if isinstance(first, generic.ByteStringObject):
                id1 = first
    if id1 is None:
        id1 = generic.ByteStringObject(os.urandom(16))
    info = trailer.raw_get("/Info") if "/Info" in trailer else None
    when = dt.datetime.now(dt.UTC)
    return _Plan(
        annots=annots,
        gens={page_ref.idnum: page_ref.generation, root_ref.idnum: root_ref.generation},
        id1=id1,
        info=info if isinstance(info, generic.IndirectObject) else None,
        page=page,
        page_ref=page_ref,
        prev=prev,
        root=root,
        root_ref=root_ref,
        size=size,
        version=reader.input_version,
        when=when,
        when_pdf=_dump(generic.pdf_date(when)),
    )


def _first_page(ref: Any, depth: int) -> Any:
    """The indirect reference of the first leaf of the page tree (nested /Pages nodes too)."""
    if not isinstance(ref, generic.IndirectObject) or depth > _PAGE_TREE_DEPTH:
        return None
    node = ref.get_object()
    if not isinstance(node, generic.DictionaryObject):
        return None
    kind = node.raw_get("/Type") if "/Type" in node else None
    if kind == "/Page":
        return ref
    if "/Kids" not in node:
        return None
    kids = node.raw_get("/Kids")
    if isinstance(kids, generic.IndirectObject):
        kids = kids.get_object()
    if not isinstance(kids, generic.ArrayObject):
        return None
    for i in range(len(kids)):
        found = _first_page(kids.raw_get(i), depth + 1)
        if found is not None:
            return found
    return None


def _copy(src: generic.DictionaryObject) -> generic.DictionaryObject:
    """A shallow copy keeping indirect references as references."""
    return generic.DictionaryObject({key: src.raw_get(key) for key in src})


def _dump(value: Any) -> bytes:
    buf = BytesIO()
    value.write_to_stream(buf, None)
    return buf.getvalue()
