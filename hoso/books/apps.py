from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "hoso.books"
    label = "books"
    verbose_name = "Sổ sách chính thức: học bạ, sổ đăng bộ, sổ theo dõi, bảng tổng hợp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoso.books.policies import register_all

        register_all()

        from hoso.books.demo import register as register_demo

        register_demo()
