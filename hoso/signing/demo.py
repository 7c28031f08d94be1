"""`hoso pki demo` and the demo step: a test root + issuing CA, a PKCS#12 per demo staff
member and a seal per demo school (passphrase = the demo password), under DATA_DIR/pki/,
registered as their Certificates, with a blue signature image per person and a red seal
image per school. Demo only: real certificates come from a licensed CA."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.org.demo import register_demo_step
from hoso.org.models import Unit, UnitKind
from hoso.signing import conf
from hoso.signing.engine import pki
from hoso.signing.models import Backend, Certificate, CertKind
from hoso.storage import blob_store

CA_DIR = "ca"


def _cache_dir() -> Path | None:
    """Demo keys and images are reused between demo loads and test sessions (RSA key
    generation was ~80 % of this step). Demo-only material; set HOSO_DEMO_KEY_CACHE="" to
    turn the cache off."""
    import os

    raw = os.environ.get("HOSO_DEMO_KEY_CACHE", str(Path.home() / ".cache" / "hoso" / "demo-pki"))
    if not raw:
        return None
    path = Path(raw)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def _cached(name: str, make: Any) -> bytes:
    cache = _cache_dir()
    target = cache / name if cache is not None else None
    if target is not None and target.exists():
        return target.read_bytes()
    data: bytes = make()
    if target is not None:
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return data


def demo_key(index: int) -> Any:
    """The index-th demo RSA-2048 key (cached; skip OpenSSL's slow RSA check on reload)."""

    def make() -> bytes:
        key = pki.new_key(2048)
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    pem = _cached(f"key-{index:04d}.pem", make)
    return serialization.load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)


def _signature_png(name: str) -> bytes:
    import hashlib

    # The images are drawn with the engine's font (pyHanko, Pillow): imported when the demo
    # runs, not by every process that registers this step.
    from hoso.signing.engine import demo_images

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return _cached(f"sig-{tag}.png", lambda: demo_images.demo_signature_png(name))


def _seal_png(name: str) -> bytes:
    import hashlib

    from hoso.signing.engine import demo_images

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return _cached(f"seal-{tag}.png", lambda: demo_images.demo_seal_png(name))


def _save_key(path: Path, issued: pki.Issued) -> None:
    pem = issued.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)


def create_ca(directory: Path) -> pki.DemoCA:
    """Root + issuing CA, and a time-stamp authority with a chain of its own; the keys are kept
    (demo only) so `hoso pki serve` can answer OCSP/CRL and time-stamp requests. Certificates
    carry the OCSP and CRL addresses of `hoso pki serve` (conf.pki_url())."""
    base = conf.pki_url()
    ca = pki.create_demo_ca(
        directory, keys=(demo_key(0), demo_key(1)), root_crl_url=f"{base}/crl/root"
    )
    ca.ocsp_url, ca.crl_url = f"{base}/ocsp", f"{base}/crl"
    (directory / CA_DIR).mkdir(exist_ok=True)
    _save_key(directory / CA_DIR / "root.key", ca.root)
    _save_key(directory / CA_DIR / "intermediate.key", ca.intermediate)
    create_tsa(directory)
    return ca


def create_tsa(directory: Path) -> None:
    root, tsa = pki.create_tsa_authority(keys=(demo_key(4990), demo_key(4991)))
    (directory / "tsa-root.pem").write_bytes(root.cert_pem())
    (directory / CA_DIR / "tsa.pem").write_bytes(tsa.cert_pem())
    _save_key(directory / CA_DIR / "tsa.key", tsa)


def _load_issued(cert_path: Path, key_path: Path) -> pki.Issued:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), None)
    return pki.Issued(cert, key)  # type: ignore[arg-type]


def load_ca(directory: Path) -> pki.DemoCA:
    def issued(name: str) -> pki.Issued:
        return _load_issued(directory / f"{name}.pem", directory / CA_DIR / f"{name}.key")

    base = conf.pki_url()
    return pki.DemoCA(
        issued("root"), issued("intermediate"), ocsp_url=f"{base}/ocsp", crl_url=f"{base}/crl"
    )


def load_tsa(directory: Path) -> tuple[pki.Issued, list[Any]] | None:
    """The demo TSA certificate and its chain (its own root), if this PKI has one."""
    from cryptography import x509

    cert, key = directory / CA_DIR / "tsa.pem", directory / CA_DIR / "tsa.key"
    if not (cert.exists() and key.exists() and (directory / "tsa-root.pem").exists()):
        return None
    root = x509.load_pem_x509_certificate((directory / "tsa-root.pem").read_bytes())
    return _load_issued(cert, key), [root]


def revocation_store(directory: Path | None = None) -> pki.RevocationStore:
    return pki.RevocationStore((directory or conf.pki_dir()) / CA_DIR / "revoked.json")


