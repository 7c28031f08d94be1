from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    """Operations: backup, restore and the integrity scrub of stored files."""

    name = "hoso.ops"
    label = "ops"
    verbose_name = gettext_lazy("Vận hành")
