from django.urls import path

from hoso.grading.api import assignments, gradebook

urlpatterns = [
    path("classes/", gradebook.ClassList.as_view(), name="api-grading-classes"),
    path("classes/<int:pk>/gradebook/", gradebook.Gradebook.as_view(), name="api-gradebook"),
    path("classes/<int:pk>/entries/<str:sheet>/", gradebook.Entries.as_view(), name="api-entries"),
    path("grading/windows/", gradebook.Windows.as_view(), name="api-windows"),
    path(
        "grading/windows/<int:pk>/close/", gradebook.WindowClose.as_view(), name="api-window-close"
    ),
    path("grading/corrections/", gradebook.Corrections.as_view(), name="api-corrections"),
    path(
        "grading/corrections/<int:pk>/<str:decision>/",
        gradebook.CorrectionDecide.as_view(),
        name="api-correction-decide",
    ),
    path(
        "grading/schools/<int:pk>/assignments/",
        assignments.Assignments.as_view(),
        name="api-grading-assignments",
    ),
    path(
        "grading/schools/<int:pk>/subjects/",
        assignments.Subjects.as_view(),
        name="api-grading-subjects",
    ),
    path("grading/my-sheets/", assignments.MySheets.as_view(), name="api-grading-my-sheets"),
    path("grading/config/", assignments.ConfigList.as_view(), name="api-grading-config"),
    path(
        "grading/config/<int:pk>/",
        assignments.ConfigDetail.as_view(),
        name="api-grading-config-assign",
    ),
    path(
        "students/<int:pk>/results/", gradebook.StudentResults.as_view(), name="api-student-results"
    ),
]
