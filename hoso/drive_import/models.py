"""A school's folder tree brought in from Google Drive (Takeout) or OneDrive (its "Download"
zip): the batch (the zip as uploaded, kept in the blob store), one item per file with the
proposal the school corrects, the school's own naming rules; and the way back, a school year
exported as a zip of PDFs with a manifest and NĐ 30/2020 Phụ lục VI metadata."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.org.models import SchoolYear, Unit
from hoso.records.models import RecordType, RecordVersion


class BatchStatus(models.TextChoices):
    SCANNING = "scanning", _("Đang đọc tệp nén")
    REFUSED = "refused", _("Không nhận")
    READY = "ready", _("Chờ kiểm tra, xác nhận")
    QUEUED = "queued", _("Chờ nhập")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")


class ImportBatch(models.Model):
    """One uploaded zip. Import is resumable, never partial per file: each item is imported in
    its own transaction that also marks it imported, so a file is imported once or not at all,
    and a run started again (a worker restarted) goes on with the items still pending."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    filename = models.CharField(max_length=255)
    zip_sha256 = models.CharField(max_length=64)
    zip_size = models.PositiveBigIntegerField(default=0)
    source = models.CharField(max_length=20, blank=True, default="")  # takeout | onedrive | zip
    status = models.CharField(max_length=10, choices=BatchStatus.choices)
    message = models.CharField(max_length=500, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lô nhập thư mục")
        verbose_name_plural = _("lô nhập thư mục")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class ItemState(models.TextChoices):
    PENDING = "pending", _("Chờ nhập")
    IMPORTED = "imported", _("Đã nhập")
    FAILED = "failed", _("Không nhập được")


class ImportItem(models.Model):
    """One file of the zip: where it was, what it is, and what HoSo proposes (or the person
    chose: `corrected`) it becomes. `note` says why a file is left out (a duplicate, a kind
    HoSo does not keep)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    path = models.CharField(max_length=1000)  # inside the zip, as stored
    shown_path = models.CharField(max_length=1000)  # without "Takeout/Drive/"
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    include = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True, default="")
    record_type = models.ForeignKey(
        RecordType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year_name = models.CharField(max_length=9, blank=True, default="")  # read, even if unknown
    period_key = models.CharField(max_length=20, blank=True, default="")
    title = models.CharField(max_length=255)
    corrected = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    message = models.CharField(max_length=500, blank=True, default="")
    version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp cần nhập")
        verbose_name_plural = _("tệp cần nhập")
        ordering = ["batch_id", "shown_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "path"], name="one_item_per_zip_path"),
        ]

    def __str__(self) -> str:
        return self.shown_path


class RuleTarget(models.TextChoices):
    TYPE = "type", _("Loại hồ sơ")
    YEAR = "year", _("Năm học")
    PERIOD = "period", _("Kỳ (tuần, tháng, học kỳ)")


class ImportRule(models.Model):
    """A school's naming rule: a folder or file name containing `pattern` (without regard to
    case or accents) means `record_type` / school year `value` / period `value`. Rules are
    tried in `position` order; the first that matches a target wins."""

    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    pattern = models.CharField(_("tên thư mục/tệp có chứa"), max_length=120)
    target = models.CharField(_("nghĩa là"), max_length=6, choices=RuleTarget.choices)
    record_type = models.ForeignKey(
        RecordType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.CharField(max_length=20, blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["school_id", "position", "id"]
        verbose_name = _("quy tắc nhận diện tệp")
        verbose_name_plural = _("quy tắc nhận diện tệp")

    def __str__(self) -> str:
        return f"{self.pattern} → {self.target}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ xuất")
    RUNNING = "running", _("Đang xuất")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class YearExport(models.Model):
    """A school year of a school as one zip: the issued records' PDFs, manifest.csv and one
    Phụ lục VI XML per record; written to a temporary file, then streamed into the store."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ExportStatus.choices)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True, default="")
    result_sha256 = models.CharField(max_length=64, blank=True, default="")
    result_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bản xuất hồ sơ năm học")
        verbose_name_plural = _("bản xuất hồ sơ năm học")

    def __str__(self) -> str:
        return f"export {self.school_id} {self.school_year_id} ({self.status})"
