from django.urls import path

from hoso.grading import api, api_assignments

urlpatterns = [
    path("classes/", api.ClassList.as_view(), name="api-grading-classes"),
    path("classes/<int:pk>/gradebook/", api.Gradebook.as_view(), name="api-gradebook"),
    path("classes/<int:pk>/entries/<str:sheet>/", api.Entries.as_view(), name="api-entries"),
    path("grading/windows/", api.Windows.as_view(), name="api-windows"),
    path("grading/windows/<int:pk>/close/", api.WindowClose.as_view(), name="api-window-close"),
    path("grading/corrections/", api.Corrections.as_view(), name="api-corrections"),
    path(
        "grading/corrections/<int:pk>/<str:decision>/",
        api.CorrectionDecide.as_view(),
        name="api-correction-decide",
    ),
    path(
        "grading/schools/<int:pk>/assignments/",
        api_assignments.Assignments.as_view(),
        name="api-grading-assignments",
    ),
    path(
        "grading/schools/<int:pk>/subjects/",
        api_assignments.Subjects.as_view(),
        name="api-grading-subjects",
    ),
    path("grading/my-sheets/", api_assignments.MySheets.as_view(), name="api-grading-my-sheets"),
    path("grading/config/", api_assignments.ConfigList.as_view(), name="api-grading-config"),
    path(
        "grading/config/<int:pk>/",
        api_assignments.ConfigDetail.as_view(),
        name="api-grading-config-assign",
    ),
    path("students/<int:pk>/results/", api.StudentResults.as_view(), name="api-student-results"),
]
