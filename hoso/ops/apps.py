from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup, restore and the integrity scrub of stored files."""

    name = "hoso.ops"
    label = "ops"
    verbose_name = "Vận hành"