def trust_services(port: int) -> Any:
    """`LocalTrustServices` for the demo PKI on disk (TSA of its own, revocations on disk)."""
    from hoso.signing.engine.localservices import LocalTrustServices

    directory = conf.pki_dir()
    tsa = load_tsa(directory)
    return LocalTrustServices(
        load_ca(directory),
        port=port,
        tsa=tsa[0] if tsa else None,
        tsa_chain=tsa[1] if tsa else None,
        store=revocation_store(directory),
    )


def start_demo_trust_services() -> str | None:
    """Demo mode (`make run`): answer TSA/OCSP/CRL in this process on the port of
    conf.pki_url(), and point this process and its children (the task worker) at it: the demo
    signs PAdES B-LT with revocation data. Returns the base URL, or None (not demo mode, no
    demo CA yet, the port taken — e.g. `hoso pki serve` already runs — or configured TSA)."""
    import logging
    import os
    from urllib.parse import urlparse

    if not getattr(settings, "DEMO_MODE", False) or settings.HOSO_SIGNING_TSA_URL:
        return None
    if not (conf.pki_dir() / CA_DIR / "intermediate.key").exists():
        return None
    base = conf.pki_url()
    try:
        services = trust_services(urlparse(base).port or 8790).start()
    except OSError as exc:
        logging.getLogger(__name__).warning("Demo TSA/OCSP/CRL not started: %s", exc)
        return None
    settings.HOSO_SIGNING_TSA_URL = os.environ["HOSO_SIGNING_TSA_URL"] = services.tsa_url
    if not settings.HOSO_SIGNING_LEVEL:
        settings.HOSO_SIGNING_LEVEL = os.environ["HOSO_SIGNING_LEVEL"] = "B-LT"
    return str(services.base_url)


def _put(data: bytes) -> str:
    return blob_store().put(io.BytesIO(data)).sha256


def _register(
    ca: pki.DemoCA, issued: pki.Issued, p12_path: Path, image: bytes, **holder: Any
) -> Certificate:
    from asn1crypto import pem as asn1_pem

    from hoso.signing.engine.localservices import to_asn1_cert
    from hoso.signing.services.certificates import ParsedCert, _fields

    pki.export_pkcs12(issued, ca, settings.DEMO_PASSWORD, p12_path)
    parsed = ParsedCert(to_asn1_cert(issued.cert), [to_asn1_cert(c) for c in ca.chain])
    del asn1_pem
    return Certificate.objects.create(
        kind=CertKind.SEAL if "unit" in holder else CertKind.PERSONAL,
        backend=Backend.PKCS12,
        key_ref={"path": str(p12_path.relative_to(conf.pki_dir()))},
        image_sha256=_put(image),
        registered_by=None,
        registered_at=timezone.now(),
        **holder,
        **_fields(parsed),
    )


def create_demo_pki(
    *, users: list[Any] | None = None, schools: list[Unit] | None = None
) -> dict[str, int]:
    """Issue and register the demo certificates (idempotent per holder)."""
    directory = conf.pki_dir()
    ca = load_ca(directory) if (directory / CA_DIR / "root.key").exists() else create_ca(directory)
    (directory / "people").mkdir(exist_ok=True)
    (directory / "seals").mkdir(exist_ok=True)
    users = (
        users
        if users is not None
        else list(
            get_user_model()
            .objects.filter(staff__isnull=False)
            .select_related("staff__unit__school")
        )
    )
    schools = schools if schools is not None else list(Unit.objects.filter(kind=UnitKind.TRUONG))
    made = {"people": 0, "seals": 0}
    # Key cache index: position by name, stable across reloads (primary keys are not).
    for index, user in enumerate(sorted(users, key=lambda u: str(u.username))):
        if Certificate.objects.filter(owner=user, kind=CertKind.PERSONAL).exists():
            continue
        name = user.first_name or user.username
        org = user.staff.unit.school.name if user.staff.unit.school_id else None
        issued = pki.issue_person_cert(ca, name, organisation=org, key=demo_key(2 + index))
        _register(
            ca,
            issued,
            directory / "people" / f"{user.username}.p12",
            _signature_png(name),
            owner=user,
        )
        made["people"] += 1
    for index, school in enumerate(sorted(schools, key=lambda u: str(u.code))):
        if Certificate.objects.filter(unit=school, kind=CertKind.SEAL).exists():
            continue
        issued = pki.issue_seal_cert(ca, school.name, key=demo_key(5000 + index))
        _register(
            ca,
            issued,
            directory / "seals" / f"{school.code}.p12",
            _seal_png(school.name),
            unit=school,
        )
        made["seals"] += 1
    return made


def demo_pki_step(province: Any) -> None:
    create_demo_pki()


register_demo_step(demo_pki_step, order=40)
