"""One signer interface, three back-ends: PKCS#12 file, PKCS#11 token, external two-phase.

Every back-end gives a pyHanko `Signer` (`.pyhanko_signer`) and the certificate; the PDF and
CMS code in `sign.py` / `cades.py` only talks to this interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from asn1crypto import algos, cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils.translation import gettext as _
from pyhanko.sign.signers.pdf_cms import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.errors import SigningError

# Signed attributes that are identical for every document signed by one PAdES signer.
_CONSTANT_ATTRS = {"content_type", "signing_certificate_v2", "cms_algorithm_protection"}


class HosoSigner(Protocol):
    """What `sign_pdf` and `sign_detached` need from any back-end."""

    @property
    def pyhanko_signer(self) -> Signer: ...

    @property
    def cert(self) -> asn1_x509.Certificate: ...


def cert_display_name(cert: asn1_x509.Certificate) -> str:
    """Common name of a certificate (the person's or school's name)."""
    return str(cert.subject.native.get("common_name", cert.subject.human_friendly))


def check_validity_period(cert: asn1_x509.Certificate, at: dt.datetime | None = None) -> None:
    """Raise `SigningError` if `cert` is expired or not yet valid at `at` (default now)."""
    at = at or dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    name = cert_display_name(cert)
    if at < not_before:
        raise SigningError(
            _("Chứng thư số của %(name)s chưa đến thời hạn hiệu lực (có hiệu lực từ %(vn_date)s).")
            % {"name": name, "vn_date": _vn_date(not_before)},
            code="cert_not_yet_valid",
        )
    if at > not_after:
        raise SigningError(
            _("Chứng thư số của %(name)s đã hết hạn ngày %(vn_date)s.")
            % {"name": name, "vn_date": _vn_date(not_after)},
            code="cert_expired",
        )


def check_certificate_status(cert: asn1_x509.Certificate, validation_context: Any) -> None:
    """Raise `SigningError` if `cert` is revoked or does not chain to a trusted root.

    Run once per signer (not per document): batch signing checks the certificate up front.
    """

    from pyhanko.sign._session_scope import run_and_release
    from pyhanko_certvalidator import CertificateValidator, errors

    validator = CertificateValidator(cert, validation_context=validation_context)
    coro = validator.async_validate_usage({"non_repudiation"})
    name = cert_display_name(cert)
    try:
        run_sync(run_and_release(coro, validation_context))
    except errors.RevokedError as exc:
        raise SigningError(
            _("Chứng thư số của %(name)s đã bị thu hồi.") % {"name": name}, "cert_revoked"
        ) from exc
    except errors.ExpiredError as exc:
        raise SigningError(
            _("Chứng thư số của %(name)s đã hết hạn.") % {"name": name}, "cert_expired"
        ) from exc
    except (errors.PathBuildingError, errors.ValidationError) as exc:
        raise SigningError(
            _("Không xác thực được chứng thư số của %(name)s (chuỗi tin cậy hoặc trạng thái).")
            % {"name": name},
            "cert_invalid",
        ) from exc


def check_revocation(
    cert: asn1_x509.Certificate, validation_context: Any, *, refuse_unknown: bool
) -> str | None:
    """Ask the CA (OCSP or CRL, fetched through `validation_context`, which must allow
    fetching and use "hard-fail") whether `cert` is revoked. Revoked → `SigningError` naming
    the holder. Status unknown (no responder, no CRL, no answer) → `SigningError` when
    `refuse_unknown`, else the warning text to show. Good → None."""
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko_certvalidator import CertificateValidator, errors

    name = cert_display_name(cert)
    validator = CertificateValidator(cert, validation_context=validation_context)
    try:
        run_sync(run_and_release(validator.async_validate_usage(set()), validation_context))
    except errors.RevokedError as exc:
        raise SigningError(
            _("Chứng thư số của %(name)s đã bị tổ chức cấp thu hồi (theo OCSP/CRL); không thể ký.")
            % {"name": name},
            "cert_revoked",
        ) from exc
    except (errors.ExpiredError, errors.NotYetValidError):
        return None  # refused by the validity-period check, with its own message
    except (errors.InsufficientRevinfoError, errors.PathValidationError) as exc:
        text = _(
            "Không kiểm tra được tình trạng thu hồi chứng thư số của %(name)s (không liên lạc "
            "được OCSP/CRL của tổ chức cấp)"
        ) % {"name": name}
        if refuse_unknown:
            raise SigningError(
                _("%(problem)s; theo quy định của Sở, không ký.") % {"problem": text},
                "revocation_unknown",
            ) from exc
        return _("%(problem)s; tài liệu vẫn được ký.") % {"problem": text}
    except errors.PathBuildingError:
        return None  # not a chain we know: the trust check refuses it separately
    return None


def _vn_date(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")


class FastPkcs12Signer(SimpleSigner):
    """`SimpleSigner` that loads the key once and reuses per-signer CMS parts.

    pyHanko's `SimpleSigner.sign_raw` re-parses (and for RSA re-checks) the private key on
    every call; here the `cryptography` key object is kept. The constant signed attributes
    (content type, signing-certificate-v2, algorithm protection) and the certificate set are
    built once and reused for every document of a batch. For PAdES without a time-stamp the
    whole CMS is reused as a skeleton (`CmsSkeleton`): only the digest and signature change.
    """

    def __init__(self, key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key
        self._attr_cache: dict[tuple[Any, ...], list[bytes]] = {}
        self._info_cache: dict[str, tuple[bytes, bytes, bytes]] = {}
        self._cert_ders: list[bytes] | None = None
        self._skeletons: dict[str, CmsSkeleton | None] = {}

    async def async_sign(  # type: ignore[override]
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: Any = None,
        signed_attr_settings: Any = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        plain = (
            use_pades
            and is_pdf_sig
            and not dry_run
            and timestamper is None
            and encap_content_info is None
            and getattr(signed_attr_settings, "adobe_revinfo_attr", None) is None
            and getattr(signed_attr_settings, "cades_signed_attrs", None) is None
        )
        skeleton = self._skeletons.get(digest_algorithm) if plain else None
        if skeleton is not None and len(data_digest) == skeleton.digest_len:
            signature = self.sign_raw(skeleton.signed_attrs_for(data_digest), digest_algorithm)
            if len(signature) == skeleton.signature_len:
                return cms.ContentInfo.load(skeleton.cms_for(data_digest, signature))
        info = await super().async_sign(
            data_digest,
            digest_algorithm,
            dry_run=dry_run,
            use_pades=use_pades,
            timestamper=timestamper,
            signed_attr_settings=signed_attr_settings,
            is_pdf_sig=is_pdf_sig,
            encap_content_info=encap_content_info,
        )
        if plain and digest_algorithm not in self._skeletons:
            self._skeletons[digest_algorithm] = CmsSkeleton.derive(
                info, data_digest, lambda data: self.sign_raw(data, digest_algorithm)
            )
        return info

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mech = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mech.signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if algo == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        if algo == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)

    async def signed_attrs(  # type: ignore[override]
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings: Any = None,
        content_type: str = "data",
        use_pades: bool = False,
        timestamper: Any = None,
        dry_run: bool = False,
        is_pdf_sig: bool = True,
    ) -> cms.CMSAttributes:
        key = (digest_algorithm, content_type, use_pades, is_pdf_sig)
        cached = self._attr_cache.get(key) if use_pades and not dry_run else None
        if cached is not None:
            digest_attr = cms.CMSAttribute({"type": "message_digest", "values": [data_digest]})
            return cms.CMSAttributes([*_fresh(cms.CMSAttribute, cached), digest_attr])
        attrs = await super().signed_attrs(
            data_digest,
            digest_algorithm,
            attr_settings=attr_settings,
            content_type=content_type,
            use_pades=use_pades,
            timestamper=timestamper,
            dry_run=dry_run,
            is_pdf_sig=is_pdf_sig,
        )
        types = {a["type"].native for a in attrs}
        if use_pades and not dry_run and types - {"message_digest"} <= _CONSTANT_ATTRS:
            self._attr_cache[key] = [
                a.dump() for a in attrs if a["type"].native != "message_digest"
            ]
        return attrs

    def signer_info(self, digest_algorithm: str, signed_attrs: Any, signature: bytes) -> Any:
        parts = self._info_cache.get(digest_algorithm)
        if parts is None:
            info = super().signer_info(digest_algorithm, signed_attrs, signature)
            parts = tuple(
                info[k].dump() for k in ("sid", "digest_algorithm", "signature_algorithm")
            )
            self._info_cache[digest_algorithm] = parts
        sid, dig, sig_alg = parts
        # Freshly loaded, never-touched objects re-encode from their cached bytes; the parsed
        # originals make asn1crypto walk and copy the whole tree on every signature.
        return cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(sid),
                "digest_algorithm": algos.DigestAlgorithm.load(dig),
                "signature_algorithm": algos.SignedDigestAlgorithm.load(sig_alg),
                "signed_attrs": cms.CMSAttributes.load(signed_attrs.dump()),
                "signature": signature,
            }
        )

    def _package_signature(self, **kwargs: Any) -> cms.ContentInfo:  # type: ignore[override]
        # pyHanko rebuilds the certificate set for every signature; encode it once.
        if self._cert_ders is None:
            info = super()._package_signature(**kwargs)
            self._cert_ders = [c.dump() for c in info["content"]["certificates"]]
            return info
        certs = _fresh(cms.CertificateChoices, self._cert_ders)
        return _package_with_certs(self, certs, **kwargs)


class CmsSkeleton:
    """A PAdES CMS built by pyHanko, reused with a new document digest and signature.

    For one signer, digest algorithm and no time-stamp, successive CMS structures differ only
    in the message-digest attribute and the signature value, both of fixed length (RSA
    PKCS#1 v1.5). `derive` takes pyHanko's CMS for the first document, locates the two
    values, and keeps the skeleton only if rebuilding that same document from it reproduces
    pyHanko's bytes exactly (same digest → same signed attributes → same deterministic
    signature). Anything else (ECDSA's variable length, unexpected attributes) → `None`, and
    pyHanko builds every CMS.
    """

    def __init__(self, der: bytes, attrs: bytes, digest: bytes, signature: bytes) -> None:
        self._der, self._attrs = der, attrs
        self.digest_len, self.signature_len = len(digest), len(signature)
        self._attr_at = attrs.index(digest)
        self._digest_at = der.index(digest)
        self._signature_at = der.index(signature)

    def signed_attrs_for(self, digest: bytes) -> bytes:
        """DER of the signed attributes (SET OF) as signed, with `digest`."""
        at = self._attr_at
        return self._attrs[:at] + digest + self._attrs[at + self.digest_len :]

    def cms_for(self, digest: bytes, signature: bytes) -> bytes:
        d, s = self._digest_at, self._signature_at
        der = self._der
        return b"".join(
            (
                der[:d],
                digest,
                der[d + self.digest_len : s],
                signature,
                der[s + self.signature_len :],
            )
        )

    @classmethod
    def derive(
        cls, info: cms.ContentInfo, digest: bytes, sign: Callable[[bytes], bytes]
    ) -> CmsSkeleton | None:
        der = info.dump()
        signer_infos = info["content"]["signer_infos"]
        if len(signer_infos) != 1:
            return None
        signer_info = signer_infos[0]
        attrs = signer_info["signed_attrs"]
        types = {a["type"].native for a in attrs}
        if types - {"message_digest"} - _CONSTANT_ATTRS or signer_info["unsigned_attrs"]:
            return None
        signature = signer_info["signature"].native
        attrs_der = cms.CMSAttributes.load(attrs.untag().dump()).dump()
        if any(
            haystack.count(needle) != 1
            for haystack, needle in ((der, digest), (der, signature), (attrs_der, digest))
        ):
            return None
        skeleton = cls(der, attrs_der, digest, signature)
        again = sign(skeleton.signed_attrs_for(digest))
        if again != signature or skeleton.cms_for(digest, again) != der:
            return None
        return skeleton


def _fresh(cls: Any, ders: Iterable[bytes]) -> list[Any]:
    return [cls.load(d) for d in ders]


def _package_with_certs(
    signer: Signer,
    certs: list[cms.CertificateChoices],
    *,
    digest_algorithm: str,
    cms_version: Any,
    signed_attrs: cms.CMSAttributes,
    signature: bytes,
    unsigned_attrs: cms.CMSAttributes | None,
    encap_content_info: Any,
) -> cms.ContentInfo:
    sig_info = signer.signer_info(digest_algorithm, signed_attrs, signature)
    if unsigned_attrs is not None:
        sig_info["unsigned_attrs"] = unsigned_attrs
    signed_data = {
        "version": cms_version,
        "digest_algorithms": cms.DigestAlgorithms((sig_info["digest_algorithm"],)),
        "encap_content_info": encap_content_info or {"content_type": "data"},
        "certificates": certs,
        "signer_infos": [sig_info],
    }
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed_data)})


def _to_asn1_cert(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class Pkcs12Signer:
    """Signer from a PKCS#12 (.p12/.pfx) file and its passphrase; key loaded once."""

    def __init__(self, data: bytes, passphrase: str, *, check_validity: bool = True) -> None:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
        except ValueError as exc:
            raise SigningError(
                _("Mật khẩu tệp chứng thư số (PKCS#12) không đúng hoặc tệp bị hỏng."),
                code="bad_passphrase",
            ) from exc
        if key is None or cert is None:
            raise SigningError(_("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số."), "bad_p12")
        self._cert = _to_asn1_cert(cert)
        if check_validity:
            check_validity_period(self._cert)
        chain = [_to_asn1_cert(c) for c in extra or ()]
        self.chain = chain
        key_info = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._signer = FastPkcs12Signer(
            key,
            signing_cert=self._cert,
            signing_key=key_info,
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )

    @classmethod
    def from_file(cls, path: str, passphrase: str, **kwargs: Any) -> Pkcs12Signer:
        with open(path, "rb") as fh:
            return cls(fh.read(), passphrase, **kwargs)

    @property
    def pyhanko_signer(self) -> Signer:
        return self._signer

    @property
    def cert(self) -> asn1_x509.Certificate:
        return self._cert


class Pkcs11Signer:
    """Signer backed by a PKCS#11 token or HSM (server-side), through pyHanko."""

    def __init__(
        self,
        lib_path: str,
        *,
        token_label: str | None,
        pin: str,
        key_label: str | None = None,
        cert_label: str | None = None,
        key_id: bytes | None = None,
        extra_certs: Iterable[asn1_x509.Certificate] = (),
    ) -> None:
        from pkcs11 import exceptions as p11_exc
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11

        try:
            self._session = p11.open_pkcs11_session(
                lib_path, token_criteria=TokenCriteria(label=token_label), user_pin=pin
            )
        except p11_exc.PinIncorrect as exc:
            raise SigningError(_("Mã PIN của thiết bị ký số không đúng."), "bad_pin") from exc
        except (p11_exc.PKCS11Error, Exception) as exc:
            if isinstance(exc, SigningError):
                raise
            raise SigningError(
                _("Không mở được thiết bị ký số (PKCS#11): %(exc)s") % {"exc": exc},
                "token_unavailable",
            ) from exc
        self._signer = p11.PKCS11Signer(
            self._session,
            cert_label=cert_label,
            key_label=key_label,
            key_id=key_id,
            cert_id=key_id,
            ca_chain=list(extra_certs),
        )
        check_validity_period(self.cert)

    @property
    def pyhanko_signer(self) -> Signer:
        return self._signer

    @property
    def cert(self) -> asn1_x509.Certificate:
        cert = self._signer.signing_cert
        assert cert is not None
        return cert

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
