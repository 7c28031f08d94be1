"""The work of a Phòng or Sở with the units below: directives sent down (văn bản chỉ đạo) with
who received, opened and answered them; report requests sent down and the reports sent up.

A directive's document is an issued record of the office (hoso.records): it went through the
office's own signing chain, so the unit below receives the signed PDF, never a copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Role, SchoolYear, Unit
from hoso.records.periods import term_label, year_label


class Audience(models.TextChoices):
    ALL = "all", _("Tất cả đơn vị trực thuộc")
    LEVEL = "level", _("Các trường một cấp học")
    LIST = "list", _("Danh sách đơn vị chọn")


class ReplyKind(models.TextChoices):
    NONE = "none", _("Chỉ để biết")
    ACK = "ack", _("Xác nhận đã nhận")
    REPLY = "reply", _("Trả lời bằng văn bản")


class Directive(models.Model):
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số, ký hiệu"), max_length=50, blank=True, default="")
    title = models.CharField(_("trích yếu"), max_length=255)
    summary = models.TextField(_("nội dung tóm tắt"), blank=True, default="")
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("records.RecordVersion", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(_("gửi đến"), max_length=10, choices=Audience.choices)
    audience_level = models.CharField(max_length=10, blank=True, default="")
    # Also for the parents of the pupils of the schools it was sent to: shown on a consenting
    # parent's page (hoso.families), with its signed PDF.
    for_parents = models.BooleanField(_("gửi cả phụ huynh học sinh"), default=False)
    reply_kind = models.CharField(
        _("yêu cầu phản hồi"), max_length=10, choices=ReplyKind.choices, default=ReplyKind.NONE
    )
    reply_due_at = models.DateTimeField(_("hạn phản hồi"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        indexes = [models.Index(fields=["office", "issued_at"])]

    def __str__(self) -> str:
        return self.title


class DirectiveRecipient(models.Model):
    """One unit a directive was sent to: its inbox row and its status at the office."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    first_opened_at = models.DateTimeField(null=True, blank=True)
    first_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer_text = models.TextField(blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("nơi nhận văn bản")
        verbose_name_plural = _("nơi nhận văn bản")
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="one_recipient_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "received_at"])]

    def __str__(self) -> str:
        return f"{self.directive_id} → {self.unit_id}"


class DirectiveOpen(models.Model):
    """Who of the recipient unit opened the directive, first time each."""

    recipient = models.ForeignKey(
        DirectiveRecipient, on_delete=models.CASCADE, related_name="opens"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("lượt mở văn bản")
        verbose_name_plural = _("lượt mở văn bản")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "user"], name="one_open_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} opened by {self.user_id}"


class TemplateKind(models.TextChoices):
    DOCUMENT = "document", _("Văn bản (báo cáo viết)")
    EXCEL = "excel", _("Bảng Excel (thu số liệu theo ô)")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Một lần")
    TERM = "term", _("Mỗi học kỳ")
    YEAR = "year", _("Mỗi năm học")


class ReportRequest(models.Model):
    """An office asks the units below for a report by a deadline. With an Excel template,
    `cells` lists the cells collected from each unit's filled copy ("Sheet!C5")."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên báo cáo"), max_length=255)
    instructions = models.TextField(_("hướng dẫn"), blank=True, default="")
    period_key = models.CharField(max_length=10, blank=True, default="")  # HK1, HK2, CN
    deadline = models.DateTimeField(_("hạn nộp"))
    template_kind = models.CharField(max_length=10, choices=TemplateKind.choices)
    template_sha256 = models.CharField(max_length=64, blank=True, default="")
    template_filename = models.CharField(max_length=255, blank=True, default="")
    cells = models.JSONField(default=list, blank=True)
    signer_role = models.CharField(_("người ký ở đơn vị"), max_length=10, blank=True, default="")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    audience_level = models.CharField(max_length=10, blank=True, default="")
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        indexes = [models.Index(fields=["office", "deadline"])]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        """The period as people say it: "Học kỳ I", "Học kỳ II", "Cả năm học 2025-2026"."""
        if self.period_key in ("HK1", "HK2"):
            return term_label(self.period_key)
        if self.period_key == "CN":
            return year_label(self.school_year)
        return self.period_key

    @property
    def signer_role_label(self) -> str:
        return str(dict(Role.choices).get(self.signer_role, self.signer_role))


class ReportState(models.TextChoices):
    PENDING = "pending", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")


class ReportAssignment(models.Model):
    """One unit asked for the report: what it sent, when, whether late, the office's return."""

    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10, choices=ReportState.choices, default=ReportState.PENDING
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(default=False)
    figures = models.JSONField(default=dict, blank=True)  # {"Sheet!C5": 12.0}
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    filename = models.CharField(max_length=255, blank=True, default="")
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("đơn vị được giao báo cáo")
        verbose_name_plural = _("đơn vị được giao báo cáo")
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="one_report_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.unit_id}"


class InspectionState(models.TextChoices):
    OPEN = "open", _("Đang kiểm tra")
    MINUTES = "minutes", _("Đã lập biên bản, chờ ký")
    SENT = "sent", _("Đã gửi biên bản cho trường")


class Inspection(models.Model):
    """A chuyên viên inspects a school from the office, without visiting: scope (record types,
    gradebook progress, library), findings per item, a signed biên bản sent to the school."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("nội dung kiểm tra"), max_length=255)
    decision = models.CharField(_("căn cứ quyết định"), max_length=255, blank=True, default="")
    scope_types = models.JSONField(default=list, blank=True)  # record type codes
    scope_gradebook = models.BooleanField(default=False)
    scope_library = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=InspectionState.choices, default=InspectionState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    minutes = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    directive = models.ForeignKey(
        Directive, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """What the inspector found for one scope item ("type:TT28.SDB", "gradebook", "library")."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.CharField(max_length=60)
    strengths = models.TextField(_("ưu điểm"), blank=True, default="")
    weaknesses = models.TextField(_("hạn chế, tồn tại"), blank=True, default="")
    recommendation = models.TextField(_("kiến nghị"), blank=True, default="")
    evidence = models.JSONField(default=list, blank=True)  # ids of the records read
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        verbose_name = _("kết quả kiểm tra")
        verbose_name_plural = _("kết quả kiểm tra")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="one_finding_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item}"


# --- digital transformation (chuyển đổi số): hoso/offices/transformation ----------------------


class SetState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    OPEN = "open", _("Đã ban hành, trường đang tự đánh giá")
    CLOSED = "closed", _("Đã chốt kết quả")


class MeasureKind(models.TextChoices):
    AUTO = "auto", _("Tự động từ số liệu HoSo")
    ENTERED = "entered", _("Trường tự đánh giá, kèm minh chứng")


class AnswerKind(models.TextChoices):
    PERCENT = "percent", _("Tỉ lệ phần trăm (0–100)")
    YESNO = "yesno", _("Có / Không")
    LEVEL = "level", _("Mức (1 đến mức cao nhất)")


class CriteriaSet(models.Model):
    """A bộ tiêu chí đánh giá chuyển đổi số of an office for a school year: criteria with points
    summing to 100, applied to the schools below the office (one cấp học, or all). Published,
    its criteria are frozen (a change is a new version copied from it); closed, every school's
    figures are kept as a snapshot so the ranking never changes afterwards."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    description = models.TextField(_("hướng dẫn"), blank=True, default="")
    level = models.CharField(_("cấp học áp dụng"), max_length=10, blank=True, default="")
    opens_on = models.DateField(_("trường bắt đầu tự đánh giá"))
    closes_on = models.DateField(_("hạn trường nộp"))
    state = models.CharField(max_length=10, choices=SetState.choices, default=SetState.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the automatic figures kept on the sheets (SchoolSheet.figures) were last computed,
    # all schools at once; None: never (the pages then compute them as they are asked).
    figures_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bộ tiêu chí chuyển đổi số")
        verbose_name_plural = _("bộ tiêu chí chuyển đổi số")
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One tiêu chí: its group, code, points (weight) and how it is measured."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("nhóm tiêu chí"), max_length=120)
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("tiêu chí"), max_length=500)
    guidance = models.TextField(_("cách đánh giá, minh chứng"), blank=True, default="")
    points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    kind = models.CharField(max_length=10, choices=MeasureKind.choices)
    measure = models.CharField(max_length=40, blank=True, default="")  # AUTO: a measures.py code
    answer_kind = models.CharField(
        max_length=10, choices=AnswerKind.choices, blank=True, default=""
    )
    levels = models.PositiveSmallIntegerField(default=0)  # LEVEL: the highest level
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("tiêu chí chuyển đổi số")
        verbose_name_plural = _("tiêu chí chuyển đổi số")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="dx_one_code_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")


class SchoolSheet(models.Model):
    """A school's phiếu tự đánh giá for a criteria set: its entered answers, its state, and,
    once the set is closed, the snapshot of every criterion's figure, the total and the rank."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sheets")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=SheetState.choices, default=SheetState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(blank=True, default="")
    snapshot = models.JSONField(default=dict, blank=True)  # {criterion code: {ratio, points…}}
    # While the set is open: the automatic measures' figures as of criteria_set.figures_at,
    # {measure code: [done, total]}, refreshed by a task (nightly, after publishing, on request)
    # so that a ranking of 1,000 schools reads them instead of computing them.
    figures = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["school__path", "id"]
        verbose_name = _("phiếu tự đánh giá chuyển đổi số")
        verbose_name_plural = _("phiếu tự đánh giá chuyển đổi số")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "school"], name="dx_one_sheet_per_school"
            )
        ]
        indexes = [models.Index(fields=["school", "state"])]

    def __str__(self) -> str:
        return f"{self.criteria_set_id} ← {self.school_id}"


class Answer(models.Model):
    """The school's value for an entered criterion, with its evidence: an uploaded file (in the
    blob store) or one of the school's records in HoSo."""

    sheet = models.ForeignKey(SchoolSheet, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    note = models.TextField(blank=True, default="")
    evidence_sha256 = models.CharField(max_length=64, blank=True, default="")
    evidence_filename = models.CharField(max_length=255, blank=True, default="")
    evidence_record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("số liệu tự đánh giá")
        verbose_name_plural = _("số liệu tự đánh giá")
        ordering = ["criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="dx_one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.criterion_id} = {self.value}"
