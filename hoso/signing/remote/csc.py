"""Cloud Signature Consortium API v2 client, on pyHanko's own CSC support
(`pyhanko.sign.signers.csc_signer`), extended only through its public classes:

- `credentials/info` → `fetch_certs_in_csc_credential` (with `api_ver="v2"`);
- `credentials/authorize` → body from `CSCAuthorizationManager.format_csc_auth_request`
  (v2 names: `hashes`, `hashAlgorithmOID`), answer parsed by `parse_csc_auth_response`;
  asynchronous providers answer 202 `{authorizationID}` and HoSo polls
  `credentials/authorizeCheck` (the person confirms on their phone);
- `signatures/signHash` → `CSCSigner` (subclass formatting the v2 body) with
  `batch_size` = number of documents: all hashes go in ONE call, under the one SAD.

OAuth2: client-credentials grant with the Sở's client id and secret; the token is kept in
memory until shortly before it expires."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import aiohttp
from asn1crypto import algos
from django.utils.translation import gettext as _
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from hoso.signing.engine.aio import run_sync
from hoso.signing.remote import vault
from hoso.signing.remote.providers import (
    DOWN,
    Authorization,
    ProviderDown,
    ProviderRefused,
)

SHA256_OID = algos.DigestAlgorithmId("sha256").dotted
HTTP_TIMEOUT = 20
_tokens: dict[tuple[str, str], tuple[float, str]] = {}
_tokens_lock = threading.Lock()


class _V2Authorization(CSCAuthorizationManager):
    """Hands the SAD the person confirmed to pyHanko's signer (for every batch of the
    request: a SCAL 2 SAD covers exactly the hashes confirmed)."""

    def __init__(self, session_info: CSCServiceSessionInfo, info: CSCCredentialInfo, sad: str):
        super().__init__(session_info, info)
        self._sad = sad

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        return CSCAuthorizationInfo(sad=self._sad)

    def format_csc_auth_request(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        body = super().format_csc_auth_request(*args, **kwargs)
        if "hash" in body:  # CSC v1 name → v2
            body["hashes"] = body.pop("hash")
            body["hashAlgorithmOID"] = SHA256_OID
        return body


class _V2Signer(CSCSigner):
    """pyHanko's CSC signer with the v2 `signatures/signHash` body."""

    async def format_csc_signing_req(
        self, tbs_hashes: list[str], digest_algorithm: str
    ) -> dict[str, Any]:
        body = await super().format_csc_signing_req(tbs_hashes, digest_algorithm)
        body["hashes"] = body.pop("hash")
        body["hashAlgorithmOID"] = body.pop("hashAlgo")
        return body


