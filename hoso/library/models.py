"""The school library (TT 16/2022): titles, copies, loans, holds, stock-taking, weeding, and
the digital library shared down the unit tree. Patrons are org's students and staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Staff, Student, Unit


class Scheme(models.TextChoices):
    DDC = "DDC", _("DDC 23 (Dewey)")
    BBK19 = "BBK19", _("Bảng phân loại 19 lớp")


class ItemKind(models.TextChoices):
    SGK = "SGK", _("Sách giáo khoa")
    SGV = "SGV", _("Sách giáo viên (nghiệp vụ)")
    STK = "STK", _("Sách tham khảo")
    THIEU_NHI = "TN", _("Sách thiếu nhi")
    BAO = "BAO", _("Báo, tạp chí")
    SO = "SO", _("Tài liệu số")


class PatronKind(models.TextChoices):
    STUDENT = "HS", _("Học sinh")
    STAFF = "GV", _("Giáo viên, nhân viên")


class LibrarySettings(models.Model):
    """One per school library: which classification the school uses, whether the OPAC is open
    to anonymous visitors, the barcode prefix used in the union catalogue."""

    school = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="library")
    scheme = models.CharField(
        _("khung phân loại"), max_length=6, choices=Scheme.choices, default=Scheme.DDC
    )
    opac_public = models.BooleanField(_("cho khách xem mục lục"), default=False)
    next_reg_number = models.PositiveIntegerField(default=1)
    next_accession = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("thiết lập thư viện")
        verbose_name_plural = _("thiết lập thư viện")

    def __str__(self) -> str:
        return f"Thư viện {self.school}"


class Holiday(models.Model):
    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày nghỉ"))
    name = models.CharField(_("tên"), max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("ngày nghỉ")
        verbose_name_plural = _("ngày nghỉ")
        constraints = [models.UniqueConstraint(fields=["school", "day"], name="lib_holiday_once")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class BibRecord(models.Model):
    """A title (biểu ghi thư mục) of one school's catalogue."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=4, choices=ItemKind.choices)
    title = models.CharField(_("nhan đề"), max_length=400)
    authors = models.CharField(_("tác giả"), max_length=400, blank=True, default="")
    publisher = models.CharField(_("nhà xuất bản"), max_length=200, blank=True, default="")
    pub_place = models.CharField(_("nơi xuất bản"), max_length=120, blank=True, default="")
    pub_year = models.PositiveSmallIntegerField(_("năm xuất bản"), null=True, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=17, blank=True, default="")
    subject = models.CharField(_("chủ đề, môn học"), max_length=200, blank=True, default="")
    grade = models.PositiveSmallIntegerField(_("lớp"), null=True, blank=True)
    # The tùng thư (MARC 490 $a): for textbooks the bộ sách a school buys by ("Cánh diều").
    series = models.CharField(_("tùng thư / bộ sách"), max_length=200, blank=True, default="")
    language = models.CharField(_("ngôn ngữ"), max_length=3, default="vie")
    scheme = models.CharField(max_length=6, choices=Scheme.choices, default=Scheme.DDC)
    class_number = models.CharField(_("ký hiệu phân loại"), max_length=40, blank=True, default="")
    author_mark = models.CharField(_("ký hiệu tác giả"), max_length=20, blank=True, default="")
    # Folded (no accents, lower case) title, authors, subject, series, ISBN and class number.
    search_text = models.TextField(editable=False, default="")
    # Set in the transaction that writes the title, cleared once the union catalogue's search
    # index has it: a process killed in between leaves it set, and the sweep indexes it.
    index_pending = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("biểu ghi thư mục")
        verbose_name_plural = _("biểu ghi thư mục")
        indexes = [
            models.Index(fields=["school", "isbn"]),
            models.Index(
                fields=["index_pending"],
                condition=models.Q(index_pending=True),
                name="library_bib_index_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def call_number(self) -> str:
        return " / ".join(p for p in (self.class_number, self.author_mark) if p)


class Accession(models.Model):
    """A delivery entered into the library (Phần I of the sổ đăng ký tổng quát)."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("số vào sổ tổng quát"))
    day = models.DateField(_("ngày vào sổ"))
    source = models.CharField(_("nguồn cung cấp"), max_length=200)
    document = models.CharField(_("số, ngày chứng từ"), max_length=120, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("lần nhập tài liệu")
        verbose_name_plural = _("lần nhập tài liệu")
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="lib_accession_number")
        ]

    def __str__(self) -> str:
        return f"Nhập kho số {self.number}"


class CopyStatus(models.TextChoices):
    AVAILABLE = "available", _("Trên giá")
    ON_LOAN = "on_loan", _("Đang cho mượn")
    LOST = "lost", _("Mất")
    DAMAGED = "damaged", _("Hư hỏng")
    WEEDED = "weeded", _("Đã thanh lý")


class Copy(models.Model):
    """A bản sách: its số đăng ký cá biệt (ĐKCB) is its line in the sổ đăng ký cá biệt; the
    barcode is the school's prefix and that number unless the copy came with another one."""

    record = models.ForeignKey(BibRecord, on_delete=models.PROTECT, related_name="copies")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reg_number = models.PositiveIntegerField(_("số ĐKCB"))
    barcode = models.CharField(_("mã vạch"), max_length=40)
    location = models.CharField(_("vị trí kho, giá"), max_length=80, blank=True, default="")
    price = models.PositiveIntegerField(_("giá tiền (đồng)"), default=0)
    accession = models.ForeignKey(
        Accession, on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    status = models.CharField(
        max_length=10, choices=CopyStatus.choices, default=CopyStatus.AVAILABLE
    )
    removed_on = models.DateField(null=True, blank=True)
    removal_ref = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reg_number"]
        verbose_name = _("bản sách")
        verbose_name_plural = _("bản sách")
        constraints = [
            models.UniqueConstraint(fields=["school", "reg_number"], name="lib_copy_reg"),
            models.UniqueConstraint(fields=["school", "barcode"], name="lib_copy_barcode"),
        ]

    def __str__(self) -> str:
        return f"{self.barcode} {self.record.title}"


class LoanRule(models.Model):
    """How many items of a kind a patron kind may borrow, for how long (per school)."""

    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    patron_kind = models.CharField(max_length=2, choices=PatronKind.choices)
    item_kind = models.CharField(max_length=4, choices=ItemKind.choices)
    max_items = models.PositiveSmallIntegerField(_("số bản tối đa"))
    days = models.PositiveSmallIntegerField(_("số ngày mượn (0 = cả năm học)"))
    renewals = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)

    class Meta:
        verbose_name = _("quy định mượn")
        verbose_name_plural = _("quy định mượn")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "patron_kind", "item_kind"], name="lib_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.patron_kind}/{self.item_kind}: {self.max_items} bản, {self.days} ngày"


class Loan(models.Model):
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loans")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    due_on = models.DateField(_("hạn trả"))
    returned_at = models.DateTimeField(null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("lượt mượn")
        verbose_name_plural = _("lượt mượn")
        constraints = [
            models.UniqueConstraint(
                fields=["copy"], condition=Q(returned_at__isnull=True), name="lib_one_open_loan"
            ),
            models.CheckConstraint(
                condition=Q(student__isnull=True) ^ Q(staff__isnull=True), name="lib_loan_patron"
            ),
        ]
        indexes = [models.Index(fields=["school", "returned_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.copy_id} → {self.patron_name}"

    @property
    def patron_name(self) -> str:
        patron = self.student or self.staff
        return patron.full_name if patron else ""


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    READY = "ready", _("Đã có sách, chờ nhận")
    DONE = "done", _("Đã nhận")
    CANCELLED = "cancelled", _("Đã huỷ")


class Hold(models.Model):
    record = models.ForeignKey(BibRecord, on_delete=models.PROTECT, related_name="holds")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default="waiting")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đặt mượn trước")
        verbose_name_plural = _("đặt mượn trước")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Đặt trước {self.record_id}"


class StockTake(models.Model):
    """A kiểm kê: shelves are scanned; closing it compares scans with the copies."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên đợt kiểm kê"), max_length=120)
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("đợt kiểm kê")
        verbose_name_plural = _("đợt kiểm kê")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.name


class StockScan(models.Model):
    stocktake = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="scans")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, null=True, related_name="+")
    barcode = models.CharField(max_length=40)
    location = models.CharField(max_length=80, blank=True, default="")
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt quét kiểm kê")
        verbose_name_plural = _("lượt quét kiểm kê")
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "barcode"], name="lib_scan_once")
        ]

    def __str__(self) -> str:
        return self.barcode


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Chờ hiệu trưởng duyệt")
    APPROVED = "approved", _("Đã duyệt, đã thanh lý")
    REFUSED = "refused", _("Không duyệt")


class Weeding(models.Model):
    """A thanh lý proposal: the thủ thư lists copies, the principal approves or refuses."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=200)
    copies = models.ManyToManyField(Copy, related_name="+")
    state = models.CharField(max_length=10, choices=ProposalState.choices, default="proposed")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị thanh lý")
        verbose_name_plural = _("đề nghị thanh lý")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Thanh lý: {self.reason}"


class ReadingSession(models.Model):
    """A tiết đọc thư viện held with a class (entered by the thủ thư)."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    readers = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiết đọc thư viện")
        verbose_name_plural = _("tiết đọc thư viện")

    def __str__(self) -> str:
        return f"Tiết đọc {self.day:%d/%m/%Y}"


class ResourceFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    EPUB = "epub", "EPUB"
    AUDIO = "audio", _("Âm thanh")
    VIDEO = "video", _("Video")
    LINK = "link", _("Liên kết")


class ResourceState(models.TextChoices):
    PROPOSED = "proposed", _("Chờ tổ chuyên môn duyệt")
    PUBLISHED = "published", _("Đã công bố")
    REJECTED = "rejected", _("Không duyệt")
    PROPOSED_UP = "up", _("Đề xuất lên đơn vị cấp trên")


class DigitalResource(models.Model):
    """A tài liệu số. `owner_unit` (a school, Phòng or Sở) shares it, once published, with every
    unit below it. Content is stored by its SHA-256 like records' files."""

    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    group = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    title = models.CharField(_("nhan đề"), max_length=400)
    authors = models.CharField(_("tác giả"), max_length=400, blank=True, default="")
    subject = models.CharField(_("môn học, chủ đề"), max_length=200, blank=True, default="")
    grade = models.PositiveSmallIntegerField(_("lớp"), null=True, blank=True)
    fmt = models.CharField(_("định dạng"), max_length=6, choices=ResourceFormat.choices)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    mime = models.CharField(max_length=100, blank=True, default="")
    url = models.URLField(_("địa chỉ"), max_length=500, blank=True, default="")
    state = models.CharField(max_length=10, choices=ResourceState.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    up_to = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    opens = models.PositiveIntegerField(default=0)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu số")
        verbose_name_plural = _("tài liệu số")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class RegisterKind(models.TextChoices):
    TONG_QUAT = "TQ", _("Sổ đăng ký tổng quát")
    CA_BIET = "CB", _("Sổ đăng ký cá biệt")
    MUON = "MUON", _("Sổ mượn")
    KIEM_KE = "KK", _("Biên bản kiểm kê")
    THANH_LY = "TL", _("Biên bản thanh lý")


class RegisterIssue(models.Model):
    """A register generated as a PDF and handed to the records app (signing chain, retention)."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=RegisterKind.choices)
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sổ thư viện đã lập")
        verbose_name_plural = _("sổ thư viện đã lập")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y})"
