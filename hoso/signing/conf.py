"""Signing settings, read at call time (tests move DATA_DIR and override settings).

HOSO_SIGNING_TRUST_ANCHORS  list of PEM/DER paths of trusted roots (default: the demo root
                            under DATA_DIR/pki/root.pem when it exists)
HOSO_SIGNING_INTERMEDIATES  PEM paths of issuing CAs, to complete chains of certificates
                            registered without one (default: the demo issuing CA)
HOSO_SIGNING_TSA_URL        RFC 3161 time-stamp authority; set ⇒ signatures are PAdES B-T
HOSO_SIGNING_LEVEL          "B-B" | "B-T" | "B-LT" (default: B-T with a TSA, else B-B)
HOSO_SIGNER_AGENT_URL       where the browser finds the local hoso-signer agent
HOSO_PKI_URL                demo PKI only: where `hoso pki serve` answers (OCSP, CRL, TSA);
                            written into the demo certificates (default http://127.0.0.1:8790)
HOSO_SIGNING_CRL_URLS       CRLs HoSo fetches (every 10 min) to judge signatures it validates:
                            a revocation dated before a signature's proven time invalidates
                            it (space-separated; default in demo: HOSO_PKI_URL/crl)
HOSO_SIGNING_REVOCATION     when the signer's revocation status cannot be checked at signing:
                            "warn" (sign, and say so; default) or "refuse" (the Sở decides)
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
        # the issuing CAs too: without them the chain of a certificate registered with its
        # PKCS#12 cannot be built and every B-LT signature was refused
        options["validation_context"] = build_validation_context(
            trust_anchors(), other_certs=intermediates(), allow_fetching=True
        )
    return options


def pki_url() -> str:
    return str(getattr(settings, "HOSO_PKI_URL", "") or "http://127.0.0.1:8790").rstrip("/")


def revocation_policy() -> str:
    value = str(getattr(settings, "HOSO_SIGNING_REVOCATION", "") or "warn")
    return value if value in ("warn", "refuse") else "warn"


def personal_keys_on_server() -> bool:
    """Whether the Sở allows personal private keys on the server (off by default)."""
    return bool(getattr(settings, "HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER", False))


def agent_url() -> str:
    return str(getattr(settings, "HOSO_SIGNER_AGENT_URL", DEFAULT_AGENT_URL))


def trust_anchor_paths() -> list[Path]:
    configured = getattr(settings, "HOSO_SIGNING_TRUST_ANCHORS", None)
    if configured:
        return [Path(p) for p in configured]
    demo = [pki_dir() / "root.pem", pki_dir() / "tsa-root.pem"]  # the demo TSA has its own root
    return [path for path in demo if path.exists()]


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


_CRL_SECONDS = 600.0
_crl_cache: dict[tuple[str, ...], tuple[float, list[Any]]] = {}


def crl_urls() -> list[str]:
    configured = str(getattr(settings, "HOSO_SIGNING_CRL_URLS", "") or "").split()
    if configured:
        return configured
    if (pki_dir() / "ca" / "intermediate.key").exists():  # the demo CA of this installation
        return [pki_url() + "/crl"]
    return []


def fresh_crls() -> list[Any]:
    """The current CRLs of the configured CAs, fetched at most every ten minutes (URLs from
    the settings, never from an uploaded file). A CRL that cannot be fetched is skipped."""
    import time
    import urllib.request

    from asn1crypto import crl as asn1_crl

    urls = tuple(crl_urls())
    seen = _crl_cache.get(urls)
    if seen is not None and time.monotonic() - seen[0] < _CRL_SECONDS:
        return seen[1]
    found = []
    for url in urls:
        if not url.startswith(("http://", "https://")):
            continue
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 — http(s) only
                parsed = asn1_crl.CertificateList.load(answer.read())
                parsed.native  # noqa: B018 — parse it all now
                found.append(parsed)
        except Exception:  # noqa: BLE001, S112 — unreachable CA: judge with what the file has
            continue
    _crl_cache[urls] = (time.monotonic(), found)
    return found
