from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "hoso.library"
    label = "library"
    verbose_name = "Thư viện trường học"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.library import demo, home  # noqa: F401 — registers the demo step
        from hoso.library.policies import register_all

        register_all()
        home.register()
