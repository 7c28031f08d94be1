"""A small Cloud Signature Consortium API v2 service of HoSo's own, for tests and the bench.

It stands in for a licensed remote-signing provider (VNPT SmartCA, Viettel MySign…): the keys
live in a SoftHSM2 token (PKCS#11 through python-pkcs11, generated inside the token and never
exported), certificates come from the demo/test CA, and a person confirms each authorization
"on their phone" — here the test (or a delay) approves, refuses or lets it expire.

Endpoints (JSON over HTTP on 127.0.0.1, served by waitress in a thread):
    POST /oauth2/token                    client_credentials → bearer token
    POST /csc/v2/credentials/list         {userID} → {credentialIDs}
    POST /csc/v2/credentials/info         {credentialID} → key algorithms, chain, multisign, SCAL 2
    POST /csc/v2/credentials/authorize    {credentialID, numSignatures, hashes} → 202
                                          {authorizationID, expiresIn}: asynchronous, the phone
                                          is asked; or 200 {SAD} when confirm="sync"
    POST /csc/v2/credentials/authorizeCheck {authorizationID} → 202 pending | 200 {SAD} |
                                          400 access_denied (refused) | 400 expired_token
    POST /csc/v2/signatures/signHash      {credentialID, SAD, hashes, hashAlgorithmOID, signAlgo}
    POST /phone/{authorizationID}/approve|refuse   the person's phone (test hook)

Knobs (attributes, changed by tests while it runs): `delay` seconds added to every API call
(the provider's own latency), `confirm` = "phone" (wait for /phone or `auto_approve_after`) |
"refuse" | "expire" | "sync", `authorization_ttl` seconds, `down` (every call answers 503).
`provider_seconds` adds up the time spent inside handlers (delay included), so a benchmark
can subtract the provider's share.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import softhsm

SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_SHA256_OID = "1.2.840.113549.1.1.11"
RSA_OID = "1.2.840.113549.1.1.1"
# DigestInfo prefix of SHA-256 (RFC 8017 §9.2): the HSM's CKM_RSA_PKCS signs it + the hash.
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


class SoftHsmKeys:
    """A SoftHSM2 token of its own in the process's SoftHSM directory; RSA keys made inside."""

    PIN = "246810"

    def __init__(self) -> None:
        import pkcs11

        self.label = "csc-" + secrets.token_hex(4)
        softhsm.init_token(self.label, self.PIN, "13579111")
        softhsm.refresh_library()
        self._lib = pkcs11.lib(softhsm.SOFTHSM_LIB)
        self._lock = threading.Lock()  # one PKCS#11 session, used from the server's threads
        self._open_session()

    def _open_session(self) -> None:
        self._generation = softhsm.generation()
        self._session = self._lib.get_token(token_label=self.label).open(rw=True, user_pin=self.PIN)

    def _live_session(self) -> Any:
        """The session, opened again if another fixture re-initialised the library since."""
        if self._generation != softhsm.generation():
            self._open_session()
        return self._session

    def generate(self, key_id: bytes) -> Any:
        """A new RSA-2048 key pair in the token; returns the public key (cryptography)."""
        from pkcs11 import KeyType
        from pkcs11.util.rsa import encode_rsa_public_key

        with self._lock:
            public, _private = self._live_session().generate_keypair(
                KeyType.RSA, 2048, id=key_id, label=key_id.hex(), store=True
            )
            der = encode_rsa_public_key(public)
        return serialization.load_der_public_key(_spki(der))

    def sign_sha256(self, key_id: bytes, digest: bytes) -> bytes:
        from pkcs11 import KeyType, Mechanism, ObjectClass

        with self._lock:
            key = self._live_session().get_key(
                object_class=ObjectClass.PRIVATE_KEY, key_type=KeyType.RSA, id=key_id
            )
            return bytes(key.sign(_SHA256_PREFIX + digest, mechanism=Mechanism.RSA_PKCS))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closed already if the library was re-initialised
            self._session.close()


def _spki(pkcs1_der: bytes) -> bytes:
    """SubjectPublicKeyInfo around a PKCS#1 RSAPublicKey."""
    from asn1crypto import keys

    return keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa", "parameters": None},
            "public_key": keys.RSAPublicKey.load(pkcs1_der),
        }
    ).dump()


class _PublicOnly:
    """What `hoso.signing.engine.pki` needs of a key to issue a certificate: its public half."""

    def __init__(self, public: Any) -> None:
        self._public = public

    def public_key(self) -> Any:
        return self._public


