from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AuditConfig(AppConfig):
    name = "hoso.audit"
    label = "audit"
    verbose_name = gettext_lazy("Nhật ký")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.audit.policies import register_all

        register_all()
