"""Which of four verdicts a validation report is, for the pages: valid, invalid, changed after
signing, or unknown (no signature, an unreadable one, a certificate outside the configured
trust). Each has its words, colour class and symbol in one place; the report's own sentence
(`verdict`) gives the reason, its fields the technical details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hoso.signing.engine.words import HEADINGS, headed

VALID, INVALID, CHANGED, UNKNOWN = "valid", "invalid", "changed", "unknown"

TITLES = {
    VALID: _("Hợp lệ"),
    INVALID: _("Không hợp lệ"),
    CHANGED: _("Đã bị thay đổi sau khi ký"),
    UNKNOWN: _("Chưa xác minh được"),
}
# The heading's words before ":" in the engine's sentences, dropped where the title says it: in
# Vietnamese (reports kept from before, or written in Vietnamese) and in the current language.
_PREFIXES = ("HỢP LỆ: ", "KHÔNG HỢP LỆ: ", "CHƯA TIN CẬY: ", "CẢNH BÁO: ")


def _prefixes() -> tuple[str, ...]:
    return (*_PREFIXES, *(headed(heading, "") for heading in HEADINGS))


@dataclass(frozen=True)
class Verdict:
    kind: str
    title: str
    reason: str


def signature_kind(sig: dict[str, Any]) -> str:
    """One signature (or a detached .p7s report)."""
    if not sig.get("intact", True) or sig.get("docmdp_ok") is False:
        return CHANGED
    if sig.get("changed_outside_hoso"):
        return CHANGED
    if sig.get("bottom_line"):
        return VALID
    sound = sig.get("crypto_valid") and not sig.get("revoked")
    if sound and sig.get("cert_valid_at_signing", True):
        return UNKNOWN  # only the trust (or a time-stamp's) could not be established
    return INVALID


def document_kind(report: dict[str, Any]) -> str:
    """A whole file: the most telling of its signatures' kinds."""
    if report.get("kind") == "cades":
        return signature_kind(report)
    signatures = report.get("signatures") or []
    if report.get("error") or not signatures:
        return UNKNOWN
    kinds = {signature_kind(sig) for sig in signatures}
    if CHANGED in kinds or report.get("changed_after_last_signature"):
        return CHANGED
    for kind in (INVALID, UNKNOWN):
        if kind in kinds:
            return kind
    return VALID


def reason(text: str) -> str:
    """The engine's sentence without its upper-case heading, which the title replaces."""
    for prefix in _prefixes():
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text[:1].upper() + text[1:]


def verdict_of(report: dict[str, Any], *, whole: bool = True) -> Verdict:
    kind = document_kind(report) if whole else signature_kind(report)
    return Verdict(kind, str(TITLES[kind]), reason(str(report.get("verdict") or "")))
