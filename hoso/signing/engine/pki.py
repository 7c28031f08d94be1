"""Demo PKI: a test root and issuing CA, person and seal certificates, CRLs.

Only for the demo and tests. Real deployments use certificates from a licensed CA.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC
_DAY = dt.timedelta(days=1)


@dataclass
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def serial(self) -> int:
        return self.cert.serial_number

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class DemoCA:
    """Root + issuing CA, with a revocation list kept in memory."""

    root: Issued
    intermediate: Issued
    ocsp_url: str | None = None
    crl_url: str | None = None
    revoked: dict[int, dt.datetime] = field(default_factory=dict)

    @property
    def chain(self) -> list[x509.Certificate]:
        """Issuing CA first, then root."""
        return [self.intermediate.cert, self.root.cert]

    def revoke(self, serial: int, when: dt.datetime | None = None) -> None:
        self.revoked[serial] = when or dt.datetime.now(UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(cn: str, org: str | None = None, serial: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _builder(
    subject: x509.Name,
    issuer: Issued | None,
    key: rsa.RSAPrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.CertificateBuilder:
    issuer_name = issuer.cert.subject if issuer else subject
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    signer_pub = (issuer.key if issuer else key).public_key()
    return b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_pub), False)


def _ca_cert(
    cn: str,
    parent: Issued | None,
    years: int,
    key: rsa.RSAPrivateKey | None = None,
    *,
    crl_url: str | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Issued:
    key = key or new_key(2048)
    now = _now()
    nb = not_before or now - _DAY
    na = not_after or now + years * 365 * _DAY
    b = _builder(_name(cn, "HoSo Demo"), parent, key, nb, na)
    b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    b = b.add_extension(_key_usage(cert_sign=True), True)
    if crl_url:  # where the parent CA publishes whether this CA is revoked
        dp = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        b = b.add_extension(x509.CRLDistributionPoints([dp]), False)
    cert = b.sign((parent.key if parent else key), hashes.SHA256())
    return Issued(cert, key)


def _key_usage(*, cert_sign: bool = False, signing: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def create_demo_ca(
    directory: Path | None = None,
    *,
    ocsp_url: str | None = None,
    crl_url: str | None = None,
    keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey] | None = None,
    root_crl_url: str | None = None,
    issuing_not_after: dt.datetime | None = None,
) -> DemoCA:
    """Create a root and an issuing CA; write their PEM files if `directory` is given.

    `root_crl_url`: the root's CRL (revoked CAs), put in the issuing CA's certificate.
    `issuing_not_after`: a short-lived issuing CA (tests of long-term validation)."""
    root = _ca_cert("HoSo Demo CA gốc", None, 20, keys[0] if keys else None)
    inter = _ca_cert(
        "HoSo Demo CA cấp chứng thư",
        root,
        10,
        keys[1] if keys else None,
        crl_url=root_crl_url,
        not_after=issuing_not_after,
    )
    ca = DemoCA(root, inter, ocsp_url=ocsp_url, crl_url=crl_url)
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "root.pem").write_bytes(root.cert_pem())
        (directory / "intermediate.pem").write_bytes(inter.cert_pem())
    return ca


def _leaf_extensions(b: x509.CertificateBuilder, ca: DemoCA) -> x509.CertificateBuilder:
    b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
    b = b.add_extension(_key_usage(signing=True), True)
    if ca.ocsp_url:
        desc = x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ca.ocsp_url)
        )
        b = b.add_extension(x509.AuthorityInformationAccess([desc]), False)
    if ca.crl_url:
        dp = x509.DistributionPoint([x509.UniformResourceIdentifier(ca.crl_url)], None, None, None)
        b = b.add_extension(x509.CRLDistributionPoints([dp]), False)
    return b


def _issue(
    ca: DemoCA,
    subject: x509.Name,
    *,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    key: rsa.RSAPrivateKey | None,
) -> Issued:
    key = key or new_key(2048)
    nb = not_before or _now() - _DAY
    na = not_after or nb + 3 * 365 * _DAY
    b = _leaf_extensions(_builder(subject, ca.intermediate, key, nb, na), ca)
    return Issued(b.sign(ca.intermediate.key, hashes.SHA256()), key)


def issue_person_cert(
    ca: DemoCA,
    full_name: str,
    *,
    organisation: str | None = None,
    id_number: str | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> Issued:
    """Issue a personal signing certificate (RSA-2048, CN = full Vietnamese name)."""
    serial = f"CCCD:{id_number}" if id_number else None
    subject = _name(full_name, organisation, serial)
    return _issue(ca, subject, not_before=not_before, not_after=not_after, key=key)


def issue_seal_cert(
    ca: DemoCA,
    organisation: str,
    *,
    tax_code: str | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> Issued:
    """Issue the organisation (seal) certificate of a school."""
    serial = f"MST:{tax_code}" if tax_code else None
    subject = _name(organisation, organisation, serial)
    return _issue(ca, subject, not_before=not_before, not_after=not_after, key=key)


def issue_service_cert(ca: DemoCA, cn: str, purpose: str) -> Issued:
    """Issue a TSA (`purpose="tsa"`) or OCSP responder (`"ocsp"`) certificate."""
    key = new_key(2048)
    now = _now()
    b = _builder(_name(cn, "HoSo Demo"), ca.intermediate, key, now - _DAY, now + 5 * 365 * _DAY)
    b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
    b = b.add_extension(_key_usage(signing=True), True)
    eku = (
        ExtendedKeyUsageOID.TIME_STAMPING if purpose == "tsa" else ExtendedKeyUsageOID.OCSP_SIGNING
    )
    b = b.add_extension(x509.ExtendedKeyUsage([eku]), critical=purpose == "tsa")
    if purpose == "ocsp":
        b = b.add_extension(x509.OCSPNoCheck(), False)
    return Issued(b.sign(ca.intermediate.key, hashes.SHA256()), key)


def export_pkcs12(issued: Issued, ca: DemoCA, passphrase: str, path: Path | None = None) -> bytes:
    """PKCS#12 with key, certificate and chain, encrypted with `passphrase`."""
    enc = serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    name = issued.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    data = pkcs12.serialize_key_and_certificates(
        str(name).encode("utf-8"), issued.key, issued.cert, ca.chain, enc
    )
    if path is not None:
        path.write_bytes(data)
    return data


