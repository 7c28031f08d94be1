"""Detached CMS (CAdES-BES, or -T with a time-stamp) for files kept in their own format.

DOCX/XLSX stay byte-for-byte unchanged; the signature travels next to them as `<file>.p7s`.
Built entirely on pyHanko's CMS code (`Signer.async_sign_general_data`,
`async_validate_detached_cms`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from asn1crypto import cms
from django.utils.translation import gettext as _
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.signers import HosoSigner, cert_display_name
from hoso.signing.engine.validate import iso_vn
from hoso.signing.engine.words import INVALID_HEADING, UNTRUSTED_HEADING, VALID_HEADING, headed


def sign_detached(data: bytes, signer: HosoSigner, *, tsa_url: str | None = None) -> bytes:
    """DER-encoded detached CAdES signature (`.p7s`) over `data`."""
    timestamper = HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    coro = signer.pyhanko_signer.async_sign_general_data(
        data, "sha256", detached=True, use_cades=True, timestamper=timestamper
    )
    try:
        return run_sync(coro).dump()
    except Exception as exc:
        raise SigningError(_("Ký tệp thất bại: %(exc)s") % {"exc": exc}) from exc


@dataclass
class DetachedReport:
    """Result of checking a `.p7s` against its file."""

    sha256: str
    signer_name: str
    signing_time: str | None
    timestamp_time: str | None
    intact: bool
    crypto_valid: bool
    trusted: bool
    bottom_line: bool
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate_detached(
    data: bytes, signature: bytes, validation_context: ValidationContext
) -> DetachedReport:
    """Check a detached CAdES signature over `data`."""
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
    except ValueError as exc:
        raise SigningError(_("Tệp chữ ký (.p7s) không hợp lệ."), "bad_p7s") from exc
    coro = async_validate_detached_cms(
        data, signed_data, signer_validation_context=validation_context
    )
    st = run_sync(run_and_release(coro, validation_context))
    ts = st.timestamp_validity
    ok = bool(st.bottom_line)
    name = cert_display_name(st.signing_cert)
    return DetachedReport(
        sha256=hashlib.sha256(data).hexdigest(),
        signer_name=name,
        signing_time=iso_vn(st.signer_reported_dt),
        timestamp_time=iso_vn(ts.timestamp) if ts is not None else None,
        intact=bool(st.intact),
        crypto_valid=bool(st.valid),
        trusted=bool(st.trusted),
        bottom_line=ok,
        verdict=_verdict(st.intact, st.trusted, ok, name),
    )


def _verdict(intact: bool, trusted: bool, ok: bool, name: str) -> str:
    if not intact:
        return headed(
            INVALID_HEADING, _("tệp đã bị thay đổi sau khi %(name)s ký.") % {"name": name}
        )
    if not trusted:
        return headed(
            UNTRUSTED_HEADING,
            _("chứng thư số của %(name)s không thuộc chuỗi tin cậy đã cấu hình.") % {"name": name},
        )
    if not ok:
        return f"{INVALID_HEADING}."
    return headed(VALID_HEADING, _("tệp do %(name)s ký, không thay đổi.") % {"name": name})
