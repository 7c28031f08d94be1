from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "hoso.families"
    label = "families"
    verbose_name = "Cha mẹ học sinh: lời mời và sự đồng ý"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.families import demo, home  # noqa: F401 — the demo step
        from hoso.families.policies import register_all
        from hoso.families.selectors import consented_children
        from hoso.grading.guardians import use_consent_source

        register_all()
        use_consent_source(consented_children)  # grading and library ask before showing a child
        home.register()
