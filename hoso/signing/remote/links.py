"""Linking a person's credential at a provider to HoSo: the provider's certificate for the
credential is registered to the person (backend "remote") after the same checks as any
certificate (valid now, chains to the trust anchors), then the link is kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.signing.documents import ensure_trusted
from hoso.signing.models import Backend, Certificate, CertKind
from hoso.signing.remote import vault
from hoso.signing.remote.models import RemoteCredential, RemoteProvider
from hoso.signing.remote.providers import client_for


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
) -> RemoteProvider:
    """The Sở's provider (admin or the Sở's own setting page). The secret is stored sealed."""
    if not base_url.startswith(("https://", "http://")):
        raise DomainError("Địa chỉ dịch vụ ký số từ xa phải bắt đầu bằng https://.")
    provider = RemoteProvider.objects.create(
        unit=unit,
        name=name,
        kind=kind,
        base_url=base_url,
        token_url=token_url,
        client_id=client_id,
        client_secret_enc=vault.seal(client_secret),
        timeout_seconds=max(30, min(timeout_seconds, 600)),
    )
    audit_log(
        "signing.remote.provider_configured",
        actor=actor,
        obj=provider,
        unit_id=unit.pk,
        data={"name": name, "base_url": base_url, "kind": kind},
    )
    return provider


@transaction.atomic
def credential_link(
    *, actor: Any, provider: RemoteProvider, user_ref: str, credential_ref: str = ""
) -> RemoteCredential:
    """Link `actor`'s credential (the first one listed for `user_ref` when not named)."""
    from asn1crypto import x509 as asn1_x509

    from hoso.signing.certificates import ParsedCert, _fields

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
