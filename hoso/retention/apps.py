from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RetentionConfig(AppConfig):
    """Retention periods (TT 08/2025), destruction proposals, the principal's approval with a
    signed biên bản tiêu hủy, and removal of the files with a metadata stub kept."""

    name = "hoso.retention"
    label = "retention"
    verbose_name = gettext_lazy("Lưu trữ và tiêu hủy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.retention import demo, guard, home, tasks  # noqa: F401 — registrations
        from hoso.retention.policies import register_all

        register_all()
        home.register()
        guard.connect()
