"""Pages of digital-transformation measures, included in hoso/offices/urls.py (namespace
"offices", under /van-phong/)."""

from __future__ import annotations

from django.urls import path

from hoso.offices.transformation import views

urlpatterns = [
    path("chuyen-doi-so/", views.set_list, name="dx-sets"),
    path("chuyen-doi-so/moi/", views.set_new, name="dx-set-new"),
    path("chuyen-doi-so/<int:pk>/", views.set_detail, name="dx-set"),
    path("chuyen-doi-so/<int:pk>/tieu-chi/", views.criteria_edit, name="dx-set-criteria"),
    path("chuyen-doi-so/<int:pk>/ban-hanh/", views.set_publish, name="dx-set-publish"),
    path("chuyen-doi-so/<int:pk>/chot/", views.set_close, name="dx-set-close"),
    path("chuyen-doi-so/<int:pk>/tinh-lai/", views.set_recompute, name="dx-set-recompute"),
    path("chuyen-doi-so/<int:pk>/phien-ban-moi/", views.set_copy, name="dx-set-copy"),
    path("chuyen-doi-so/<int:pk>/xuat.xlsx", views.set_export, name="dx-set-export"),
    path("chuyen-doi-so/phieu/<int:pk>/", views.sheet_detail, name="dx-sheet"),
    path("chuyen-doi-so/phieu/<int:pk>/nop/", views.sheet_submit, name="dx-sheet-submit"),
    path("chuyen-doi-so/phieu/<int:pk>/tra-lai/", views.sheet_return, name="dx-sheet-return"),
    path(
        "chuyen-doi-so/phieu/<int:pk>/minh-chung/<int:criterion>/",
        views.evidence_file,
        name="dx-evidence",
    ),
]
