from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "hoso.org"
    label = "org"
    verbose_name = "Đơn vị và con người"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.org.selectors import register_grant_source

        register_grant_source()  # the policy's grants read org's role assignments

        from hoso.org.policies import register_all

        register_all()

        from hoso.org.csdl.policies import register_all as register_csdl

        register_csdl()

        from hoso.org.csdl.home import register as register_csdl_home

        register_csdl_home()

        from hoso.org.home import register as register_home

        register_home()
