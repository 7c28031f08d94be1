"""Gradebook (sổ điểm) and học bạ số: subjects per school, assignments, raw entries, entry
windows, correction requests, publication, guardians and học bạ versions.

Only raw entries are stored; every average, level and result is computed by
`hoso.grading.rules` on read (see `hoso.grading.compute`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.org.models import SchoolYear, Student, Unit


class SubjectKind(models.TextChoices):
    PRIMARY = "primary", _("Tiểu học: mức đạt được (+ điểm KTĐK nếu có)")
    SCORE = "score", _("Nhận xét kết hợp điểm số")
    COMMENT = "comment", _("Chỉ nhận xét: Đạt / Chưa đạt")


class SchoolSubject(models.Model):
    """A subject taught in one grade of one school. Seeded from `data/subjects.json`; the school
    may switch electives on or off and adjust the periods per year (which fix the ĐĐGtx count)."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("khối lớp"))
    code = models.CharField(_("mã môn"), max_length=60)
    name = models.CharField(_("tên môn"), max_length=120)
    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    periods_per_year = models.PositiveSmallIntegerField(_("số tiết/năm"))
    elective = models.BooleanField(default=False)
    enabled = models.BooleanField(_("đang dạy"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["school", "grade", "order"]
        verbose_name = _("môn học của trường")
        verbose_name_plural = _("môn học của trường")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "grade", "code"], name="one_subject_per_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (lớp {self.grade})"


class GradingConfig(models.Model):
    """Per-school choices for the rules that DOMAIN.md marks UNCONFIRMED."""

    school = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    hoan_thanh_min_test_score = models.PositiveSmallIntegerField(
        _("điểm KTĐK tối thiểu để Hoàn thành (tiểu học)"), default=5
    )
    conduct_year_rule = models.CharField(
        _("cách tính rèn luyện cả năm"), max_length=20, default="tt22_matrix"
    )

    class Meta:
        verbose_name = _("cấu hình đánh giá")
        verbose_name_plural = _("cấu hình đánh giá")

    def __str__(self) -> str:
        return f"Cấu hình đánh giá {self.school_id}"


class TeachingAssignment(models.Model):
    """Who teaches which subject in which class this year (phân công giảng dạy)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching_assignments"
    )
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    subject_code = models.CharField(max_length=60)
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phân công giảng dạy")
        verbose_name_plural = _("phân công giảng dạy")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject_code", "school_year"],
                name="one_teacher_per_class_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.subject_code} · {self.school_class}"


class Homeroom(models.Model):
    """The giáo viên chủ nhiệm (GVCN) of a class for a year."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="homerooms"
    )
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("giáo viên chủ nhiệm")
        verbose_name_plural = _("giáo viên chủ nhiệm")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "school_year"], name="one_homeroom_per_class"
            )
        ]

    def __str__(self) -> str:
        return f"GVCN {self.teacher_id} · {self.school_class_id}"


class Entry(models.Model):
    """One cell of the gradebook: a student's value for (area, slot).

    `area` is a subject code, a phẩm chất/năng lực code or "ren_luyen"; `slot` names the
    assessment ("cuoi_hk1.muc", "hk1.tx2", "hk2.ck", …); `value` is normalised by the rules.
    `origin`: the school a transfer package brought the value from ("kết quả chuyển đến"),
    read-only in this gradebook; empty for a value entered here."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="grade_entries")
    area = models.CharField(max_length=60)
    slot = models.CharField(max_length=30)
    value = models.TextField()
    origin = models.CharField(_("kết quả chuyển đến từ"), max_length=200, blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ô điểm")
        verbose_name_plural = _("ô điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "area", "slot"], name="one_value_per_cell"
            )
        ]
        indexes = [models.Index(fields=["school_class", "school_year", "area"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.area} {self.slot} = {self.value}"


class WindowCheckpoint(models.TextChoices):
    GIUA_HK1 = "giua_hk1", _("Giữa học kì I")
    CUOI_HK1 = "cuoi_hk1", _("Cuối học kì I")
    GIUA_HK2 = "giua_hk2", _("Giữa học kì II")
    CUOI_NAM = "cuoi_nam", _("Cuối năm học")
    HK1 = "hk1", _("Học kì I")
    HK2 = "hk2", _("Học kì II")


class EntryWindow(models.Model):
    """A period during which teachers may enter values, for a scope inside one school.
    Empty grade/class/sheet/checkpoint mean "all"; open until closed."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    school_class = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sheet = models.CharField(_("môn / phần"), max_length=60, blank=True, default="")
    checkpoint = models.CharField(
        max_length=10, choices=WindowCheckpoint.choices, blank=True, default=""
    )
    reason = models.CharField(_("lý do mở"), max_length=300)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("đợt nhập điểm")
        verbose_name_plural = _("đợt nhập điểm")

    def __str__(self) -> str:
        return str(
            _("Đợt nhập điểm %(pk)s (%(checkpoint)s)")
            % {"pk": self.pk, "checkpoint": self.get_checkpoint_display() or _("mọi thời điểm")}
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", _("Từ chối")


class CorrectionRequest(models.Model):
    """A change to a cell after its window closed: old value, new value, reason; the principal
    approves (and the change is applied) or refuses."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=60)
    slot = models.CharField(max_length=30)
    old_value = models.TextField(blank=True, default="")
    new_value = models.TextField(blank=True, default="")
    reason = models.CharField(_("lý do"), max_length=500)
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("yêu cầu điều chỉnh điểm")
        verbose_name_plural = _("yêu cầu điều chỉnh điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "area", "slot"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_cell",
            )
        ]

    def __str__(self) -> str:
        # The cell is named in the audit entry's data; its words need the class's sheets.
        return str(
            _("Yêu cầu điều chỉnh điểm %(pk)s của học sinh %(name)s")
            % {"pk": self.pk, "name": self.student.full_name}
        )


class Term(models.TextChoices):
    HK1 = "HK1", _("Học kì I")
    HK2 = "HK2", _("Học kì II")
    CN = "CN", _("Cả năm")


class Publication(models.Model):
    """The school has published a class's results for a term to students and parents."""

    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=3, choices=Term.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("công bố kết quả")
        verbose_name_plural = _("công bố kết quả")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "school_year", "term"], name="one_publication_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Công bố {self.term} lớp {self.school_class_id}"


