from __future__ import annotations

from django.urls import path

from hoso.families.views import parent, redeem, school

app_name = "families"

urlpatterns = [
    path("", parent.home, name="home"),
    path("con/<int:pk>/dong-y/", parent.consent, name="consent"),
    path("con/<int:pk>/rut-lai/", parent.withdraw, name="withdraw"),
    path("van-ban/<int:pk>/tep/", parent.directive_file, name="directive-file"),
    path("kich-hoat/", redeem.redeem, name="redeem"),
    path("lop/", school.classes, name="classes"),
    path("lop/<int:pk>/", school.class_page, name="class"),
    path("lop/<int:pk>/tao-tu-ly-lich/", school.make_contacts, name="make-contacts"),
    path("lop/<int:pk>/cha-me/<int:contact_id>/", school.contact_edit, name="contact-edit"),
    path("lop/<int:pk>/cha-me/<int:contact_id>/moi/", school.invite, name="invite"),
    path("lop/<int:pk>/phieu-ma/", school.code_sheet, name="code-sheet"),
    path(
        "lop/<int:pk>/phieu-giay/<int:user_id>/<int:student_id>/",
        school.paper_consent,
        name="paper-consent",
    ),
]
