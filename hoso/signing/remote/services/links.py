"""Linking a credential at a provider to HoSo: the provider's certificate for the credential
is registered (backend "remote") after the same checks as any certificate (valid now, chains
to the trust anchors), then the link is kept. A person links their own credential; the
principal or văn thư of a school links the school's organisation credential (its con dấu số),
whose certificate must name the school."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import Unit, UnitKind
from hoso.policy import can
from hoso.signing.documents import ensure_trusted
from hoso.signing.models import Backend, Certificate, CertKind, CertStatus
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
        raise DomainError(_("Hãy nhập mật khẩu kết nối (client_secret) do nhà cung cấp cấp."))
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
        raise NotAllowed(
            _("Chỉ Sở GDĐT (hoặc quản trị hệ thống) cấu hình nhà cung cấp ký số từ xa.")
        )


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
        errors["name"] = [_("Hãy nhập tên nhà cung cấp.")]
    for field, url in (("base_url", base_url), ("token_url", token_url)):
        if (url or field == "base_url") and not _is_web_address(url):
            errors[field] = [
                _("Địa chỉ phải bắt đầu bằng https:// (hoặc http:// trong mạng nội bộ).")
            ]
    if kind not in kinds():
        errors["kind"] = [_("Chưa hỗ trợ loại nhà cung cấp này.")]
    if not client_id.strip():
        errors["client_id"] = [_("Hãy nhập mã kết nối (client_id) do nhà cung cấp cấp.")]
    if errors:
        raise DomainError(
            _("Cấu hình nhà cung cấp chưa hợp lệ: hãy sửa các ô được đánh dấu."), fields=errors
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
        raise NotAllowed(_("Nhà cung cấp này không phục vụ đơn vị của bạn."))
    if not user_ref.strip():
        raise DomainError(
            _("Hãy nhập tài khoản của bạn tại nhà cung cấp."), fields={"user_ref": [_("Bắt buộc.")]}
        )
    ref, fields = _provider_certificate(
        provider,
        user_ref,
        credential_ref,
        _("Nhà cung cấp không có chứng thư này cho tài khoản của bạn."),
    )
    _ensure_not_linked_otherwise(provider, ref, seal=False)
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
    link, _created = RemoteCredential.objects.update_or_create(
        provider=provider,
        credential_ref=ref,
        defaults={
            "owner": actor,
            "unit": None,
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


def _provider_certificate(
    provider: RemoteProvider, user_ref: str, credential_ref: str, missing: str
) -> tuple[str, dict[str, Any]]:
    """The provider's credential for the account (the first listed when not named) and the
    certificate fields of its signing certificate, chain included."""
    from asn1crypto import x509 as asn1_x509

    from hoso.signing.services.certificates import ParsedCert, _fields

    client = client_for(provider)
    listed = client.list_credentials(user_ref)
    if credential_ref and credential_ref not in listed or not listed:
        raise DomainError(missing)
    ref = credential_ref or listed[0]
    ders = client.certificates(ref)
    parsed = ParsedCert(
        asn1_x509.Certificate.load(ders[0]), [asn1_x509.Certificate.load(d) for d in ders[1:]]
    )
    return ref, _fields(parsed)


@transaction.atomic
def seal_credential_link(
    *,
    actor: Any,
    provider: RemoteProvider,
    unit: Unit,
    user_ref: str,
    credential_ref: str = "",
    ip: str = "",
) -> RemoteCredential:
    """Link the school's organisation credential at `provider` (its con dấu số): whoever
    registers the school's seal certificate (`signing.seal.manage`: the principal or the văn
    thư). The certificate must be valid now, trusted, and an organisation certificate naming
    the school; it is registered as the school's seal (backend remote), keeping the seal image
    of the school's previous seal certificate."""
    if not can(actor, "signing.seal.manage", unit):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được liên kết con dấu số."))
    if unit.kind != UnitKind.TRUONG:
        raise DomainError(_("Con dấu số chỉ liên kết cho một trường."))
    if not provider.is_active or not unit.path.startswith(provider.unit.path):
        raise NotAllowed(_("Nhà cung cấp này không phục vụ trường này."))
    if not user_ref.strip():
        raise DomainError(
            _("Hãy nhập tài khoản của trường tại nhà cung cấp."),
            fields={"user_ref": [_("Bắt buộc.")]},
        )
    ref, fields = _provider_certificate(
        provider,
        user_ref.strip(),
        credential_ref,
        _("Nhà cung cấp không có chứng thư này cho tài khoản của trường."),
    )
    ensure_organisation_of(fields["common_name"], unit)
    _ensure_not_linked_otherwise(provider, ref, seal=True)
    if fields["not_after"] < timezone.now():
        raise DomainError(_("Chứng thư số này đã hết hạn; không thể liên kết."))
    cert = _seal_certificate(actor, unit, provider, ref, fields)
    ensure_trusted(cert)
    link, _created = RemoteCredential.objects.update_or_create(
        provider=provider,
        credential_ref=ref,
        defaults={
            "owner": None,
            "unit": unit,
            "user_ref": user_ref.strip()[:200],
            "certificate": cert,
            "linked_at": timezone.now(),
        },
    )
    audit_log(
        "signing.remote.seal_linked",
        actor=actor,
        obj=link,
        unit_id=unit.pk,
        ip=ip,
        data={"provider": provider.name, "certificate": cert.serial, "subject": cert.subject},
    )
    return link


def _ensure_not_linked_otherwise(provider: RemoteProvider, ref: str, *, seal: bool) -> None:
    """A school's seal credential never becomes a person's, nor the other way round."""
    taken = RemoteCredential.objects.filter(
        provider=provider, credential_ref=ref, unit__isnull=seal
    ).exists()
    if taken:
        raise DomainError(
            _(
                "Chứng thư này đã được liên kết làm con dấu số của một trường; không thể dùng "
                "cho cá nhân."
            )
            if not seal
            else _("Chứng thư này đã được liên kết cho một cá nhân; không thể dùng làm con dấu số.")
        )


def _seal_certificate(
    actor: Any, unit: Unit, provider: RemoteProvider, ref: str, fields: dict[str, Any]
) -> Certificate:
    from hoso.signing.services.certificates import _previous_image

    cert = Certificate.objects.filter(
        unit=unit, kind=CertKind.SEAL, fingerprint=fields["fingerprint"]
    ).first()
    if cert is not None:
        if cert.status != CertStatus.ACTIVE:
            raise DomainError(
                _("Chứng thư con dấu %(serial)s đã ngừng sử dụng hoặc bị thu hồi ở HoSo.")
                % {"serial": cert.serial}
            )
        return cert
    return Certificate.objects.create(
        kind=CertKind.SEAL,
        unit=unit,
        backend=Backend.REMOTE,
        key_ref={"provider": provider.pk, "credential": ref},
        image_sha256=_previous_image(CertKind.SEAL, {"unit": unit}),
        registered_by=actor,
        registered_at=timezone.now(),
        **fields,
    )


def ensure_organisation_of(common_name: str, unit: Unit) -> None:
    """An organisation certificate of the school names the school itself (CN = the school's
    name, as the issuing CA writes it); a person's certificate names the person, even when
    its O names their school. Compared without case, spacing or Unicode form differences."""
    if _comparable(common_name) != _comparable(unit.name):
        raise DomainError(
            _(
                "Chứng thư này không phải chứng thư tổ chức của %(school)s (tên trên chứng thư: "
                "«%(name)s»); con dấu số phải là chứng thư cấp cho chính trường."
            )
            % {"school": unit.name, "name": common_name}
        )


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()
