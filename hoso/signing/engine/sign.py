"""PAdES signing of PDFs (B-B, B-T, B-LT) as incremental updates."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any, BinaryIO, Literal

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation.pdf_embedded import read_certification_data
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine import speedups
from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.attachments import (
    Attachment,
    invisible_field_with_attachment,
    style_with_attachment,
)
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.onepass import PrefixHashingWriter, sign_one_pass
from hoso.signing.engine.signers import HosoSigner, check_certificate_status

Level = Literal["B-B", "B-T", "B-LT"]
LEVELS: tuple[str, ...] = ("B-B", "B-T", "B-LT")

# Room in /Contents beyond the certificates and the signature value (hex chars = 2 × bytes).
_CMS_OVERHEAD = 1_500
_TIMESTAMP_ROOM = 8_000


@dataclass(frozen=True)
class FieldPlacement:
    """Where a visible signature goes: 0-based page and box (x1, y1, x2, y2) in points."""

    page: int
    box: tuple[float, float, float, float]


def open_for_signing(pdf: bytes | BinaryIO) -> IncrementalPdfFileWriter:
    """Open a PDF (bytes or a seekable binary file) for an incremental update.

    Refuses encrypted or "no changes"-certified documents.
    """
    stream = BytesIO(pdf) if isinstance(pdf, bytes | bytearray) else pdf
    try:
        # copies the original in 1 MiB chunks (not 4 KiB) and can hash it on the way
        with speedups.signing():
            writer = PrefixHashingWriter(stream, strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningError(_("Tệp không phải PDF hợp lệ hoặc bị hỏng."), "bad_pdf") from exc
    with speedups.signing():  # reads the signatures already there (their /Contents above all)
        ensure_signable(writer.prev)
    return writer


def ensure_signable(reader: PdfFileReader) -> None:
    """Raise `SigningError` if the PDF is encrypted or certified/locked with "no changes"."""
    if reader.encrypted:
        raise SigningError(
            _("Tệp PDF được mã hóa (có mật khẩu); hãy gỡ mật khẩu trước khi ký."), "encrypted_pdf"
        )
    cert_data = read_certification_data(reader)
    if cert_data is not None and cert_data.permission.value == 1:
        raise SigningError(
            _("Tệp PDF đã được chứng nhận 'không cho phép thay đổi'; không thể ký thêm."),
            "locked_pdf",
        )
    if certification_level(reader) == fields.MDPPerm.NO_CHANGES:
        raise SigningError(
            _(
                "Tệp PDF đã được khóa sau chữ ký cuối ('không cho phép thay đổi'); không thể ký "
                "thêm."
            ),
            "locked_pdf",
        )


def certification_level(reader: PdfFileReader) -> fields.MDPPerm | None:
    """The strictest DocMDP permission of the document: the certification signature's, or the
    /Lock /P of a signature that locked the document (PDF 2.0)."""
    levels = []
    for sig in _signatures(reader):
        try:
            level = sig.docmdp_level
        except Exception:  # noqa: BLE001, S112 — unreadable lock: the post-check decides
            continue
        if level is not None:
            levels.append(level)
    return min(levels, key=lambda p: p.value) if levels else None


def locked_field_names(reader: PdfFileReader, new_field: str) -> list[str]:
    """Signers whose FieldMDP lock covers a field called `new_field` (a new signature there
    would break their signature)."""
    found = []
    for sig in _signatures(reader):
        try:
            spec = sig.fieldmdp
            locked = spec is not None and spec.is_locked(new_field)
        except Exception:  # noqa: BLE001 — unreadable lock: the post-check decides
            locked = False
        if locked:
            found.append(str(sig.field_name))
    return found


def _signatures(reader: PdfFileReader) -> list[Any]:
    try:
        return list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 — hostile structure: nothing to respect, pyHanko refuses
        return []


def ensure_earlier_signatures_intact(signed: bytes) -> None:
    """After signing a certified or locked document: pyHanko's change analysis of every earlier
    signature must still allow the update (else nothing is returned)."""
    from pyhanko.sign.diff_analysis import ModificationLevel

    reader = PdfFileReader(BytesIO(signed), strict=False)
    for sig in reader.embedded_regular_signatures[:-1]:
        sig.compute_integrity_info()
        status = sig.summarise_integrity_info()
        level = status.get("modification_level")
        if not status.get("docmdp_ok", True) or level == ModificationLevel.OTHER:
            raise SigningError(
                _(
                    "Chữ ký «%(field_name)s» trên tài liệu không cho phép thay đổi này (tài liệu "
                    "đã được chứng nhận hoặc khóa); không thể ký thêm."
                )
                % {"field_name": sig.field_name},
                "locked_pdf",
            )


def reserve_size(signer: HosoSigner, level: str) -> int:
    """Tight `/Contents` size in hex characters for this signer and level."""
    psigner = signer.pyhanko_signer
    certs = list(psigner.cert_registry or ()) + [signer.cert]
    der = sum(len(c.dump()) for c in certs)
    key_bytes = signer.cert.public_key.byte_size
    size = der + key_bytes + _CMS_OVERHEAD
    if level != "B-B":
        size += _TIMESTAMP_ROOM
    return 2 * size


def next_field_name(reader: PdfFileReader, prefix: str = "ChuKy") -> str:
    """First unused signature field name `ChuKy1`, `ChuKy2`…"""
    used = {name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=None)}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def build_pdf_signer(
    signer: HosoSigner,
    *,
    field_name: str,
    level: str = "B-B",
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    placement: FieldPlacement | None = None,
    stamp_style: Any = None,
    lock: fields.MDPPerm | None = None,
) -> signers.PdfSigner:
    """A pyHanko `PdfSigner` for one field; reusable across the documents of a batch.

    `lock` locks the document after this signature (FieldMDP over all fields, with the DocMDP
    permission `lock`, PDF 2.0 /Lock): later edits beyond it invalidate this signature in every
    validator that reads /Lock (pyHanko does). The final seal of an issued document uses it."""
    if level not in LEVELS:
        raise ValueError(f"unknown PAdES level {level}")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=level == "B-LT",
        validation_context=validation_context if level == "B-LT" else None,
    )
    spec = None
    lock_kwargs: dict[str, Any] = {}
    if lock is not None:
        lock_kwargs = {
            "field_mdp_spec": fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
            "doc_mdp_update_value": lock,
        }
    if placement is not None:
        spec = fields.SigFieldSpec(
            field_name,
            on_page=placement.page,
            box=placement.box,  # type: ignore[arg-type]
            **lock_kwargs,
        )
    elif lock_kwargs:
        spec = fields.SigFieldSpec(field_name, **lock_kwargs)
    return signers.PdfSigner(
        meta,
        signer.pyhanko_signer,
        timestamper=timestamper,
        stamp_style=stamp_style,
        new_field_spec=spec,
    )


def sign_pdf(
    pdf_bytes: bytes,
    signer: HosoSigner,
    *,
    level: str = "B-B",
    tsa_url: str | None = None,
    appearance: Any = None,
    field_name: str | None = None,
    validation_context: ValidationContext | None = None,
    timestamper: TimeStamper | None = None,
    lock: fields.MDPPerm | None = None,
    attachment: Attachment | None = None,
) -> bytes:
    """Sign `pdf_bytes` with PAdES at `level`; returns the new bytes (input untouched).

    `attachment` is carried by the new signature field's appearance (/AF, written in the
    signed update, so this signature covers it: `attachments.py`).

    `appearance` is an object from `appearance.py` (`placement` + `stamp_style`), or None for
    an invisible signature. B-T and B-LT need `tsa_url` (or `timestamper`); B-LT also needs a
    `validation_context` that can fetch OCSP/CRL for the signer's chain.

    A document certified by someone else (DocMDP P=2/P=3) is signed invisibly (a new widget
    on the page is a change those permissions do not allow); a FieldMDP lock covering the new
    field is refused; either way the earlier signatures are checked to still allow the result.
    """
    writer = open_for_signing(pdf_bytes)
    name = field_name or next_field_name(writer.prev)
    with speedups.signing():  # the signing path's own reads (the post-check runs stock pyHanko)
        certified = certification_level(writer.prev)
        lockers = locked_field_names(writer.prev, name)
    if lockers:
        raise SigningError(
            _(
                "Chữ ký «%(fields)s» đã khóa các trường của tài liệu; không thể ký thêm mà không "
                "làm hỏng chữ ký đó."
            )
            % {"fields": ", ".join(lockers)},
            "locked_pdf",
        )
    if certified is not None:
        appearance = None
    stamp_style = getattr(appearance, "stamp_style", None)
    if attachment is not None and stamp_style is not None:
        stamp_style = style_with_attachment(stamp_style, attachment)
    if validation_context is not None:
        check_certificate_status(signer.cert, validation_context)
    if level != "B-B" and timestamper is None:
        if not tsa_url:
            raise SigningError(
                _("Cần địa chỉ dịch vụ cấp dấu thời gian (TSA) cho mức ký này."), "no_tsa"
            )
        timestamper = HTTPTimeStamper(tsa_url, timeout=10)
    pdf_signer = build_pdf_signer(
        signer,
        field_name=name,
        level=level,
        timestamper=timestamper,
        validation_context=validation_context,
        placement=getattr(appearance, "placement", None),
        stamp_style=stamp_style,
        lock=lock,
    )
    if attachment is not None and stamp_style is None:  # visible: the stamp carries it
        spec = pdf_signer.new_field_spec or fields.SigFieldSpec(name)
        invisible_field_with_attachment(writer, spec, attachment)
    signed = sign_with(pdf_signer, writer, reserve_size(signer, level))
    if certified is not None or _has_locks(writer.prev):
        ensure_earlier_signatures_intact(signed)
    return signed


def _has_locks(reader: PdfFileReader) -> bool:
    for sig in _signatures(reader):
        try:
            if sig.fieldmdp is not None:
                return True
        except Exception:  # noqa: BLE001
            return True
    return False


def sign_with(
    pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter, bytes_reserved: int | None
) -> bytes:
    """Run one prepared `PdfSigner`; all-or-nothing, pyHanko errors become `SigningError`."""
    output = BytesIO()
    sign_to_stream(pdf_signer, writer, bytes_reserved, output)
    return output.getvalue()


def sign_to_stream(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    bytes_reserved: int | None,
    output: BinaryIO,
) -> str:
    """Like `sign_with`, writing into `output` (readable, writable, seekable; e.g. a temp file).

    Returns the SHA-256 (hex) of the signed output. On error the caller must discard `output`.
    """
    return run_sync(sign_to_stream_async(pdf_signer, writer, bytes_reserved, output))


async def sign_to_stream_async(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    bytes_reserved: int | None,
    output: BinaryIO,
) -> str:
    """`sign_to_stream` as a coroutine, so a batch can overlap time-stamp round trips."""
    with speedups.signing():  # our parser speed-ups here only; validation runs stock pyHanko
        return await _sign_to_stream(pdf_signer, writer, bytes_reserved, output)


async def _sign_to_stream(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    bytes_reserved: int | None,
    output: BinaryIO,
) -> str:
    try:
        return await sign_one_pass(pdf_signer, writer, bytes_reserved, output)
    except PyhankoSigningError as exc:
        if "larger than expected" not in str(exc) and "allocated" not in str(exc):
            raise translate_error(exc) from exc
    except SigningError:
        raise
    except Exception as exc:
        raise translate_error(exc) from exc
    output.seek(0)
    output.truncate()
    try:  # our estimate was short; let pyHanko size it
        return await sign_one_pass(pdf_signer, writer, None, output)
    except SigningError:
        raise
    except Exception as exc:
        raise translate_error(exc) from exc


def translate_error(exc: Exception) -> SigningError:
    """Map pyHanko / certvalidator failures to a Vietnamese domain error."""
    text = str(exc)
    name = type(exc).__name__
    if "forbids all changes" in text:
        return SigningError(
            _("Tài liệu đã khóa bằng chữ ký chứng nhận; không thể ký thêm."), "locked_pdf"
        )
    if "Revoked" in name or "revoked" in text.lower():
        return SigningError(_("Chứng thư số đã bị thu hồi; không thể ký."), "cert_revoked")
    if "Expired" in name or "expired" in text.lower():
        return SigningError(_("Chứng thư số đã hết hạn; không thể ký."), "cert_expired")
    if "timestamp" in text.lower() or "TimestampRequestError" in name:
        return SigningError(_("Không lấy được dấu thời gian từ dịch vụ TSA."), "tsa_failed")
    if "PathValidation" in name or "PathBuilding" in name or "validat" in text.lower():
        return SigningError(
            _("Không xác thực được chứng thư số của người ký: %(text)s") % {"text": text},
            "cert_invalid",
        )
    return SigningError(_("Ký số thất bại: %(text)s") % {"text": text})
