"""The remote-signing provider interface. HoSo speaks to every provider through it; the CSC
API v2 client (`csc.py`) is the first implementation. A provider with its own API (VNPT
SmartCA, Viettel MySign style: their own "sign request → transaction id → poll" calls) plugs
in by registering a factory for its `kind`:

    register_kind("smartca", lambda provider: SmartCaClient(provider))

The flow every client implements, for one person and N hashes (N documents):
    begin(credential, hashes)  → Authorization("pending", handle)    the phone is asked once
    check(credential, handle)  → pending | approved (handle = SAD) | refused | expired
    sign(credential, sad, data) → N raw signatures                  (after approval)
Errors are `ProviderDown` (unreachable, 5xx, bad answer) and `ProviderRefused` (4xx)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.core.errors import DomainError

DOWN = gettext_lazy(
    "Không liên lạc được nhà cung cấp ký số từ xa ({name}). Chưa có hồ sơ nào được ký; "
    "hãy thử lại sau ít phút hoặc báo quản trị hệ thống."
)


class ProviderDown(DomainError):
    """The provider did not answer, or answered nonsense (nothing was signed)."""


class ProviderRefused(DomainError):
    """The provider answered with an error about this request (nothing was signed)."""


@dataclass(frozen=True)
class Authorization:
    state: str  # "pending" | "approved" | "refused" | "expired"
    handle: str = ""  # pending: the provider's authorization id; approved: the SAD
    expires_in: int = 0


class RemoteClient(Protocol):
    def ping(self) -> None:
        """Log in afresh with the Sở's client (ProviderDown / ProviderRefused when not)."""

    def list_credentials(self, user_ref: str) -> list[str]: ...

    def certificates(self, credential_ref: str) -> list[bytes]:
        """DER certificates of the credential, the signer's first."""
        ...

    def begin(
        self, credential_ref: str, hashes_b64: list[str], description: str
    ) -> Authorization: ...

    def check(self, credential_ref: str, handle: str) -> Authorization: ...

    def sign(self, credential_ref: str, sad: str, signed_data: list[bytes]) -> list[bytes]:
        """Raw signatures over SHA-256(signed_data[i]) (the CMS signed attributes)."""
        ...


ClientFactory = Callable[[Any], RemoteClient]
_KINDS: dict[str, ClientFactory] = {}


def register_kind(kind: str, factory: ClientFactory) -> None:
    _KINDS[kind] = factory


def kinds() -> list[str]:
    return sorted(_KINDS)


def client_for(provider: Any) -> RemoteClient:
    factory = _KINDS.get(str(provider.kind))
    if factory is None:
        raise DomainError(
            _("Chưa hỗ trợ loại nhà cung cấp ký số từ xa «%(kind)s».") % {"kind": provider.kind}
        )
    return factory(provider)
