"""Certificates: registration (PEM/DER, the public part of a PKCS#12, or read from the token
through the agent), the choice of the certificate a person signs with.

A PKCS#12 registered for server-side signing (backend pkcs12) is kept under the PKI directory
(DATA_DIR/pki/keys/) and `key_ref["path"]` is stored RELATIVE to it: a backup restored into
another data directory keeps signing (the passphrase never leaves the person)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import Unit
from hoso.policy import can
from hoso.signing import conf
from hoso.signing.models import Backend, Certificate, CertKind, CertStatus
from hoso.signing.selectors import usable_certificates

SERVER_BACKENDS = (Backend.PKCS12, Backend.PKCS11)  # the private key is with the server
KEYS_STAY_WITH_OWNERS = gettext_lazy(
    "Sở GDĐT không cho phép giữ khóa bí mật cá nhân trên máy chủ. Hãy ký bằng USB token "
    "(HoSo Signer) hoặc ký số từ xa; ở trang Chứng thư số chỉ đăng ký chứng thư (.cer, .pem)."
)


@dataclass(frozen=True)
class ParsedCert:
    cert: asn1_x509.Certificate
    chain: list[asn1_x509.Certificate]
    has_key: bool = False  # a PKCS#12 file that holds the private key too


def _pem(cert: asn1_x509.Certificate) -> str:
    armored: bytes = asn1_pem.armor("CERTIFICATE", cert.dump())  # asn1crypto has no types
    return armored.decode("ascii")


def _load_der_or_pem(data: bytes) -> list[asn1_x509.Certificate]:
    if asn1_pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(data, True)]
    return [asn1_x509.Certificate.load(data)]


def parse_certificate_file(data: bytes, passphrase: str | None = None) -> ParsedCert:
    """A PEM/DER certificate (first = the signer's, the rest = chain) or a PKCS#12 file, of
    which only the public part is read."""
    if passphrase is not None:
        return _parse_pkcs12(data, passphrase)
    try:
        certs = _load_der_or_pem(data)
        certs[0].native  # noqa: B018 — forces a full parse: garbage must fail here
    except Exception as exc:
        raise DomainError(
            _(
                "Tệp không phải chứng thư số (PEM/DER) hợp lệ. Nếu là tệp .p12/.pfx, hãy nhập mật "
                "khẩu."
            )
        ) from exc
    return ParsedCert(certs[0], certs[1:])


def _parse_pkcs12(data: bytes, passphrase: str) -> ParsedCert:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        raise DomainError(_("Mật khẩu tệp PKCS#12 không đúng hoặc tệp bị hỏng.")) from exc
    if cert is None:
        raise DomainError(_("Tệp PKCS#12 không chứa chứng thư số."))
    from cryptography.hazmat.primitives.serialization import Encoding

    load = asn1_x509.Certificate.load
    return ParsedCert(
        load(cert.public_bytes(Encoding.DER)),
        [load(c.public_bytes(Encoding.DER)) for c in extra or []],
        has_key=key is not None,
    )


def _fields(parsed: ParsedCert) -> dict[str, Any]:
    cert = parsed.cert
    validity = cert["tbs_certificate"]["validity"]
    return {
        "pem": _pem(cert),
        "chain_pem": "".join(_pem(c) for c in parsed.chain),
        "subject": cert.subject.human_friendly[:500],
        "common_name": str(cert.subject.native.get("common_name", ""))[:255],
        "issuer": cert.issuer.human_friendly[:500],
        "serial": format(cert.serial_number, "x")[:80],
        "not_before": validity["not_before"].native,
        "not_after": validity["not_after"].native,
        "fingerprint": hashlib.sha256(cert.dump()).hexdigest(),
    }


@transaction.atomic
def certificate_register(
    *,
    actor: Any,
    data: bytes,
    passphrase: str | None = None,
    unit: Unit | None = None,
    backend: str = Backend.EXTERNAL,
    key_ref: dict[str, Any] | None = None,
    image_sha256: str = "",
    ip: str = "",
) -> Certificate:
    """Register the actor's own certificate, or (with `unit`) the seal certificate of a school."""
    if unit is not None and not can(actor, "signing.seal.manage", unit):
        raise NotAllowed(
            _("Chỉ hiệu trưởng hoặc văn thư của trường được đăng ký chứng thư con dấu.")
        )
    parsed = parse_certificate_file(data, passphrase)
    fields = _fields(parsed)
    if fields["not_after"] < timezone.now():
        raise DomainError(_("Chứng thư số này đã hết hạn; không thể đăng ký."))
    holder = {"unit": unit} if unit is not None else {"owner": actor}
    kind = CertKind.SEAL if unit is not None else CertKind.PERSONAL
    existing = Certificate.objects.filter(kind=kind, fingerprint=fields["fingerprint"], **holder)
    if existing.exists():
        raise DomainError(_("Chứng thư số này đã được đăng ký."))
    if not image_sha256:
        image_sha256 = _previous_image(kind, holder)
    if kind == CertKind.PERSONAL and backend in SERVER_BACKENDS:
        ensure_personal_keys_allowed()
    key_ref = dict(key_ref or {})
    key_ref.pop("path", None)  # only the server decides where key files live
    stored: Path | None = None
    if backend == Backend.PKCS12:
        if passphrase is None:
            raise DomainError(
                _("Để ký bằng khóa lưu trên máy chủ, hãy tải lên tệp .p12/.pfx kèm mật khẩu."),
                fields={"passphrase": [_("Bắt buộc với tệp PKCS#12.")]},
            )
        if not parsed.has_key:  # read above, with the same passphrase
            raise DomainError(_("Tệp PKCS#12 không chứa khóa bí mật; không thể dùng để ký."))
        stored = _store_key_file(data, fields["fingerprint"], kind, holder)
        key_ref["path"] = stored.relative_to(conf.pki_dir()).as_posix()
    try:
        cert = Certificate.objects.create(
            kind=kind,
            backend=backend,
            key_ref=key_ref,
            image_sha256=image_sha256,
            registered_by=actor,
            registered_at=timezone.now(),
            **holder,
            **fields,
        )
    except Exception:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    audit_log(
        "signing.certificate.registered",
        actor=actor,
        obj=cert,
        unit_id=unit.pk if unit is not None else None,
        ip=ip,
        data={"serial": cert.serial, "kind": kind, "backend": backend, "subject": cert.subject},
    )
    return cert


def _store_key_file(data: bytes, fingerprint: str, kind: str, holder: dict[str, Any]) -> Path:
    """Write the PKCS#12 (still encrypted with its passphrase) under DATA_DIR/pki/keys/, owner
    read-only, atomically (a crash leaves either no file or the whole file)."""
    who = f"unit-{holder['unit'].pk}" if "unit" in holder else f"user-{holder['owner'].pk}"
    directory = conf.pki_dir() / "keys"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{kind}-{who}-{fingerprint[:16]}.p12"
    tmp = target.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with contextlib.closing(os.fdopen(fd, "wb")) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(target)
    return target


def _previous_image(kind: str, holder: dict[str, Any]) -> str:
    """A renewed certificate keeps the signature (or seal) image of the previous one."""
    previous = Certificate.objects.filter(kind=kind, **holder).exclude(image_sha256="").first()
    return previous.image_sha256 if previous else ""


@transaction.atomic
def certificate_retire(*, actor: Any, certificate_id: int, ip: str = "") -> Certificate:
    cert = Certificate.objects.select_for_update().get(pk=certificate_id)
    if not can(actor, "signing.certificate.manage", cert):
        raise NotAllowed(_("Bạn không quản lý chứng thư số này."))
    cert.status = CertStatus.RETIRED
    cert.save(update_fields=["status"])
    audit_log(
        "signing.certificate.retired", actor=actor, obj=cert, ip=ip, data={"serial": cert.serial}
    )
    return cert


def certificate_for_signing(
    *,
    actor: Any,
    certificate_id: int | None,
    kind: str = CertKind.PERSONAL,
    unit: Unit | None = None,
) -> Certificate:
    """The certificate `actor` signs with: their own (or the school's seal), active, valid now.
    Refusals name the exact reason."""
    now = timezone.now()
    if certificate_id is not None:
        cert = Certificate.objects.filter(pk=certificate_id).first()
        if cert is None:
            raise DomainError(_("Không tìm thấy chứng thư số đã chọn."))
        _check_holder(actor, cert, kind, unit)
        _check_usable(cert, now)
    else:
        found = usable_certificates(kind=kind, owner=actor, unit=unit, at=now).first()
        if found is None:
            raise DomainError(_missing_message(kind, actor, unit, now))
        cert = found
    if kind == CertKind.PERSONAL and cert.backend in SERVER_BACKENDS:
        ensure_personal_keys_allowed()
    return cert


def ensure_personal_keys_allowed() -> None:
    if not conf.personal_keys_on_server():
        raise NotAllowed(KEYS_STAY_WITH_OWNERS)


def certificate_of_signer(
    *, actor: Any, signer_cert: asn1_x509.Certificate, kind: str, unit: Unit | None = None
) -> Certificate:
    """The registered certificate behind a key that is about to sign for `actor` (or, with
    kind=SEAL, for the school `unit`): registered to them, active, valid now, trusted and not
    revoked. Paths that receive a key from elsewhere (a PKCS#12 uploaded for one signature)
    check it here, as the registered-key paths do in `certificate_for_signing`."""
    from hoso.signing.documents import ensure_not_revoked, ensure_trusted

    holder = {"owner": actor} if kind == CertKind.PERSONAL else {"unit": unit}
    fingerprint = hashlib.sha256(signer_cert.dump()).hexdigest()
    cert = Certificate.objects.filter(kind=kind, fingerprint=fingerprint, **holder).first()
    if cert is None:
        raise NotAllowed(
            _(
                "Chứng thư số dùng để ký chưa được đăng ký cho bạn ở trang Chứng thư số; mỗi người "
                "chỉ ký bằng chứng thư đã đăng ký của mình."
            )
            if kind == CertKind.PERSONAL
            else _("Chứng thư này không phải chứng thư con dấu đã đăng ký của trường.")
        )
    _check_usable(cert, timezone.now())
    ensure_trusted(cert)
    ensure_not_revoked(cert)
    return cert


def _check_holder(actor: Any, cert: Certificate, kind: str, unit: Unit | None) -> None:
    if kind == CertKind.PERSONAL and (cert.kind != kind or cert.owner_id != actor.pk):
        raise NotAllowed(
            _("Chứng thư số này không phải của bạn; mỗi người chỉ ký bằng chứng thư của mình.")
        )
    if kind == CertKind.SEAL and (cert.kind != kind or unit is None or cert.unit_id != unit.pk):
        raise NotAllowed(_("Chứng thư này không phải chứng thư con dấu của trường."))


def _check_usable(cert: Certificate, now: dt.datetime) -> None:
    if cert.status == CertStatus.REVOKED:
        raise DomainError(
            _("Chứng thư số %(serial)s đã bị thu hồi; không thể ký.") % {"serial": cert.serial}
        )
    if cert.status != CertStatus.ACTIVE:
        raise DomainError(_("Chứng thư số %(serial)s đã ngừng sử dụng.") % {"serial": cert.serial})
    if now < cert.not_before:
        raise DomainError(
            _("Chứng thư số chưa đến thời hạn hiệu lực (có hiệu lực từ %(vn)s).")
            % {"vn": _vn(cert.not_before)}
        )
    if now > cert.not_after:
        raise DomainError(
            _("Chứng thư số đã hết hạn ngày %(vn)s; không thể ký.") % {"vn": _vn(cert.not_after)}
        )


def _missing_message(kind: str, actor: Any, unit: Unit | None, now: dt.datetime) -> str:
    holder = {"owner": actor} if kind == CertKind.PERSONAL else {"unit": unit}
    latest = Certificate.objects.filter(kind=kind, **holder).order_by("-not_after").first()
    who = _("Bạn") if kind == CertKind.PERSONAL else _("Trường")
    if latest is None:
        return _("%(who)s chưa đăng ký chứng thư số nào; hãy đăng ký ở trang Chứng thư số.") % {
            "who": who
        }
    try:
        _check_usable(latest, now)
    except DomainError as exc:
        return exc.message
    return _("%(who)s chưa có chứng thư số còn hiệu lực.") % {"who": who}


def _vn(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%d/%m/%Y")
