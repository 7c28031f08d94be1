from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hoso.webhooks"
    label = "webhooks"
    verbose_name = "Webhook"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.core.events import use_sink
        from hoso.webhooks import (
            demo,  # noqa: F401 — registers the demo step
            home,
        )
        from hoso.webhooks.policies import register_all
        from hoso.webhooks.services import event_record

        register_all()
        home.register()
        use_sink(event_record)