@dataclass
class Credential:
    credential_id: str
    user_id: str
    key_id: bytes
    chain_der: list[bytes]  # signer first, then issuing CA, root

    @property
    def cert_der(self) -> bytes:
        return self.chain_der[0]


@dataclass
class Authorization:
    authorization_id: str
    credential_id: str
    hashes: list[str]
    created: float
    state: str = "pending"  # pending | approved | refused
    sad: str = ""
    used: set[str] = field(default_factory=set)


class CscService:
    """The service: credentials, OAuth clients, pending authorizations, the WSGI app."""

    def __init__(self, keys: SoftHsmKeys, *, client_id: str, client_secret: str) -> None:
        self.keys = keys
        self.clients = {client_id: client_secret}
        self.tokens: dict[str, float] = {}
        self.credentials: dict[str, Credential] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.delay = 0.0
        self.confirm = "phone"
        self.auto_approve_after: float | None = None
        self.authorization_ttl = 300.0
        self.down = False
        self.provider_seconds = 0.0
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # --- provisioning (what the provider does when it issues a person's remote certificate) --
    def enrol(
        self, ca: Any, full_name: str, user_id: str, organisation: str | None = None
    ) -> Credential:
        from hoso.signing.engine import pki

        key_id = secrets.token_bytes(8)
        public = self.keys.generate(key_id)
        issued = pki.issue_person_cert(
            ca,
            full_name,
            organisation=organisation,
            key=_PublicOnly(public),  # type: ignore[arg-type]
        )
        chain = [issued.cert, *ca.chain]
        cred = Credential(
            credential_id="cred-" + secrets.token_hex(6),
            user_id=user_id,
            key_id=key_id,
            chain_der=[c.public_bytes(serialization.Encoding.DER) for c in chain],
        )
        self.credentials[cred.credential_id] = cred
        return cred

    def certificate(self, credential_id: str) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.credentials[credential_id].cert_der)

    # --- the person's phone -------------------------------------------------------------------
    def pending(self) -> list[Authorization]:
        return [a for a in self.authorizations.values() if self._state(a) == "pending"]

    def last(self) -> Authorization:
        """The most recent authorization asked of the phone."""
        return list(self.authorizations.values())[-1]

    def approve(self, authorization_id: str) -> None:
        auth = self.authorizations[authorization_id]
        if self._state(auth) == "pending":
            auth.state, auth.sad = "approved", "sad-" + secrets.token_urlsafe(24)

    def refuse(self, authorization_id: str) -> None:
        auth = self.authorizations[authorization_id]
        if self._state(auth) == "pending":
            auth.state = "refused"

    def _state(self, auth: Authorization) -> str:
        age = time.monotonic() - auth.created
        if auth.state == "pending":
            if self.auto_approve_after is not None and age >= self.auto_approve_after:
                self.approve_now(auth)
            elif age > self.authorization_ttl:
                return "expired"
        return auth.state

    def approve_now(self, auth: Authorization) -> None:
        auth.state, auth.sad = "approved", "sad-" + secrets.token_urlsafe(24)

    # --- HTTP ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started = time.perf_counter()
        path = environ.get("PATH_INFO", "")
        try:
            if self.down:
                status, body = 503, {"error": "temporarily_unavailable"}
            else:
                if self.delay:
                    time.sleep(self.delay)
                status, body = self._route(environ, path)
        except Exception as exc:  # noqa: BLE001 — a test service: answer, never die
            status, body = 500, {"error": "server_error", "error_description": repr(exc)}
        data = json.dumps(body).encode()
        reason = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized"}
        start_response(
            f"{status} {reason.get(status, 'Error')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        with self._lock:
            self.provider_seconds += time.perf_counter() - started
            self.calls[path] = self.calls.get(path, 0) + 1
        return [data]

    def _route(self, environ: dict[str, Any], path: str) -> tuple[int, dict[str, Any]]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if path == "/oauth2/token":
            return self._token(raw, environ)
        if path.startswith("/phone/"):
            _, _, auth_id, verb = path.split("/", 3)
            if auth_id not in self.authorizations:
                return 400, {"error": "invalid_request"}
            (self.approve if verb == "approve" else self.refuse)(auth_id)
            return 200, {"state": self.authorizations[auth_id].state}
        if not self._authenticated(environ):
            return 401, {"error": "invalid_token"}
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"error": "invalid_request"}
        handler = {
            "/csc/v2/credentials/list": self._list,
            "/csc/v2/credentials/info": self._info,
            "/csc/v2/credentials/authorize": self._authorize,
            "/csc/v2/credentials/authorizeCheck": self._check,
            "/csc/v2/signatures/signHash": self._sign_hash,
        }.get(path)
        if handler is None:
            return 404, {"error": "not_found"}
        return handler(req)

    def _token(self, raw: bytes, environ: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = environ.get("HTTP_AUTHORIZATION", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if not client_id or self.clients.get(client_id) != secret:
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + 3600
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _authenticated(self, environ: dict[str, Any]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        return self.tokens.get(token, 0) > time.monotonic()

    def _list(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        user = str(req.get("userID", ""))
        ids = [c.credential_id for c in self.credentials.values() if c.user_id == user]
        return 200, {"credentialIDs": ids}

    def _info(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self.credentials.get(str(req.get("credentialID", "")))
        if cred is None:
            return 400, {"error": "invalid_request", "error_description": "Invalid credentialID"}
        wanted = req.get("certificates", "single")
        certs = cred.chain_der if wanted == "chain" else cred.chain_der[:1]
        return 200, {
            "description": "HoSo test CSC credential",
            "key": {"status": "enabled", "algo": [RSA_SHA256_OID, RSA_OID], "len": 2048},
            "cert": {
                "status": "valid",
                "certificates": [base64.b64encode(c).decode() for c in certs],
            },
            "authMode": "oauth2code",
            "SCAL": "2",
            "multisign": 500,
        }

    def _authorize(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self.credentials.get(str(req.get("credentialID", "")))
        hashes = req.get("hashes") or []
        if cred is None or not isinstance(hashes, list) or not hashes:
            return 400, {"error": "invalid_request"}
        if int(req.get("numSignatures", 0)) != len(hashes):
            return 400, {"error": "invalid_request", "error_description": "numSignatures"}
        auth = Authorization(
            "auth-" + secrets.token_hex(8), cred.credential_id, list(hashes), time.monotonic()
        )
        self.authorizations[auth.authorization_id] = auth
        if self.confirm == "sync":
            self.approve_now(auth)
            return 200, {"SAD": auth.sad, "expiresIn": int(self.authorization_ttl)}
        if self.confirm == "refuse":
            auth.state = "refused"
        elif self.confirm == "expire":
            auth.created -= self.authorization_ttl + 1
        return 202, {
            "authorizationID": auth.authorization_id,
            "expiresIn": int(self.authorization_ttl),
        }

    def _check(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        auth = self.authorizations.get(str(req.get("authorizationID", "")))
        if auth is None:
            return 400, {"error": "invalid_request"}
        state = self._state(auth)
        if state == "approved":
            return 200, {"SAD": auth.sad, "expiresIn": int(self.authorization_ttl)}
        if state == "refused":
            return 400, {"error": "access_denied", "error_description": "The user refused"}
        if state == "expired":
            return 400, {"error": "expired_token", "error_description": "Authorization expired"}
        return 202, {"status": "pending"}

    def _sign_hash(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self.credentials.get(str(req.get("credentialID", "")))
        sad = str(req.get("SAD", ""))
        auth = next((a for a in self.authorizations.values() if a.sad and a.sad == sad), None)
        if cred is None or auth is None or auth.credential_id != cred.credential_id:
            return 400, {"error": "invalid_request", "error_description": "Invalid SAD"}
        if req.get("hashAlgorithmOID", SHA256_OID) != SHA256_OID:
            return 400, {"error": "invalid_request", "error_description": "hashAlgorithmOID"}
        if req.get("signAlgo") not in (RSA_SHA256_OID, RSA_OID):
            return 400, {"error": "invalid_request", "error_description": "signAlgo"}
        hashes = req.get("hashes") or []
        # SCAL 2: only the hashes the person confirmed, each once
        if not hashes or any(h not in auth.hashes or h in auth.used for h in hashes):
            return 400, {"error": "invalid_request", "error_description": "Hash not authorized"}
        auth.used.update(hashes)
        sigs = [self.keys.sign_sha256(cred.key_id, base64.b64decode(h)) for h in hashes]
        return 200, {"signatures": [base64.b64encode(s).decode() for s in sigs]}

    # --- serving ------------------------------------------------------------------------------
    def start(self) -> CscService:
        from waitress import create_server

        self._server = create_server(self, host="127.0.0.1", port=0, threads=4)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.effective_port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