class CscClient:
    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.base_url = str(provider.base_url).rstrip("/")
        self.token_url = str(provider.token_url or "") or self.base_url + "/oauth2/token"

    # --- plumbing ----------------------------------------------------------------------------
    def _down(self, exc: BaseException | None = None) -> ProviderDown:
        return ProviderDown(DOWN.format(name=self.provider.name))

    def token(self) -> str:
        key = (self.token_url, str(self.provider.client_id))
        with _tokens_lock:
            seen = _tokens.get(key)
        if seen is not None and seen[0] > time.monotonic():
            return seen[1]
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.provider.client_id,
                "client_secret": vault.unseal(self.provider.client_secret_enc),
            }
        ).encode()
        status, body = self._http(self.token_url, form, form_encoded=True, auth=False)
        if status == 401 or "access_token" not in body:
            raise ProviderRefused(
                _(
                    "Nhà cung cấp ký số từ xa (%(name)s) từ chối tài khoản kết nối (OAuth client) "
                    "của Sở; hãy báo quản trị hệ thống kiểm tra cấu hình."
                )
                % {"name": self.provider.name}
            )
        expires = float(body.get("expires_in", 300))
        with _tokens_lock:
            _tokens[key] = (time.monotonic() + max(expires - 30, 1), str(body["access_token"]))
        return str(body["access_token"])

    def _http(
        self, url: str, data: bytes, *, form_encoded: bool = False, auth: bool = True
    ) -> tuple[int, dict[str, Any]]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded"
            if form_encoded
            else "application/json"
        }
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        if not url.startswith(("https://", "http://")):
            raise self._down()
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as answer:  # noqa: S310
                return answer.status, _json(answer.read())
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise self._down(exc) from exc
            return exc.code, _json(exc.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise self._down(exc) from exc

    def _call(self, endpoint: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, answer = self._http(f"{self.base_url}/csc/v2/{endpoint}", json.dumps(body).encode())
        if status == 401:  # token revoked early: one fresh try
            with _tokens_lock:
                _tokens.pop((self.token_url, str(self.provider.client_id)), None)
            status, answer = self._http(
                f"{self.base_url}/csc/v2/{endpoint}", json.dumps(body).encode()
            )
        return status, answer

    def _session_info(self, credential_ref: str) -> CSCServiceSessionInfo:
        return CSCServiceSessionInfo(
            self.base_url, credential_ref, oauth_token=self.token(), api_ver="v2"
        )

    # --- the interface -----------------------------------------------------------------------
    def ping(self) -> None:
        with _tokens_lock:
            _tokens.pop((self.token_url, str(self.provider.client_id)), None)
        self.token()

    def list_credentials(self, user_ref: str) -> list[str]:
        status, body = self._call("credentials/list", {"userID": user_ref})
        if status != 200:
            raise ProviderRefused(_("Nhà cung cấp không trả về danh sách chứng thư của người này."))
        return [str(c) for c in body.get("credentialIDs", [])]

    def credential_info(self, credential_ref: str) -> CSCCredentialInfo:
        async def fetch() -> CSCCredentialInfo:
            async with aiohttp.ClientSession() as session:
                return await fetch_certs_in_csc_credential(
                    session, self._session_info(credential_ref), timeout=HTTP_TIMEOUT
                )

        try:
            return run_sync(fetch())
        except PyHankoSigningError as exc:
            raise self._down(exc) from exc

    def certificates(self, credential_ref: str) -> list[bytes]:
        info = self.credential_info(credential_ref)
        return [info.signing_cert.dump(), *(c.dump() for c in info.chain)]

    def begin(self, credential_ref: str, hashes_b64: list[str], description: str) -> Authorization:
        manager = _V2Authorization(self._session_info(credential_ref), _NO_INFO, "")
        body = manager.format_csc_auth_request(
            num_signatures=len(hashes_b64), hash_b64s=hashes_b64, description=description[:500]
        )
        status, answer = self._call("credentials/authorize", body)
        return self._authorization(status, answer)

    def check(self, credential_ref: str, handle: str) -> Authorization:
        status, answer = self._call("credentials/authorizeCheck", {"authorizationID": handle})
        return self._authorization(status, answer)

    def _authorization(self, status: int, answer: dict[str, Any]) -> Authorization:
        if status == 200 and "SAD" in answer:
            parsed = CSCAuthorizationManager.parse_csc_auth_response(answer)
            return Authorization("approved", parsed.sad, int(answer.get("expiresIn", 0)))
        if status == 202:
            return Authorization(
                "pending", str(answer.get("authorizationID", "")), int(answer.get("expiresIn", 0))
            )
        error = str(answer.get("error", ""))
        if error == "access_denied":
            return Authorization("refused")
        if error in ("expired_token", "expired"):
            return Authorization("expired")
        raise ProviderRefused(
            _("Nhà cung cấp ký số từ xa từ chối yêu cầu (%(error)s). Chưa có hồ sơ nào được ký.")
            % {"error": error or status}
        )

    def sign(self, credential_ref: str, sad: str, signed_data: list[bytes]) -> list[bytes]:
        info = self.credential_info(credential_ref)
        session_info = self._session_info(credential_ref)
        size = max(1, info.max_batch_size or 1)
        chunks = [signed_data[i : i + size] for i in range(0, len(signed_data), size)]

        async def run() -> list[bytes]:
            out: list[bytes] = []
            async with aiohttp.ClientSession() as session:
                auth = _V2Authorization(session_info, info, sad)
                for chunk in chunks:  # a full batch commits itself: one signHash per chunk
                    signer = _V2Signer(
                        session, auth, sign_timeout=HTTP_TIMEOUT * 3, batch_size=len(chunk)
                    )
                    out += await asyncio.gather(
                        *(signer.async_sign_raw(data, "sha256") for data in chunk)
                    )
            return out

        try:
            signatures = run_sync(run())
        except PyHankoSigningError as exc:
            raise self._down(exc) from exc
        if len(signatures) != len(signed_data):
            raise self._down()
        return signatures


def _json(data: bytes) -> dict[str, Any]:
    parsed = json.loads(data or b"{}")
    if not isinstance(parsed, dict):
        raise ValueError("not an object")
    return parsed


class _NoInfo:
    """`format_csc_auth_request` reads nothing of the credential info."""


_NO_INFO: Any = _NoInfo()