class Guardian(models.Model):
    """A parent/guardian (or the student's own account) linked to one student."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    relation = models.CharField(_("quan hệ"), max_length=40, default="Cha/mẹ")

    class Meta:
        verbose_name = _("cha mẹ, người giám hộ")
        verbose_name_plural = _("cha mẹ, người giám hộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "student"], name="unique_guardian_link")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.student_id}"


class HocBaStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp, chờ GVCN ký")
    GVCN_SIGNED = "gvcn_signed", _("GVCN đã ký, chờ hiệu trưởng ký")
    HT_SIGNED = "ht_signed", _("Hiệu trưởng đã ký, chờ đóng dấu")
    ISSUED = "issued", _("Đã ban hành")
    SUPERSEDED = "superseded", _("Đã được thay thế bởi bản điều chỉnh")


class HocBaVersion(models.Model):
    """One version of a student's học bạ for a year: a frozen data snapshot rendered as PDF and
    XML from the same data, then signed GVCN → HT → school seal. Issued versions never change;
    a correction is a new version that supersedes the old one when it is issued."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="hoc_ba")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=HocBaStatus.choices, default="draft")
    data = models.JSONField()
    pdf_sha256 = models.CharField(max_length=64)
    xml_sha256 = models.CharField(max_length=64)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-number"]
        verbose_name = _("học bạ (phiên bản)")
        verbose_name_plural = _("học bạ (phiên bản)")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "number"], name="unique_hoc_ba_number"
            ),
            models.UniqueConstraint(
                fields=["student", "school_year"],
                condition=Q(status__in=["draft", "gvcn_signed", "ht_signed"]),
                name="one_hoc_ba_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"Học bạ {self.student} {self.school_year} bản {self.number}"


class SignStep(models.TextChoices):
    GVCN = "gvcn", _("Giáo viên chủ nhiệm ký")
    HT = "ht", _("Hiệu trưởng ký")
    SEAL = "seal", _("Đóng dấu điện tử của trường")


class HocBaSignature(models.Model):
    version = models.ForeignKey(HocBaVersion, on_delete=models.CASCADE, related_name="signatures")
    step = models.CharField(max_length=5, choices=SignStep.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    certificate_subject = models.CharField(max_length=300)
    pdf_sha256 = models.CharField(max_length=64, help_text="The PDF after this signature.")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chữ ký học bạ")
        verbose_name_plural = _("chữ ký học bạ")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "step"], name="one_signature_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.certificate_subject}"


# --- background batches of học bạ (lập / ký cho cả lớp) -----------------------------------------


class HocBaBatchKind(models.TextChoices):
    CREATE = "create", _("Lập học bạ cho cả lớp")
    SIGN = "sign", _("Ký học bạ cả lớp")


class HocBaBatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")


class HocBaBatch(models.Model):
    """One person's batch over a class, run by the background queue; progress survives closing
    the tab. For signing, the passphrase/PIN is kept encrypted only while the batch runs."""

    kind = models.CharField(max_length=6, choices=HocBaBatchKind.choices)
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=HocBaBatchStatus.choices, default=HocBaBatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    secret = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress of the worker
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lô học bạ")
        verbose_name_plural = _("lô học bạ")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(
            _("Lượt lập học bạ %(pk)s: xong %(done)s, lỗi %(failed)s, trong %(total)s học sinh")
            % {"pk": self.pk, "done": self.done, "failed": self.failed, "total": self.total}
        )


class HocBaBatchItemStatus(models.TextChoices):
    PENDING = "pending", _("Chờ")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class HocBaBatchItem(models.Model):
    batch = models.ForeignKey(HocBaBatch, on_delete=models.CASCADE, related_name="items")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        HocBaVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=HocBaBatchItemStatus.choices, default=HocBaBatchItemStatus.PENDING
    )
    message = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("học bạ trong lô")
        verbose_name_plural = _("học bạ trong lô")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "student"], name="one_item_per_student")
        ]

    def __str__(self) -> str:
        return f"batch {self.batch_id} student {self.student_id}: {self.status}"
