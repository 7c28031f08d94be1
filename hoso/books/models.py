"""An official book generated from the data and kept as a record (hoso.records): which book,
for which school/class/term, the frozen data it was printed from, and the record that carries
it through the signing chain and the retention period. A correction after issue is a new
version of the same record, with what changed written on the book itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.org.models import SchoolYear, Unit


class BookKind(models.TextChoices):
    SO_DANG_BO = "so_dang_bo", _("Sổ đăng bộ")
    SO_THEO_DOI = "so_theo_doi", _("Sổ theo dõi và đánh giá học sinh (theo lớp học)")
    BANG_TONG_HOP = "bang_tong_hop", _("Bảng tổng hợp kết quả đánh giá giáo dục của lớp")


class BookEdition(models.Model):
    """One printing of a book: the data it shows and the record version that carries it."""

    kind = models.CharField(max_length=16, choices=BookKind.choices)
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=3, blank=True, default="")  # HK1 | HK2 | CN | ""
    number = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField()
    pdf_sha256 = models.CharField(max_length=64)
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, related_name="book_editions"
    )
    record_version = models.ForeignKey(
        "records.RecordVersion", on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sổ sách chính thức (bản in)")
        verbose_name_plural = _("sổ sách chính thức (bản in)")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school", "school_class", "school_year", "term", "number"],
                name="one_book_edition_number",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.school_class_id or self.school_id} bản {self.number}"
        )


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")


class BookBatch(models.Model):
    """A whole school's books for the year (every class's score book / bảng tổng hợp and the
    sổ đăng bộ), made in the background with one progress page."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=3)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress of the worker
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lô sổ sách")
        verbose_name_plural = _("lô sổ sách")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(
            _("Lượt lập sổ %(pk)s: xong %(done)s, lỗi %(failed)s, trong %(total)s sổ")
            % {"pk": self.pk, "done": self.done, "failed": self.failed, "total": self.total}
        )


class BookBatchItem(models.Model):
    batch = models.ForeignKey(BookBatch, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=BookKind.choices)
    school_class = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    edition = models.ForeignKey(
        BookEdition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, default="pending")  # pending | done | failed
    message = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        verbose_name = _("sổ trong lô")
        verbose_name_plural = _("sổ trong lô")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"batch {self.batch_id} {self.kind} {self.school_class_id}: {self.status}"
