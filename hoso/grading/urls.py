from django.urls import path

from hoso.grading import views, views_hocba, views_outputs

app_name = "grading"

urlpatterns = [
    path("", views.classes, name="classes"),
    path("lop/<int:pk>/", views.class_detail, name="class"),
    path("lop/<int:pk>/nhap/<str:sheet>/", views.grid, name="grid"),
    path("lop/<int:pk>/nhap/<str:sheet>/luu/", views.grid_save, name="grid-save"),
    path("lop/<int:pk>/nhap/<str:sheet>/dieu-chinh/", views.correction_new, name="correction-new"),
    path("lop/<int:pk>/cong-bo/", views.publish, name="publish"),
    path("lop/<int:pk>/tong-hop.xlsx", views_outputs.summary_xlsx, name="summary-xlsx"),
    path("lop/<int:pk>/tong-hop.pdf", views_outputs.summary_pdf, name="summary-pdf"),
    path("lop/<int:pk>/hoc-ba/", views_hocba.class_hocba, name="class-hocba"),
    path("lop/<int:pk>/hoc-ba.zip", views_hocba.class_hocba_zip, name="class-hocba-zip"),
    path("hoc-ba/<int:pk>/", views_hocba.detail, name="hocba"),
    path("hoc-ba/<int:pk>/hoc-ba.pdf", views_hocba.pdf, name="hocba-pdf"),
    path("hoc-ba/<int:pk>/hoc-ba.xml", views_hocba.xml, name="hocba-xml"),
    path("hoc-ba/<int:pk>/ky/", views_hocba.sign, name="hocba-sign"),
    path("hoc-ba/<int:pk>/dieu-chinh/", views_hocba.correct, name="hocba-correct"),
    path("dieu-chinh/", views.corrections, name="corrections"),
    path("dieu-chinh/<int:pk>/", views.correction_decide, name="correction-decide"),
    path("mo-so/", views.windows, name="windows"),
    path("mo-so/<int:pk>/khoa/", views.window_close_view, name="window-close"),
    path("con-toi/", views.my_children, name="my-children"),
    path("con-toi/<int:student_id>/", views.child_results, name="child-results"),
]
