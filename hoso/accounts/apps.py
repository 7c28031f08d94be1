from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hoso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.accounts.audit_hooks import connect

        connect()

        from hoso.accounts.home import register as register_home

        register_home()