def make_crl(
    ca: DemoCA,
    *,
    next_update_days: int = 7,
    issuer: Issued | None = None,
    revoked: dict[int, dt.datetime] | None = None,
) -> x509.CertificateRevocationList:
    """CRL of the issuing CA (or of `issuer`, e.g. the root) listing `revoked` (default
    `ca.revoked`)."""
    now = _now()
    signer = issuer or ca.intermediate
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(signer.cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + next_update_days * _DAY)
        .add_extension(x509.CRLNumber(int(now.timestamp())), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()),
            False,
        )
    )
    for serial, when in (ca.revoked if revoked is None else revoked).items():
        rc = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        b = b.add_revoked_certificate(rc)
    return b.sign(signer.key, hashes.SHA256())


def create_tsa_authority(
    *, years: int = 30, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey] | None = None
) -> tuple[Issued, Issued]:
    """A time-stamp authority with a chain of its own: (TSA root, TSA certificate). Separate
    from the CA that issues signers' certificates, as real TSAs are; long-lived, so documents
    stay provable after the signers' CA has expired."""
    root = _ca_cert("HoSo Demo TSA Root CA", None, years, keys[0] if keys else None)
    key = keys[1] if keys else new_key(2048)
    now = _now()
    b = _builder(
        _name("HoSo Demo TSA", "HoSo Demo"), root, key, now - _DAY, root.cert.not_valid_after_utc
    )
    b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
    b = b.add_extension(_key_usage(signing=True), True)
    b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return root, Issued(b.sign(root.key, hashes.SHA256()), key)


class RevocationStore:
    """Revocations kept in a JSON file (serial → date), so `hoso pki serve` answers the same
    after a restart. Written atomically; read on every request (a revocation made with
    `hoso pki revoke` while the server runs is seen at once)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[int, dt.datetime]:
        import json

        if not self.path.exists():
            return {}
        raw = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        return {int(k, 16): dt.datetime.fromisoformat(v) for k, v in raw.items()}

    def revoke(self, serial: int, when: dt.datetime | None = None) -> dt.datetime:
        import json

        data = self.load()
        moment = (when or dt.datetime.now(UTC)).replace(microsecond=0)
        data[serial] = moment
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({format(k, "x"): v.isoformat() for k, v in data.items()}, indent=1),
            encoding="utf-8",
        )
        tmp.replace(self.path)
        return moment
