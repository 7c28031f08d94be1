from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hoso_profile"
    )
    is_demo = models.BooleanField(default=False)
    full_name = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("hồ sơ tài khoản")
        verbose_name_plural = _("hồ sơ tài khoản")

    def __str__(self) -> str:
        return self.full_name or str(self.user)


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the key is stored (the key is shown once); the
    key has 256 random bits, so a fast hash is enough. See hoso.accounts.tokens (reads) and
    hoso.accounts.services (writes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8)  # shown so the person can tell tokens apart
    key_hash = models.CharField(max_length=64, unique=True)
    issued_in_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_ip = models.CharField(max_length=45, blank=True, default="")
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.CharField(max_length=45, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SsoKind(models.TextChoices):
    MICROSOFT = "microsoft", _("Microsoft")
    GOOGLE = "google", _("Google")


class SsoProvider(models.Model):
    """A Sở's single sign-on through its Microsoft Entra ID or Google Workspace tenant (OpenID
    Connect), edited by the Sở's administrator (hoso.accounts.sso.services). Off by default.
    Sign-in links to the HoSo account with the same verified e-mail, only for e-mails in
    `allowed_domains` (the schools' domains, one a line) and people working in the province."""

    province = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Sở")
    )
    kind = models.CharField(_("nhà cung cấp"), max_length=20, choices=SsoKind.choices)
    enabled = models.BooleanField(_("đang bật"), default=False)
    issuer_url = models.URLField(_("địa chỉ nhà cung cấp (issuer)"), max_length=300)
    client_id = models.CharField(_("mã ứng dụng (client ID)"), max_length=200)
    client_secret = models.CharField(max_length=500, blank=True, default="")
    allowed_domains = models.TextField(_("tên miền thư điện tử được phép"), blank=True, default="")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "kind"], name="sso_one_per_province_kind")
        ]
        verbose_name = _("đăng nhập một lần")
        verbose_name_plural = _("đăng nhập một lần")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.province_id}"

    @property
    def provider_id(self) -> str:
        """allauth's id of this app: in the callback address the Sở registers."""
        return f"{self.kind}-{self.province_id}"

    def domains(self) -> list[str]:
        return [d.strip().lstrip("@").lower() for d in self.allowed_domains.split() if d.strip()]
