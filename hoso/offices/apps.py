from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "hoso.offices"
    label = "offices"
    verbose_name = "Phòng, Sở GDĐT: chỉ đạo, báo cáo, kiểm tra"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.offices import demo, home, tasks  # noqa: F401 — demo step, menu, tasks
        from hoso.offices.figures import school_figures
        from hoso.offices.policies import register_all
        from hoso.offices.transformation import demo as dx_demo  # noqa: F401 — demo step
        from hoso.offices.transformation import home as dx_home
        from hoso.offices.transformation.policies import register_transformation
        from hoso.records.summary import use_school_figures

        use_school_figures(school_figures)  # gradebook, học bạ, library in the summary rows
        register_all()
        register_transformation()
        home.register()
        dx_home.register()
