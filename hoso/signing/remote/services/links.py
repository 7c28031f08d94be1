"""Linking a person's credential at a provider to HoSo: the provider's certificate for the
credential is registered to the person (backend "remote") after the same checks as any
certificate (valid now, chains to the trust anchors), then the link is kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.policy import can
from hoso.signing.documents import ensure_trusted
from hoso.signing.models import Backend, Certificate, CertKind
from hoso.signing.remote import vault
from hoso.signing.remote.models import RemoteCredential, RemoteProvider
from hoso.signing.remote.providers import client_for, kinds


@transaction.atomic
def provider_configure(
    *,
    actor: Any,
    unit: Any,
    name: str,
    base_url: str,
    client_id: str,
    client_secret: str,
    kind: str = "csc",
    token_url: str = "",
    timeout_seconds: int = 300,
    ip: str = "",
) -> RemoteProvider:
    """A provider the Sở contracts with (its settings page, or a command: actor None). The
    secret is stored sealed."""
    _check_manager(actor, unit)
    if not client_secret:
        raise DomainError("Hãy nhập mật khẩu kết nối (client secret) do nhà cung cấp cấp.")
    provider = RemoteProvider(unit=unit, client_secret_enc=vault.seal(client_secret))
    _fill(provider, name, kind, base_url, token_url, client_id, timeout_seconds)
    provider.save()
    _audit("signing.remote.provider_configured", actor, provider, ip)
    return provider


@transaction.atomic
def provider_update(
    *,
    actor: Any,
    provider_id: int,
    name: str,
    base_url: str,
    client_id: str,
    client_secret: str = "",
    kind: str = "csc",
    token_url: str = "",
    timeout_seconds: int = 300,
    is_active: bool = True,
    ip: str = "",
) -> RemoteProvider:
    """Change a provider; an empty secret keeps the one stored (it is never shown back)."""
    provider = RemoteProvider.objects.select_for_update().select_related("unit").get(pk=provider_id)
    _check_manager(actor, provider.unit)
    _fill(provider, name, kind, base_url, token_url, client_id, timeout_seconds)
    provider.is_active = is_active
    if client_secret:
        provider.client_secret_enc = vault.seal(client_secret)
    provider.save()
    _audit(
        "signing.remote.provider_changed", actor, provider, ip, secret_changed=bool(client_secret)
    )
    return provider


def provider_ping(*, actor: Any, provider_id: int) -> RemoteProvider:
    """Log in to the provider with the stored client: DomainError in Vietnamese when not."""
    provider = RemoteProvider.objects.select_related("unit").get(pk=provider_id)
    _check_manager(actor, provider.unit)
    client_for(provider).ping()
    return provider


def _check_manager(actor: Any, unit: Any) -> None:
    if actor is not None and not can(actor, "signing_remote.provider.manage", unit):
        raise NotAllowed("Chỉ Sở GDĐT (hoặc quản trị hệ thống) cấu hình nhà cung cấp ký số từ xa.")


def _fill(
    provider: RemoteProvider,
    name: str,
    kind: str,
    base_url: str,
    token_url: str,
    client_id: str,
    timeout_seconds: int,
) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = ["Hãy nhập tên nhà cung cấp."]
    for field, url in (("base_url", base_url), ("token_url", token_url)):
        if (url or field == "base_url") and not _is_web_address(url):
            errors[field] = ["Địa chỉ phải bắt đầu bằng https:// (hoặc http:// trong mạng nội bộ)."]
    if kind not in kinds():
        errors["kind"] = ["Chưa hỗ trợ loại nhà cung cấp này."]
    if not client_id.strip():
        errors["client_id"] = ["Hãy nhập mã kết nối (client id) do nhà cung cấp cấp."]
    if errors:
        raise DomainError(
            "Cấu hình nhà cung cấp chưa hợp lệ: hãy sửa các ô được đánh dấu.", fields=errors
        )
    provider.name, provider.kind = name.strip()[:200], kind
    provider.base_url, provider.token_url = base_url.strip(), token_url.strip()
    provider.client_id = client_id.strip()
    provider.timeout_seconds = max(30, min(int(timeout_seconds), 600))


def _is_web_address(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) <= 300 and " " not in url


def _audit(action: str, actor: Any, provider: RemoteProvider, ip: str, **extra: Any) -> None:
    data = {"name": provider.name, "base_url": provider.base_url, "kind": provider.kind}
    audit_log(action, actor=actor, obj=provider, unit_id=provider.unit_id, ip=ip, data=data | extra)


@transaction.atomic
def credential_link(
    *, actor: Any, provider: RemoteProvider, user_ref: str, credential_ref: str = ""
) -> RemoteCredential:
    """Link `actor`'s credential (the first one listed for `user_ref` when not named)."""
    if not can(actor, "signing_remote.provider.use", provider):
        raise NotAllowed("Nhà cung cấp này không phục vụ đơn vị của bạn.")
    if not user_ref.strip():
        raise DomainError(
            "Hãy nhập tài khoản của bạn tại nhà cung cấp.", fields={"user_ref": ["Bắt buộc."]}
        )
    from asn1crypto import x509 as asn1_x509

    from hoso.signing.services.certificates import ParsedCert, _fields

    client = client_for(provider)
    listed = client.list_credentials(user_ref)
    if credential_ref and credential_ref not in listed or not listed:
        raise DomainError("Nhà cung cấp không có chứng thư này cho tài khoản của bạn.")
    ref = credential_ref or listed[0]
    ders = client.certificates(ref)
    parsed = ParsedCert(
        asn1_x509.Certificate.load(ders[0]), [asn1_x509.Certificate.load(d) for d in ders[1:]]
    )
    fields = _fields(parsed)
    cert = Certificate.objects.filter(
        owner=actor, kind=CertKind.PERSONAL, fingerprint=fields["fingerprint"]
    ).first()
    if cert is None:
        cert = Certificate.objects.create(
            kind=CertKind.PERSONAL,
            owner=actor,
            backend=Backend.REMOTE,
            key_ref={"provider": provider.pk, "credential": ref},
            registered_by=actor,
            registered_at=timezone.now(),
            **fields,
        )
    ensure_trusted(cert)
    link, _ = RemoteCredential.objects.update_or_create(
        provider=provider,
        credential_ref=ref,
        defaults={
            "owner": actor,
            "user_ref": user_ref,
            "certificate": cert,
            "linked_at": timezone.now(),
        },
    )
    audit_log(
        "signing.remote.credential_linked",
        actor=actor,
        obj=link,
        data={"provider": provider.name, "certificate": cert.serial},
    )
    return link
