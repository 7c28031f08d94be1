from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SigningConfig(AppConfig):
    name = "hoso.signing"
    label = "signing"
    verbose_name = gettext_lazy("Chữ ký số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: huey tasks (batches, session purge) and the demo step.
        from hoso.signing import demo, home, tasks  # noqa: F401
        from hoso.signing.policies import register_all

        register_all()
        home.register()

        from hoso.signing import anchors

        anchors.register()  # the audit log's anchors are time-stamped by signing's TSA
