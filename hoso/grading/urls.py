from django.urls import path

from hoso.grading.hocba.urls import urlpatterns as hocba_urlpatterns
from hoso.grading.views import assignments, gradebook, outputs

app_name = "grading"

urlpatterns = [
    path("", gradebook.classes, name="classes"),
    path("lop/<int:pk>/", gradebook.class_detail, name="class"),
    path("lop/<int:pk>/nhap/<str:sheet>/", gradebook.grid, name="grid"),
    path("lop/<int:pk>/nhap/<str:sheet>/luu/", gradebook.grid_save, name="grid-save"),
    path(
        "lop/<int:pk>/nhap/<str:sheet>/dieu-chinh/",
        gradebook.correction_new,
        name="correction-new",
    ),
    path("lop/<int:pk>/cong-bo/", gradebook.publish, name="publish"),
    path("lop/<int:pk>/tong-hop.xlsx", outputs.summary_xlsx, name="summary-xlsx"),
    path("lop/<int:pk>/tong-hop.pdf", outputs.summary_pdf, name="summary-pdf"),
    *hocba_urlpatterns,
    path("dieu-chinh/", gradebook.corrections, name="corrections"),
    path("dieu-chinh/<int:pk>/", gradebook.correction_decide, name="correction-decide"),
    path("mo-so/", gradebook.windows, name="windows"),
    path("mo-so/<int:pk>/khoa/", gradebook.window_close_view, name="window-close"),
    path("phan-cong/", assignments.assignments, name="assignments"),
    path("phan-cong/<int:pk>/", assignments.assignment_school, name="assignment-school"),
    path(
        "phan-cong/<int:pk>/khoi/<int:grade>/",
        assignments.assignment_grid,
        name="assignment-grid",
    ),
    path(
        "phan-cong/<int:pk>/phan-cong.xlsx",
        assignments.assignment_export,
        name="assignment-export",
    ),
    path("phan-cong/<int:pk>/nhap-excel/", assignments.assignment_import, name="assignment-import"),
    path("phan-cong/<int:pk>/mon-hoc/", assignments.school_subjects, name="school-subjects"),
    path("cau-hinh-danh-gia/", assignments.rules_config, name="rules-config"),
    path("con-toi/", gradebook.my_children, name="my-children"),
    path("con-toi/<int:student_id>/", gradebook.child_results, name="child-results"),
]
