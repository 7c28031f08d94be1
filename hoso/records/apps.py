from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RecordsConfig(AppConfig):
    name = "hoso.records"
    label = "records"
    verbose_name = gettext_lazy("Hồ sơ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.records import demo, home, tasks  # noqa: F401 — registers tasks and demo step
        from hoso.records.policies import register_all

        register_all()
        from hoso.records.evidence import demo as evidence_demo  # noqa: F401 — demo step
        from hoso.records.evidence.policies import register_evidence

        register_evidence()
        home.register()
        from hoso.records import search_index

        search_index.register()  # records are what hoso.search indexes
        from hoso.org.changes import on_enrolments_changed
        from hoso.records.services.summary import school_figures_touch

        on_enrolments_changed(school_figures_touch)  # pupils counted in the summary rows
        from hoso.records.services import remote_signing

        remote_signing.register()  # records as a source of remote signing (ký số từ xa)
        from hoso.records import signing_work

        signing_work.register()  # records as the documents waiting in "Chờ ký" / "Chờ đóng dấu"
