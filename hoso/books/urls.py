from django.urls import path

from hoso.books.views import issue, particulars

app_name = "books"

urlpatterns = [
    path("", issue.index, name="index"),
    path("truong/<int:pk>/", issue.school_books, name="school"),
    path("truong/<int:pk>/lap/", issue.school_issue, name="school-issue"),
    path("truong/<int:pk>/lap-ca-truong/", issue.batch_start, name="batch-start"),
    path("lo/<int:pk>/", issue.batch_page, name="batch"),
    path("lo/<int:pk>/tien-do/", issue.batch_progress, name="batch-progress"),
    path("lop/<int:pk>/", issue.class_books, name="class"),
    path("lop/<int:pk>/lap/", issue.class_issue, name="class-issue"),
    path("lop/<int:pk>/con-thieu/", particulars.class_missing, name="class-missing"),
    path("hoc-sinh/<int:pk>/ly-lich/", particulars.student_fill, name="student-fill"),
]
