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
from hoso.records.blobs import blob_store
from hoso.signing import conf
from hoso.signing.engine import demo_images, pki
from hoso.signing.models import Backend, Certificate, CertKind

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

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return _cached(f"sig-{tag}.png", lambda: demo_images.demo_signature_png(name))


def _seal_png(name: str) -> bytes:
    import hashlib

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return _cached(f"seal-{tag}.png", lambda: demo_images.demo_seal_png(name))


def _save_key(path: Path, issued: pki.Issued) -> None:
    pem = issued.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)


def create_ca(directory: Path) -> pki.DemoCA:
    """Root + issuing CA; the CA keys are kept (demo only) so `hoso pki serve` can answer
    OCSP/CRL and time-stamp requests for them."""
    ca = pki.create_demo_ca(directory, keys=(demo_key(0), demo_key(1)))
    (directory / CA_DIR).mkdir(exist_ok=True)
    _save_key(directory / CA_DIR / "root.key", ca.root)
    _save_key(directory / CA_DIR / "intermediate.key", ca.intermediate)
    return ca


def load_ca(directory: Path) -> pki.DemoCA:
    from cryptography import x509

    def issued(name: str) -> pki.Issued:
        cert = x509.load_pem_x509_certificate((directory / f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (directory / CA_DIR / f"{name}.key").read_bytes(), None
        )
        return pki.Issued(cert, key)  # type: ignore[arg-type]

    return pki.DemoCA(issued("root"), issued("intermediate"))


def _put(data: bytes) -> str:
    return blob_store().put(io.BytesIO(data)).sha256


def _register(
    ca: pki.DemoCA, issued: pki.Issued, p12_path: Path, image: bytes, **holder: Any
) -> Certificate:
    from asn1crypto import pem as asn1_pem

    from hoso.signing.certificates import ParsedCert, _fields
    from hoso.signing.engine.localservices import to_asn1_cert

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


# --- a finished batch per principal (the batch pages and their authorization have objects) ---

# (school, uploader, record types, reviewer or None): the school's principal signs them in one
# batch. th1's principal signed twice this week (two batches: own and same-school objects).
DEMO_BATCHES: list[tuple[str, str, tuple[str, ...], str | None]] = [
    ("th1", "th1.vanthu", ("TT28.KT", "TT28.BTHKQ"), "th1.phohieutruong"),
    ("th1", "th1.vanthu", ("TT28.QLVB",), None),
    ("thcs1", "thcs1.hieutruong", ("TT32.SDB", "TT32.CPVB"), None),
    ("th2", "th2.hieutruong", ("TT28.SDB", "TT28.QLVB"), None),
]


def _approved_for_principal(
    users: dict[str, Any], uploader: str, codes: tuple[str, ...], reviewer: str | None
) -> list[int]:
    from hoso.records import services, workflow
    from hoso.records.models import RecordType
    from hoso.records.pdfmaker import simple_pdf

    ids = []
    for code in codes:
        kind = RecordType.objects.get(code=code)
        pdf = simple_pdf(kind.name, ["Nội dung theo mẫu.", "HIỆU TRƯỞNG"])
        version = services.record_upload(
            actor=users[uploader],
            record_type=kind,
            upload=services.Upload(io.BytesIO(pdf), f"{code.lower()}.pdf"),
        )
        workflow.record_submit(actor=users[uploader], record_id=version.record_id)
        if reviewer is not None and kind.signing_chain[0].get("action") == "review":
            workflow.record_approve(actor=users[reviewer], record_id=version.record_id)
        ids.append(version.record_id)
    return ids


def demo_batches_step(province: Any) -> None:
    """Each principal (th1, thcs1, th2) batch-signed the school's records waiting for them."""
    from hoso.signing.batches import batch_run, batch_start

    for school, uploader, codes, reviewer in DEMO_BATCHES:
        principal = province.users.get(f"{school}.hieutruong")
        if principal is None or uploader not in province.users:
            continue
        ids = _approved_for_principal(province.users, uploader, codes, reviewer)
        batch = batch_start(actor=principal, record_ids=ids, passphrase=settings.DEMO_PASSWORD)
        batch_run(batch_id=batch.pk)  # the queued task then finds it done


register_demo_step(demo_batches_step, order=60)
