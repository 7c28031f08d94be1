from django.apps import AppConfig


class SchoolLifeConfig(AppConfig):
    name = "hoso.schoollife"
    label = "schoollife"
    verbose_name = "Quá trình học tập"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.schoollife import home
        from hoso.schoollife.policies import register_all

        register_all()
        home.register()
