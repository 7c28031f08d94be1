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
