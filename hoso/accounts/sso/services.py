"""Writes of single sign-on: a Sở's configuration, the link of a sign-in to its HoSo account,
the audit of a refused sign-in."""

from __future__ import annotations

import hmac
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.accounts.models import SsoKind, SsoProvider
from hoso.accounts.sso import selectors
from hoso.accounts.sso.provider import NONCE_KEY
from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.secrets import seal_or_empty
from hoso.org.models import Unit, UnitKind
from hoso.policy import can

# The client secret is kept sealed (hoso.core.secrets): a database dump alone does not reveal it.
SECRET_PURPOSE = "hoso-sso-client-secret"  # noqa: S105 — a key-derivation label, not a secret
MAX_SECRET = 300  # sealed, it still fits the 500-character column (Entra's and Google's are ~40)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class Refusal:
    """Why a sign-in is refused: the code kept in the audit log, the sentence the person reads."""

    NONCE = "nonce"
    UNVERIFIED = "unverified"
    DOMAIN = "domain"
    NO_ACCOUNT = "no_account"
    NOT_LOGIN = "not_login"
    OFF = "off"
    STATE = "state"
    CANCELLED = "cancelled"
    ID_TOKEN = "id_token"  # noqa: S105 — a reason code, not a secret
    TOKEN = "token"  # noqa: S105 — a reason code, not a secret
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"
    MESSAGES = {
        OFF: gettext_lazy(
            "Sở chưa bật đăng nhập bằng nhà cung cấp này. Hãy đăng nhập bằng tên đăng nhập và "
            "mật khẩu."
        ),
        STATE: gettext_lazy(
            "Yêu cầu đăng nhập này không hợp lệ, đã hết hạn hoặc đã được dùng. Hãy bấm lại nút "
            "đăng nhập."
        ),
        CANCELLED: gettext_lazy("Bạn đã hủy đăng nhập ở nhà cung cấp."),
        ID_TOKEN: gettext_lazy(
            "Mã định danh (ID token) của máy chủ đăng nhập không hợp lệ: không dành cho HoSo, "
            "sai chữ ký, sai nơi cấp hoặc đã hết hạn. HoSo không đăng nhập."
        ),
        TOKEN: gettext_lazy(
            "Máy chủ đăng nhập không chấp nhận yêu cầu đăng nhập này. Hãy bấm lại nút đăng nhập."
        ),
        UNREACHABLE: gettext_lazy(
            "Không liên lạc được với máy chủ đăng nhập. Hãy thử lại sau hoặc đăng nhập bằng "
            "mật khẩu."
        ),
        UNKNOWN: gettext_lazy(
            "Không đăng nhập được qua nhà cung cấp. Hãy thử lại hoặc đăng nhập bằng mật khẩu."
        ),
        NONCE: gettext_lazy(
            "Câu trả lời của máy chủ đăng nhập không khớp với yêu cầu đăng nhập này (sai mã "
            "nonce). HoSo không đăng nhập; hãy bấm lại nút đăng nhập."
        ),
        UNVERIFIED: gettext_lazy(
            "Địa chỉ thư điện tử của tài khoản này chưa được nhà cung cấp xác minh, nên không "
            "thể dùng để đăng nhập HoSo."
        ),
        DOMAIN: gettext_lazy(
            "Địa chỉ thư điện tử này không thuộc tên miền của các trường mà Sở cho phép đăng "
            "nhập một lần."
        ),
        NO_ACCOUNT: gettext_lazy(
            "Không có tài khoản HoSo nào trong tỉnh dùng địa chỉ thư điện tử này. Tài khoản do "
            "nhà trường tạo; hãy liên hệ văn thư của trường."
        ),
        NOT_LOGIN: gettext_lazy("Đăng nhập một lần chỉ dùng để đăng nhập vào HoSo."),
    }


class SsoRefused(NotAllowed):
    def __init__(self, reason: str) -> None:
        super().__init__(str(Refusal.MESSAGES[reason]))
        self.reason = reason


# --- a Sở's configuration ---------------------------------------------------------------------


