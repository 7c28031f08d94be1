from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RemoteSigningConfig(AppConfig):
    name = "hoso.signing.remote"
    label = "signing_remote"
    verbose_name = gettext_lazy("Ký số từ xa")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.signing.remote import tasks  # noqa: F401 — the huey task
        from hoso.signing.remote.policies import register_all
        from hoso.signing.remote.providers import register_kind

        register_all()
        register_kind("csc", csc_client)


def csc_client(provider: Any) -> Any:
    """The CSC client, its module imported when a provider is first used: it brings pyHanko
    and aiohttp, which a web process that never signs remotely does not need (its memory)."""
    from hoso.signing.remote.csc import CscClient

    return CscClient(provider)
