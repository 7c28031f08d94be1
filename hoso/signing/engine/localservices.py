"""Local RFC 3161 time-stamp authority, OCSP responder and CRL server (demo and tests).

Binds 127.0.0.1 only. The TSA uses pyHanko's DummyTimeStamper, OCSP responses come from
`cryptography`'s OCSP builder; no ASN.1 is hand-written here.
"""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from hoso.signing.engine.pki import DemoCA, Issued, RevocationStore, issue_service_cert, make_crl


def to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def to_asn1_key(issued: Issued) -> asn1_keys.PrivateKeyInfo:
    der = issued.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


class LocalTrustServices:
    """TSA + OCSP + CRL over HTTP on 127.0.0.1; use as a context manager.

    `tsa` / `tsa_chain`: a time-stamp authority with its own chain (default: a TSA certificate
    from `ca`, for tests). `store`: revocations kept on disk, added to `ca.revoked`.
    GET /crl is the issuing CA's CRL, GET /crl/root the root's (revoked CAs)."""

    def __init__(
        self,
        ca: DemoCA,
        port: int = 0,
        *,
        tsa: Issued | None = None,
        tsa_chain: list[x509.Certificate] | None = None,
        store: RevocationStore | None = None,
    ) -> None:
        self.ca = ca
        self.store = store
        self.tsa = tsa or issue_service_cert(ca, "HoSo Demo TSA", "tsa")
        chain = tsa_chain if tsa is not None and tsa_chain is not None else ca.chain
        self.ocsp_signer = issue_service_cert(ca, "HoSo Demo OCSP", "ocsp")
        self.stamper = DummyTimeStamper(
            tsa_cert=to_asn1_cert(self.tsa.cert),
            tsa_key=to_asn1_key(self.tsa),
            certs_to_embed=SimpleCertificateStore.from_certs([to_asn1_cert(c) for c in chain]),
        )
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def tsa_url(self) -> str:
        return self.base_url + "/tsa"

    @property
    def ocsp_url(self) -> str:
        return self.base_url + "/ocsp"

    @property
    def crl_url(self) -> str:
        return self.base_url + "/crl"

    def start(self) -> LocalTrustServices:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalTrustServices:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def timestamp_response(self, body: bytes) -> bytes:
        req = tsp.TimeStampReq.load(body)
        return self.stamper.request_tsa_response(req).dump()

    def ocsp_response(self, body: bytes) -> bytes:
        req = ocsp.load_der_ocsp_request(body)
        inter = self.ca.intermediate.cert
        if req.issuer_key_hash != _key_hash(inter, req.hash_algorithm):
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        return self._good_or_revoked(req).public_bytes(serialization.Encoding.DER)

    def _good_or_revoked(self, req: ocsp.OCSPRequest) -> ocsp.OCSPResponse:
        now = dt.datetime.now(dt.UTC)
        revoked_at = self.revoked().get(req.serial_number)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        b = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=req.issuer_name_hash,
            issuer_key_hash=req.issuer_key_hash,
            serial_number=req.serial_number,
            algorithm=req.hash_algorithm,
            cert_status=status,
            this_update=now - dt.timedelta(minutes=1),
            next_update=now + dt.timedelta(hours=12),
            revocation_time=revoked_at,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
        )
        b = b.responder_id(ocsp.OCSPResponderEncoding.HASH, self.ocsp_signer.cert)
        b = b.certificates([self.ocsp_signer.cert])
        return b.sign(self.ocsp_signer.key, hashes.SHA256())

    def revoked(self) -> dict[int, dt.datetime]:
        stored = self.store.load() if self.store is not None else {}
        return {**self.ca.revoked, **stored}

    def crl_der(self, which: str = "issuing") -> bytes:
        revoked = self.revoked()
        if which == "root":
            ca_serial = self.ca.intermediate.serial
            only = {k: v for k, v in revoked.items() if k == ca_serial}
            crl = make_crl(self.ca, issuer=self.ca.root, revoked=only)
        else:
            crl = make_crl(self.ca, revoked=revoked)
        return crl.public_bytes(serialization.Encoding.DER)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/tsa":
                    self._reply(services.timestamp_response(body), "application/timestamp-reply")
                elif self.path == "/ocsp":
                    self._reply(services.ocsp_response(body), "application/ocsp-response")
                else:
                    self.send_error(404)

            def do_GET(self) -> None:  # noqa: N802
                if self.path in ("/crl", "/crl/root"):
                    which = "root" if self.path == "/crl/root" else "issuing"
                    self._reply(services.crl_der(which), "application/pkix-crl")
                else:
                    self.send_error(404)

            def _reply(self, data: bytes, ctype: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


def _key_hash(cert: x509.Certificate, algo: hashes.HashAlgorithm) -> bytes:
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    h = hashes.Hash(algo)
    h.update(bits)
    return h.finalize()