@transaction.atomic
def sso_provider_save(
    *,
    actor: Any,
    province: Unit,
    kind: str,
    enabled: bool,
    issuer_url: str,
    client_id: str,
    client_secret: str,
    allowed_domains: str,
    ip: str = "",
) -> SsoProvider:
    """Create or change the Sở's `kind` sign-in. An empty `client_secret` keeps the stored one."""
    if province.kind != UnitKind.SO or not can(actor, "accounts.sso.manage", province):
        raise NotAllowed(_("Bạn không có quyền cấu hình đăng nhập một lần của Sở này."))
    if kind not in SsoKind.values:
        raise DomainError(_("Nhà cung cấp đăng nhập không hợp lệ."))
    config = SsoProvider.objects.select_for_update().filter(province=province, kind=kind).first()
    config = config or SsoProvider(province=province, kind=kind)
    issuer_url, client_id = issuer_url.strip(), client_id.strip()
    domains = _domains(allowed_domains)
    _check_issuer(issuer_url)
    if not client_id or len(client_id) > 200:
        raise DomainError(_("Hãy nhập mã ứng dụng (client ID) do nhà cung cấp cấp."))
    typed = client_secret.strip()
    if len(typed) > MAX_SECRET:
        raise DomainError(_("Khóa bí mật của ứng dụng quá dài."))
    secret = seal_or_empty(SECRET_PURPOSE, typed) if typed else config.client_secret
    if enabled and not secret:
        raise DomainError(_("Hãy nhập khóa bí mật của ứng dụng (client secret)."))
    if enabled and not domains:
        raise DomainError(_("Hãy nhập ít nhất một tên miền thư điện tử được phép."))
    config.enabled, config.issuer_url, config.client_id = enabled, issuer_url, client_id
    config.client_secret, config.allowed_domains = secret, "\n".join(domains)
    config.updated_at, config.updated_by = timezone.now(), actor
    config.save()
    audit_log(
        "accounts.sso.configured",
        actor=actor,
        obj=config,
        unit_id=province.pk,
        ip=ip,
        data={
            "kind": kind,
            "enabled": enabled,
            "issuer": issuer_url,
            "client_id": client_id,
            "domains": domains,
        },
    )
    return config


def _domains(text: str) -> list[str]:
    domains: list[str] = []
    for raw in text.replace(",", " ").split():
        domain = raw.strip().lstrip("@").lower()
        if not _DOMAIN.match(domain):
            raise DomainError(_("Tên miền «%(domain)s» không hợp lệ.") % {"domain": raw[:80]})
        if domain not in domains:
            domains.append(domain)
    if len(domains) > 200:
        raise DomainError(_("Nhiều nhất 200 tên miền."))
    return domains


def _check_issuer(url: str) -> None:
    parts = urlsplit(url)
    message = _("Địa chỉ nhà cung cấp phải là một địa chỉ https đầy đủ, không có ? hay #.")
    if len(url) > 300 or not parts.hostname or parts.query or parts.fragment:
        raise DomainError(message)
    if _is_loopback(parts.hostname):
        if not settings.HOSO_SSO_ALLOW_LOOPBACK_ISSUER:
            raise DomainError(_("Địa chỉ nhà cung cấp không được trỏ vào chính máy chủ này."))
        if parts.scheme not in ("http", "https"):
            raise DomainError(message)
    elif parts.scheme != "https":
        raise DomainError(message)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- signing in -------------------------------------------------------------------------------


@transaction.atomic
def sso_login_link(*, config: SsoProvider, sociallogin: Any, ip: str = "") -> Any:
    """The HoSo account a sign-in through `config` stands for, linked to the provider's account
    on first use. Refused (SsoRefused) unless: the ID token carries the nonce of this very
    sign-in, its e-mail is verified by the provider and in one of the Sở's domains, and exactly
    one active HoSo account working in the province has that e-mail (and it is the account this
    provider account was linked to before, if any)."""
    state = sociallogin.state or {}
    claims = dict(sociallogin.account.extra_data.get("id_token") or {})
    if state.get("process") != "login":
        raise SsoRefused(Refusal.NOT_LOGIN)
    expected, got = str(state.get(NONCE_KEY) or ""), str(claims.get("nonce") or "")
    if not expected or not hmac.compare_digest(expected.encode(), got.encode()):
        raise SsoRefused(Refusal.NONCE)
    email = str(claims.get("email") or "").strip()
    if not email or not _verified(config, claims):
        raise SsoRefused(Refusal.UNVERIFIED)
    if email.rpartition("@")[2].lower() not in config.domains():
        raise SsoRefused(Refusal.DOMAIN)
    users = selectors.accounts_with_email(email)
    if len(users) != 1 or not selectors.works_in(users[0], config.province):
        raise SsoRefused(Refusal.NO_ACCOUNT)
    user = users[0]
    if sociallogin.is_existing:
        if sociallogin.user.pk != user.pk:
            raise SsoRefused(Refusal.NO_ACCOUNT)
        return user
    sociallogin.user = user
    sociallogin.save(None, connect=True)  # the SocialAccount row: provider account → person
    audit_log(
        "accounts.sso.linked",
        actor=user,
        obj=sociallogin.account,
        unit_id=config.province_id,
        ip=ip,
        data={"kind": config.kind, "province": config.province_id},
    )
    return user


def _verified(config: SsoProvider, claims: dict[str, Any]) -> bool:
    if claims.get("email_verified") in (True, "true"):
        return True
    # Entra ID sends no email_verified: its optional claim xms_edov says the e-mail's domain
    # is verified by the tenant that owns it (docs/sso.md).
    return config.kind == SsoKind.MICROSOFT and claims.get("xms_edov") in (True, "true", "1", 1)


def sso_refusal_record(
    *, config: SsoProvider | None, reason: str, email: str = "", ip: str = "", detail: str = ""
) -> None:
    """A refused sign-in in the audit log (committed even though the sign-in is not)."""
    audit_log(
        "accounts.sso.refused",
        actor_name=email[:150],
        unit_id=config.province_id if config else None,
        ip=ip,
        data={
            "reason": reason,
            "kind": config.kind if config else "",
            "email": email[:254],
            "detail": detail[:200],
        },
    )
