from __future__ import annotations

from django.conf import settings
from django.db import models


class AccountProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hoso_profile"
    )
    is_demo = models.BooleanField(default=False)
    full_name = models.CharField(max_length=120, blank=True, default="")

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
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
