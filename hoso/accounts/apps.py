from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "hoso.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("Tài khoản")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.accounts.audit_hooks import connect

        connect()

        from hoso.accounts import schema, token_hooks  # noqa: F401 — schema registers itself

        token_hooks.connect()

        from hoso.accounts.tokens import user_id_of_header
        from hoso.core.security import register_token_user_lookup

        register_token_user_lookup(user_id_of_header)

        from hoso.accounts.sso.policies import register_all as register_sso_policies

        register_sso_policies()

        from hoso.accounts.home import register as register_home

        register_home()

        from hoso.accounts.demo import register as register_demo

        register_demo()  # demo people get their demo profiles

        from django.contrib import admin

        from hoso.accounts.views import admin_login

        admin.site.login = admin_login  # type: ignore[method-assign]
        # Django's admin site in HoSo's words (its own default title is "Django site admin"),
        # and names for what django-axes and allauth's two-factor app leave unnamed there (their
        # declared Meta is untouched, so migrations see no change).
        admin.site.site_header = admin.site.site_title = gettext_lazy("Quản trị HoSo")
        admin.site.index_title = gettext_lazy("Dữ liệu hệ thống")
        from allauth.mfa.models import Authenticator
        from django.apps import apps

        apps.get_app_config("axes").verbose_name = gettext_lazy("Chặn đăng nhập sai")
        # allauth's social-account tables stay out of the admin site: the providers are the
        # Sở's settings (hoso.accounts.sso, a SocialApp row would be ignored), and a person's
        # links are on their own page (/tai-khoan/3rdparty/).
        from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

        for model in (SocialApp, SocialAccount, SocialToken):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
        Authenticator._meta.verbose_name = gettext_lazy("phương thức xác thực")
        Authenticator._meta.verbose_name_plural = gettext_lazy("phương thức xác thực")
