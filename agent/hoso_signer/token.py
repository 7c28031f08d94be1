"""PKCS#11 access (python-pkcs11): list certificates, sign a digest."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass

import pkcs11
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

SUPPORTED_DIGESTS = {"sha256": 32, "sha384": 48, "sha512": 64}


class TokenError(Exception):
    """Token problem; `message` is shown to the user (Vietnamese)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class TokenCert:
    key_id: str  # hex of CKA_ID
    label: str
    subject: str
    cert_der: bytes

    def as_json(self) -> dict[str, str]:
        return {
            "key_id": self.key_id,
            "label": self.label,
            "subject": self.subject,
            "cert_b64": base64.b64encode(self.cert_der).decode("ascii"),
        }


class Token:
    """One session on the user's token; thread-safe. With `pin` it is logged in (can sign);
    without, it only reads the public objects (certificates)."""

    def __init__(self, lib_path: str, pin: str | None, token_label: str | None = None) -> None:
        try:
            lib = pkcs11.lib(lib_path)
            token = lib.get_token(token_label=token_label) if token_label else _first_token(lib)
            self.label = token.label
            self._session = token.open(user_pin=pin) if pin is not None else token.open()
        except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange) as exc:
            raise TokenError("Mã PIN không đúng.", 401) from exc
        except pkcs11.exceptions.PKCS11Error as exc:
            raise TokenError(f"Không mở được thiết bị ký số: {type(exc).__name__}", 503) from exc
        self._lock = threading.Lock()

    def certificate(self, key_id_hex: str) -> TokenCert:
        for cert in self.certificates():
            if cert.key_id == key_id_hex:
                return cert
        raise TokenError("Không tìm thấy chứng thư số có mã khóa này trên thiết bị.", 404)

    def certificates(self) -> list[TokenCert]:
        with self._lock:
            objs = list(self._session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
            return [_token_cert(o) for o in objs]

    def sign_digest(self, key_id_hex: str, digest: bytes, algorithm: str = "sha256") -> bytes:
        if SUPPORTED_DIGESTS.get(algorithm) != len(digest):
            raise TokenError("Thuật toán băm hoặc độ dài giá trị băm không hợp lệ.")
        with self._lock:
            try:
                key = self._session.get_key(
                    object_class=ObjectClass.PRIVATE_KEY, id=bytes.fromhex(key_id_hex)
                )
            except (pkcs11.exceptions.NoSuchKey, ValueError) as exc:
                raise TokenError("Không tìm thấy khóa trên thiết bị.", 404) from exc
            return _sign(key, digest, algorithm)

    def close(self) -> None:
        self._session.close()


def _first_token(lib: pkcs11.lib) -> pkcs11.Token:
    for slot in lib.get_slots(token_present=True):
        return slot.get_token()
    raise TokenError("Chưa cắm thiết bị ký số (USB token).", 503)


def _token_cert(obj: pkcs11.Certificate) -> TokenCert:
    der = bytes(obj[Attribute.VALUE])
    cert = asn1_x509.Certificate.load(der)
    return TokenCert(
        key_id=bytes(obj[Attribute.ID]).hex(),
        label=str(obj[Attribute.LABEL]),
        subject=cert.subject.human_friendly,
        cert_der=der,
    )


def _sign(key: pkcs11.PrivateKey, digest: bytes, algorithm: str) -> bytes:
    if key.key_type == KeyType.RSA:
        info = algos.DigestInfo({"digest_algorithm": {"algorithm": algorithm}, "digest": digest})
        return bytes(key.sign(info.dump(), mechanism=Mechanism.RSA_PKCS))
    if key.key_type == KeyType.EC:
        raw = bytes(key.sign(digest, mechanism=Mechanism.ECDSA))
        return algos.DSASignature.from_p1363(raw).dump()
    raise TokenError("Loại khóa chưa được hỗ trợ.")
