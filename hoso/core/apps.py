from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoso.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.core import checks, data_version

        del checks  # registers the scaled mode's system checks

        data_version.install()
        from hoso.core.engines import import_cyclic_packages

        import_cyclic_packages()  # not in two request threads at once (hoso.core.engines)
