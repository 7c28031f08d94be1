from django.apps import AppConfig


class DriveImportConfig(AppConfig):
    name = "hoso.drive_import"
    label = "drive_import"
    verbose_name = "Nhập thư mục Drive/OneDrive, xuất hồ sơ năm học"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.drive_import import (
            home,
            tasks,  # noqa: F401 — huey tasks
        )
        from hoso.drive_import.policies import register_all

        register_all()
        home.register()
