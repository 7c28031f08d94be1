from django.urls import path

from hoso.books import views, views_issue

app_name = "books"

urlpatterns = [
    path("", views_issue.index, name="index"),
    path("truong/<int:pk>/", views_issue.school_books, name="school"),
    path("truong/<int:pk>/lap/", views_issue.school_issue, name="school-issue"),
    path("truong/<int:pk>/lap-ca-truong/", views_issue.batch_start, name="batch-start"),
    path("lo/<int:pk>/", views_issue.batch_page, name="batch"),
    path("lo/<int:pk>/tien-do/", views_issue.batch_progress, name="batch-progress"),
    path("lop/<int:pk>/", views_issue.class_books, name="class"),
    path("lop/<int:pk>/lap/", views_issue.class_issue, name="class-issue"),
    path("lop/<int:pk>/con-thieu/", views.class_missing, name="class-missing"),
    path("hoc-sinh/<int:pk>/ly-lich/", views.student_fill, name="student-fill"),
]
