from django.urls import path

from hoso.grading import api

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
    path("students/<int:pk>/results/", api.StudentResults.as_view(), name="api-student-results"),
]
