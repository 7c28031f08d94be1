"""The student's school life: every movement (admission, class change, transfer out and in,
leaving, repeating a grade, finishing a level), with its date, who recorded it and the
document number; the files a transfer package brought, kept byte for byte."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.org.models import SchoolYear, Student, Unit


class MovementKind(models.TextChoices):
    ADMISSION = "NHAP_HOC", _("Nhập học")
    CLASS_CHANGE = "CHUYEN_LOP", _("Chuyển lớp")
    TRANSFER_OUT = "CHUYEN_DI", _("Chuyển đi")
    TRANSFER_IN = "CHUYEN_DEN", _("Chuyển đến")
    DROP_OUT = "BO_HOC", _("Bỏ học")
    REPEAT = "LUU_BAN", _("Lưu ban")
    COMPLETION = "HOAN_THANH", _("Hoàn thành chương trình cấp học")


# Movements after which the student is no longer at the school.
LEAVING = frozenset({MovementKind.TRANSFER_OUT, MovementKind.DROP_OUT, MovementKind.COMPLETION})


class Movement(models.Model):
    """One step of a student's school life at `school`. `imported`: a step of the history that
    a transfer package brought from a school outside this HoSo (classes and school by name)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="movements")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=12, choices=MovementKind.choices)
    on = models.DateField(_("ngày"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    from_class = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    to_class = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    other_school = models.CharField(_("trường đi/đến"), max_length=200, blank=True, default="")
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True, default="")
    reason = models.CharField(_("lí do"), max_length=200, blank=True, default="")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, default="")
    imported = models.BooleanField(default=False)
    package_sha256 = models.CharField(max_length=64, blank=True, default="")
    # A transfer in: what became of the year's results the package brought — {"year",
    # "entered" (cells now in the receiving class's gradebook), "left_out" ([{"area", "name",
    # "cells"}]: subjects or columns the receiving class lacks)}.
    received_results = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("biến động học sinh")
        verbose_name_plural = _("biến động học sinh")
        indexes = [models.Index(fields=["student", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class ReceivedFile(models.Model):
    """A file of a transfer package (a học bạ PDF or XML), kept as it arrived."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=200)
    kind = models.CharField(max_length=20)
    school_year = models.CharField(_("năm học"), max_length=9, blank=True, default="")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tệp nhận theo hồ sơ chuyển trường")
        verbose_name_plural = _("tệp nhận theo hồ sơ chuyển trường")

    def __str__(self) -> str:
        return self.name
