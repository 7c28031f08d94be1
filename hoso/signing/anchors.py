"""The audit log's anchors are time-stamped by the TSA configured for signing and checked
against signing's trust anchors (hoso.audit.anchors). Registered from SigningConfig.ready(), so
that the audit log, which every app writes, imports nothing of signing."""

from __future__ import annotations

import asyncio
from typing import Any

from asn1crypto import cms

from hoso.audit.anchors import TimestampAuthority, use_timestamp_authority
from hoso.signing import conf


def validate_timestamp_token(token: bytes, digest: bytes) -> dict[str, Any]:
    """pyHanko's status of an RFC 3161 token over the SHA-256 `digest`."""
    # Loaded on use, as before the move: pyHanko's validation is slow to import.
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    from hoso.signing.engine.validate import build_validation_context

    signed = cms.ContentInfo.load(token)["content"]
    context = build_validation_context(conf.trust_anchors(), other_certs=conf.intermediates())

    def expected(algorithm: str) -> bytes:
        if algorithm != "sha256":
            return b""
        return digest

    result: dict[str, Any] = asyncio.run(validate_tst_signed_data(signed, context, expected))
    return result


def register() -> None:
    use_timestamp_authority(TimestampAuthority(url=conf.tsa_url, validate=validate_timestamp_token))
