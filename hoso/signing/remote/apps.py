from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RemoteSigningConfig(AppConfig):
    name = "hoso.signing.remote"
    label = "signing_remote"
    verbose_name = gettext_lazy("Ký số từ xa")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: the CSC provider kind and the huey task.
        from hoso.signing.remote import csc, tasks  # noqa: F401
        from hoso.signing.remote.policies import register_all

        register_all()
