from django.urls import path

from hoso.grading import (
    views,
    views_assignments,
    views_hocba,
    views_hocba_batch,
    views_outputs,
)

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
    path("lop/<int:pk>/hoc-ba/ky/", views_hocba_batch.batch_sign, name="class-hocba-sign"),
    path("hoc-ba/lo/<int:pk>/", views_hocba_batch.batch_page, name="hocba-batch"),
    path(
        "hoc-ba/lo/<int:pk>/tien-do/",
        views_hocba_batch.batch_progress,
        name="hocba-batch-progress",
    ),
    path("hoc-ba/<int:pk>/", views_hocba.detail, name="hocba"),
    path("hoc-ba/<int:pk>/hoc-ba.pdf", views_hocba.pdf, name="hocba-pdf"),
    path("hoc-ba/<int:pk>/hoc-ba.xml", views_hocba.xml, name="hocba-xml"),
    path("hoc-ba/<int:pk>/ky/", views_hocba.sign, name="hocba-sign"),
    path("hoc-ba/<int:pk>/dieu-chinh/", views_hocba.correct, name="hocba-correct"),
    path("dieu-chinh/", views.corrections, name="corrections"),
    path("dieu-chinh/<int:pk>/", views.correction_decide, name="correction-decide"),
    path("mo-so/", views.windows, name="windows"),
    path("mo-so/<int:pk>/khoa/", views.window_close_view, name="window-close"),
    path("phan-cong/", views_assignments.assignments, name="assignments"),
    path("phan-cong/<int:pk>/", views_assignments.assignment_school, name="assignment-school"),
    path(
        "phan-cong/<int:pk>/khoi/<int:grade>/",
        views_assignments.assignment_grid,
        name="assignment-grid",
    ),
    path(
        "phan-cong/<int:pk>/phan-cong.xlsx",
        views_assignments.assignment_export,
        name="assignment-export",
    ),
    path(
        "phan-cong/<int:pk>/nhap-excel/",
        views_assignments.assignment_import,
        name="assignment-import",
    ),
    path("phan-cong/<int:pk>/mon-hoc/", views_assignments.school_subjects, name="school-subjects"),
    path("cau-hinh-danh-gia/", views_assignments.rules_config, name="rules-config"),
    path("con-toi/", views.my_children, name="my-children"),
    path("con-toi/<int:student_id>/", views.child_results, name="child-results"),
]
