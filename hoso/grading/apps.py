from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "hoso.grading"
    label = "grading"
    verbose_name = "Sổ điểm và học bạ số"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.grading.policies import register_all

        register_all()

        from hoso.grading.home import register as register_home

        register_home()

        from hoso.grading.demo import register as register_demo

        register_demo()
        from hoso.grading import records_keepers  # noqa: F401 — GVCN as keeper of records
        from hoso.grading.hocba.verify import issued_files
        from hoso.signing.verification import register_issued_lookup

        register_issued_lookup(issued_files)  # the validation page recognises issued học bạ
