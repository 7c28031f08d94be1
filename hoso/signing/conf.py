"""Signing settings, read at call time (tests move DATA_DIR and override settings).

HOSO_SIGNING_TRUST_ANCHORS  list of PEM/DER paths of trusted roots (default: the demo root
                            under DATA_DIR/pki/root.pem when it exists)
HOSO_SIGNING_INTERMEDIATES  PEM paths of issuing CAs, to complete chains of certificates
                            registered without one (default: the demo issuing CA)
HOSO_SIGNING_TSA_URL        RFC 3161 time-stamp authority; set ⇒ signatures are PAdES B-T
HOSO_SIGNING_LEVEL          "B-B" | "B-T" | "B-LT" (default: B-T with a TSA, else B-B)
HOSO_SIGNER_AGENT_URL       where the browser finds the local hoso-signer agent
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings

DEFAULT_AGENT_URL = "http://127.0.0.1:17443"


def pki_dir() -> Path:
    return Path(settings.DATA_DIR) / "pki"


def tsa_url() -> str | None:
    return getattr(settings, "HOSO_SIGNING_TSA_URL", None) or None


def level() -> str:
    configured = getattr(settings, "HOSO_SIGNING_LEVEL", "") or ""
    if configured:
        return str(configured)
    return "B-T" if tsa_url() else "B-B"


def engine_options() -> dict[str, Any]:
    """Keyword arguments of `engine.sign.sign_pdf` for the configured level: the TSA for B-T,
    plus a validation context that fetches OCSP/CRL for B-LT. Every server-side signature of
    HoSo (records, học bạ, biên bản) signs with these, so one setting governs them all."""
    from hoso.signing.engine.validate import build_validation_context

    chosen = level()
    options: dict[str, Any] = {"level": chosen, "tsa_url": tsa_url()}
    if chosen == "B-LT":
        options["validation_context"] = build_validation_context(
            trust_anchors(), allow_fetching=True
        )
    return options


def agent_url() -> str:
    return str(getattr(settings, "HOSO_SIGNER_AGENT_URL", DEFAULT_AGENT_URL))


def trust_anchor_paths() -> list[Path]:
    configured = getattr(settings, "HOSO_SIGNING_TRUST_ANCHORS", None)
    if configured:
        return [Path(p) for p in configured]
    demo_root = pki_dir() / "root.pem"
    return [demo_root] if demo_root.exists() else []


def load_certs(path: Path) -> list[asn1_x509.Certificate]:
    data = path.read_bytes()
    if asn1_pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(data, True)]
    return [asn1_x509.Certificate.load(data)]


def trust_anchors() -> list[asn1_x509.Certificate]:
    return [cert for path in trust_anchor_paths() if path.exists() for cert in load_certs(path)]


def intermediate_paths() -> list[Path]:
    configured = getattr(settings, "HOSO_SIGNING_INTERMEDIATES", None)
    if configured:
        return [Path(p) for p in configured]
    demo = pki_dir() / "intermediate.pem"
    return [demo] if demo.exists() else []


def intermediates() -> list[asn1_x509.Certificate]:
    return [cert for path in intermediate_paths() if path.exists() for cert in load_certs(path)]
