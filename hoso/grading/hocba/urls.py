"""The học bạ pages, part of the `grading` URL namespace (spliced into hoso/grading/urls.py)."""

from django.urls import path

from hoso.grading.hocba.views import batches, versions

urlpatterns = [
    path("lop/<int:pk>/hoc-ba/", versions.class_hocba, name="class-hocba"),
    path("lop/<int:pk>/hoc-ba.zip", versions.class_hocba_zip, name="class-hocba-zip"),
    path("lop/<int:pk>/hoc-ba/ky/", batches.batch_sign, name="class-hocba-sign"),
    path("hoc-ba/lo/<int:pk>/", batches.batch_page, name="hocba-batch"),
    path("hoc-ba/lo/<int:pk>/tien-do/", batches.batch_progress, name="hocba-batch-progress"),
    path("hoc-ba/<int:pk>/", versions.detail, name="hocba"),
    path("hoc-ba/<int:pk>/hoc-ba.pdf", versions.pdf, name="hocba-pdf"),
    path("hoc-ba/<int:pk>/hoc-ba.xml", versions.xml, name="hocba-xml"),
    path("hoc-ba/<int:pk>/ky/", versions.sign, name="hocba-sign"),
    path("hoc-ba/<int:pk>/dieu-chinh/", versions.correct, name="hocba-correct"),
]
