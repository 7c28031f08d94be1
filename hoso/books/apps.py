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

        from hoso.books.hocba_data import hocba_extra
        from hoso.books.hocba_layout import hocba_html, hocba_pdf
        from hoso.books.pages import laid_out_or_none
        from hoso.grading.outputs.forms import HocBaForm, use_hocba_form

        use_hocba_form(
            HocBaForm(
                html=hocba_html, pdf=hocba_pdf, lay_out=laid_out_or_none, additions=hocba_extra
            )
        )
