"""Record types (the legal catalogue), records, their versions, workflows, comments,
due items and notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Role, SchoolYear, Unit


class Keeper(models.TextChoices):
    SCHOOL = "SCHOOL", _("Nhà trường")
    GROUP = "GROUP", _("Tổ chuyên môn")
    TEACHER = "TEACHER", _("Giáo viên")
    HOMEROOM = "HOMEROOM", _("Giáo viên chủ nhiệm")
    OFFICE = "OFFICE", _("Phòng/Sở GDĐT")  # levels name the office kind: ["PHONG"], ["SO"]


class Period(models.TextChoices):
    ONCE = "ONCE", _("Một lần")
    YEAR = "YEAR", _("Năm học")
    TERM = "TERM", _("Học kỳ")
    MONTH = "MONTH", _("Tháng")
    WEEK = "WEEK", _("Tuần")


class StepAction(models.TextChoices):
    REVIEW = "review", _("Duyệt")
    SIGN = "sign", _("Ký số")
    APPROVE_SIGN = "approve_sign", _("Ký duyệt")  # approve and sign in one act
    SEAL = "seal", _("Đóng dấu")


# Steps done with a personal signature; an approve-sign step is also the approval.
PERSONAL_SIGN_ACTIONS = (StepAction.SIGN, StepAction.APPROVE_SIGN)
# Steps that approve the record: nobody does them on their own record.
APPROVING_ACTIONS = (StepAction.REVIEW, StepAction.APPROVE_SIGN)
# A chain role that is no office: the record's own author ("Ký và trình").
AUTHOR = "AUTHOR"
# A chain role that is no office either: the giáo viên chủ nhiệm of the record's class, found
# per record (hoso.records.homerooms) when someone asks, so a new GVCN takes over a waiting step.
HOMEROOM_TEACHER = "GVCN"
HOMEROOM_TEACHER_LABEL = _("Giáo viên chủ nhiệm của lớp")
# A chain role performed by several people: every subject teacher (giáo viên bộ môn) of the
# record's class that year, each signing their own subjects' lists (hoso.records.subjects);
# the step is done when every subject taught in the class has its signature.
SUBJECT_TEACHERS = "GVBM"
SUBJECT_TEACHERS_LABEL = _("Giáo viên bộ môn của lớp")
# Roles found from the record's class: only records kept in a class may use them.
CLASS_ROLES = frozenset({HOMEROOM_TEACHER, SUBJECT_TEACHERS})


def signing_kind(action: str) -> str:
    """The kind of signature a step asks for: a personal signature (sign) or the seal."""
    return StepAction.SIGN if action in PERSONAL_SIGN_ACTIONS else action


class RecordType(models.Model):
    """One kind of record the law (or a unit) requires. `owner_unit` is None for the national
    catalogue; a Sở, Phòng or school that adds a type owns it and it applies below that unit."""

    code = models.CharField(_("mã loại hồ sơ"), max_length=40, unique=True)
    name = models.CharField(_("tên loại hồ sơ"), max_length=255)
    levels = models.JSONField(_("cấp học"), default=list)  # ["TH"], ["THCS", "THPT"]
    keeper = models.CharField(_("người lưu giữ"), max_length=10, choices=Keeper.choices)
    period = models.CharField(_("kỳ"), max_length=6, choices=Period.choices)
    due_rule = models.JSONField(_("quy tắc hạn nộp"), default=dict)
    signing_chain = models.JSONField(_("chuỗi duyệt, ký"), default=list)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn lưu trữ (năm, 0 = vĩnh viễn)"), default=10
    )
    retention_source = models.CharField(max_length=200, blank=True, default="")
    naming_rule = models.CharField(_("quy tắc đặt tên"), max_length=120, blank=True, default="")
    formats = models.JSONField(_("định dạng nhận"), default=list)
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True, default="")
    optional = models.BooleanField(_("không bắt buộc (Chỉ thị 138)"), default=False)
    note = models.CharField(max_length=255, blank=True, default="")
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="record_types"
    )
    is_active = models.BooleanField(default=True)
    # A Sở or Phòng adapting a type for the schools below it: this row stands in for `adapts`
    # (a catalogue type, or an earlier edition of the office's own) from `effective_from` on;
    # records made before keep pointing at the row they were made with.
    adapts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="adaptations"
    )
    effective_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    # An office retiring its row from a later day: the row stops applying on that day (the
    # nightly task then marks it inactive); retired at once, the day of retirement.
    retired_from = models.DateField(_("ngừng áp dụng từ ngày"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("loại hồ sơ")
        verbose_name_plural = _("loại hồ sơ")

    def __str__(self) -> str:
        return self.name

    @property
    def levels_display(self) -> str:
        """The levels (an office type: the office kinds) by name, as people say them:
        "Tiểu học, Liên cấp" for ["TH", "LIEN_CAP"]."""
        from hoso.org.models import SchoolLevel, UnitKind

        names = {**dict(UnitKind.choices), **dict(SchoolLevel.choices)}
        return ", ".join(str(names.get(level, level)) for level in self.levels)

    @property
    def has_sign_steps(self) -> bool:
        return any(step.get("action") != StepAction.REVIEW for step in self.signing_chain)

    @property
    def author_signs(self) -> bool:
        """The chain starts with the author's own signature: submitting is "Ký và trình"."""
        first = self.signing_chain[0] if self.signing_chain else {}
        return first.get("role") == AUTHOR and first.get("action") in PERSONAL_SIGN_ACTIONS


class RecordState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã trình duyệt")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt, chờ ký")
    ISSUED = "issued", _("Đã ban hành")
    ARCHIVED = "archived", _("Đã lưu trữ")


class Record(models.Model):
    """A hồ sơ: one type, one period, one owner, in one unit and school year."""

    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="records")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="records")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="records"
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    period_key = models.CharField(_("kỳ"), max_length=20, blank=True, default="")
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=RecordState.choices, default=RecordState.DRAFT
    )
    version_count = models.PositiveIntegerField(default=0)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["school", "state"]),
            models.Index(fields=["owner", "state"]),
        ]

    def __str__(self) -> str:
        return self.title


class RenditionStatus(models.TextChoices):
    PENDING = "pending", _("Đang xử lý")
    DONE = "done", _("Xong")
    UNAVAILABLE = "unavailable", _("Máy chủ thiếu công cụ chuyển đổi")
    FAILED = "failed", _("Không chuyển đổi được")
    NOT_NEEDED = "not_needed", _("Không cần")


class RecordVersion(models.Model):
    """One uploaded file. The original never changes; an issued version never changes at all
    (service checks and a database trigger, see migration 0002)."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    original_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    has_signatures = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # Derived files (background work); the original stays the record.
    pdf_sha256 = models.CharField(max_length=64, blank=True, default="")
    preview_sha256 = models.CharField(max_length=64, blank=True, default="")
    text_sha256 = models.CharField(max_length=64, blank=True, default="")
    rendition_status = models.CharField(
        max_length=12, choices=RenditionStatus.choices, default=RenditionStatus.PENDING
    )
    rendition_message = models.CharField(max_length=500, blank=True, default="")
    indexed_at = models.DateTimeField(null=True, blank=True)
    # Filled by the signing steps (hoso.signing) and by issuing.
    signed_sha256 = models.CharField(max_length=64, blank=True, default="")
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_id", "-number"]
        verbose_name = _("phiên bản hồ sơ")
        verbose_name_plural = _("phiên bản hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def viewing_sha256(self) -> str:
        """The PDF a person reads: signed copy, else rendition, else (a PDF) the original."""
        return self.signed_sha256 or self.pdf_sha256


class WorkflowState(models.TextChoices):
    IN_REVIEW = "in_review", _("Đang duyệt")
    SIGNING = "signing", _("Chờ ký, đóng dấu")
    RETURNED = "returned", _("Trả lại")
    ISSUED = "issued", _("Đã ban hành")
    WITHDRAWN = "withdrawn", _("Rút lại")


class Workflow(models.Model):
    """One submission of one version through the type's signing chain. `step` is the index of
    the first step of the current stage (steps marked "together" run with the one before them);
    `open_steps` holds the steps of the stage not yet done, each {"index", "role" (as resolved
    for this record), "action", "user"?, "name"?}. `pending_role`/`pending_action`/
    `pending_user` copy the first of them and `pending_keys` lists who may act on any of them
    ("|RPHT|RTTCM|U17|N|": roles, named people, N when someone is named), so queues are one
    query. A subject teachers' step (GVBM) also holds "signed": {subject code: user id} and
    writes "D<code>" into the keys for each subject signed, so a teacher whose subjects are all
    signed leaves the queue."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="workflows")
    version = models.ForeignKey(RecordVersion, on_delete=models.PROTECT, related_name="workflows")
    chain = models.JSONField(default=list)  # the chain as it was at submission
    step = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=WorkflowState.choices)
    pending_role = models.CharField(max_length=10, blank=True, default="")
    pending_action = models.CharField(max_length=16, blank=True, default="")
    # A step named for one person (the chain names them, acting in `pending_role`).
    pending_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    open_steps = models.JSONField(default=list)
    pending_keys = models.CharField(max_length=1000, blank=True, default="")
    is_open = models.BooleanField(default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt trình ký")
        verbose_name_plural = _("lượt trình ký")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(is_open=True), name="one_open_workflow_per_record"
            )
        ]
        indexes = [models.Index(fields=["is_open", "pending_action", "pending_role"])]

    def __str__(self) -> str:
        return f"workflow {self.pk} ({self.state})"

    def current_step(self) -> dict[str, Any] | None:
        return self.chain[self.step] if self.step < len(self.chain) else None

    @property
    def pending_label(self) -> str:
        """What the pending step is, in words ("Ký duyệt", "Người lập ký"…)."""
        if self.pending_role == AUTHOR:
            return str(_("Người lập ký"))
        known = {a.value: a.label for a in StepAction}
        return str(known.get(self.pending_action, self.pending_action))

    @property
    def pending_who(self) -> str:
        """Who the stage waits for, in words: named people, else the roles' titles ("tổ
        trưởng chuyên môn và phó hiệu trưởng" when two steps run together)."""
        from hoso.org.models import Role

        titles = {
            **dict(Role.choices),
            HOMEROOM_TEACHER: HOMEROOM_TEACHER_LABEL,
            SUBJECT_TEACHERS: SUBJECT_TEACHERS_LABEL,
        }
        steps = self.open_steps or [
            {"role": self.pending_role, "user": self.pending_user_id, "name": ""}
        ]
        words = []
        for step in steps:
            role = _lower_first(str(titles.get(step["role"], step["role"])))
            name = step.get("name") or ""
            words.append(f"{name} ({role})" if step.get("user") and name else role)
        return gettext(" và ").join(words)


def _lower_first(title: str) -> str:
    """A role's title inside a sentence: "Chuyên viên Phòng GDĐT" → "chuyên viên Phòng GDĐT"
    (only the first letter; names of units and acronyms keep their capitals)."""
    return title[:1].lower() + title[1:]


class Delegation(models.TextChoices):
    """Who below may set their own chain for a type, as the unit above allows."""

    NONE = "", _("Không cho đơn vị cấp dưới đặt riêng")
    PHONG = "PHONG", _("Phòng GDĐT được đặt riêng")
    TRUONG = "TRUONG", _("Phòng GDĐT và nhà trường được đặt riêng")


class ChainSetting(models.Model):
    """The signing chain a Sở (or a Phòng or school it allows) sets for one record type, for
    itself and every unit below it. Read when a record is submitted and copied into its
    workflow: a change never touches a record already in flight."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="chain_settings")
    record_type = models.ForeignKey(
        RecordType, on_delete=models.CASCADE, related_name="chain_settings"
    )
    chain = models.JSONField(_("chuỗi duyệt, ký"), default=list)
    delegate_to = models.CharField(
        _("cấp dưới được đặt riêng"),
        max_length=6,
        choices=Delegation.choices,
        blank=True,
        default=Delegation.NONE,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chuỗi ký của đơn vị")
        verbose_name_plural = _("chuỗi ký của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "record_type"], name="one_chain_per_unit_type")
        ]

    def __str__(self) -> str:
        return f"{self.record_type.code} @ {self.unit.code}"


class TypeDelegation(models.Model):
    """Whether a Sở lets the Phòng below it define and adapt record types for their schools."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="type_delegation")
    allow_phong = models.BooleanField(_("Phòng GDĐT được tự quy định loại hồ sơ"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phân cấp quy định loại hồ sơ")
        verbose_name_plural = _("phân cấp quy định loại hồ sơ")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.allow_phong}"


class EventKind(models.TextChoices):
    UPLOADED = "uploaded", _("Tải lên phiên bản")
    SUBMITTED = "submitted", _("Trình duyệt")
    REVIEWED = "reviewed", _("Duyệt bước")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Trả lại")
    WITHDRAWN = "withdrawn", _("Rút lại")
    SIGNED = "signed", _("Ký số")
    SEALED = "sealed", _("Đóng dấu")
    ISSUED = "issued", _("Ban hành")
    ARCHIVED = "archived", _("Lưu trữ")
    COMMENTED = "commented", _("Góp ý")


class RecordEvent(models.Model):
    """The history shown on the record page (the audit log holds the legal trail)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("sự kiện của hồ sơ")
        verbose_name_plural = _("sự kiện của hồ sơ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"

    @property
    def role_title(self) -> str:
        """The role a reviewing or approving step was done in ("TTCM" is kept in `note`), as
        its title ("Tổ trưởng chuyên môn"); "" for other events, whose note is a comment."""
        if self.kind not in (EventKind.REVIEWED, EventKind.APPROVED) or not self.note:
            return ""
        titles = {**dict(Role.choices), AUTHOR: _("Người lập")}
        return str(titles.get(self.note, self.note))


class Comment(models.Model):
    version = models.ForeignKey(RecordVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("góp ý"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return gettext("góp ý %(pk)s") % {"pk": self.pk}


class DueItem(models.Model):
    """One thing owed: a type, a period, by a person (teacher types) or a unit (group and
    school types, `owner` is then the person answerable). `effective_due_at` is the due time
    after any extension, so status counts stay plain column comparisons."""

    record_type = models.ForeignKey(RecordType, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="due_items",
    )
    period_key = models.CharField(max_length=20)
    period_label = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    effective_due_at = models.DateTimeField()
    extension_reason = models.CharField(max_length=500, blank=True, default="")
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_on_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ phải nộp")
        verbose_name_plural = _("hồ sơ phải nộp")
        ordering = ["effective_due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "school_year", "unit", "owner", "period_key"],
                name="one_due_item",
            ),
        ]
        indexes = [
            # Covering the completion query: window, school, submitted — no table lookups.
            models.Index(
                fields=["effective_due_at", "school", "submitted_at"], name="records_due_window"
            ),
            # Covering for a school's (or, by skip-scan, the province's) window of items.
            models.Index(
                fields=["school", "effective_due_at", "unit", "owner", "submitted_at"],
                name="records_due_school_cover",
            ),
            models.Index(fields=["owner", "effective_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.record_type_id} {self.period_key} {self.owner_id}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class EvidenceTag(models.Model):
    """A record version used as evidence (minh chứng) for one criterion of the school's
    accreditation standard (hoso/records/evidence/criteria.py). The standard is stored with
    the code, so a school that changes level keeps its evidence under the old circular."""

    version = models.ForeignKey(RecordVersion, on_delete=models.CASCADE, related_name="evidence")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    standard = models.CharField(_("bộ tiêu chuẩn"), max_length=20)
    criterion = models.CharField(_("tiêu chí"), max_length=10)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tagged_at = models.DateTimeField()

    class Meta:
        ordering = ["school_id", "standard", "criterion", "-tagged_at"]
        verbose_name = _("minh chứng kiểm định")
        verbose_name_plural = _("minh chứng kiểm định")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "standard", "criterion"], name="one_evidence_tag"
            ),
        ]
        indexes = [models.Index(fields=["school", "standard", "criterion"])]

    def __str__(self) -> str:
        return f"{self.version_id} {self.standard} {self.criterion}"


class DueSummary(models.Model):
    """What the operations dashboard shows of one school for one window (a school year's):
    counts per status as at `computed_at` and due / submitted per week, kept by
    `hoso.records.services.summary`. A row answers for a moment `now` only while it is fresh:
    nothing changed since (`refreshed_changes == changes`; every service that writes due items
    bumps `changes`) and no open item has changed status yet (`computed_at <= now <
    valid_until`); otherwise the reader counts that school from the due items."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField(null=True)
    window_end = models.DateTimeField(null=True)
    counts = models.JSONField(default=dict)  # {status: n}
    weeks_due = models.JSONField(default=dict)  # {"2026-09-07": n} by week of the due time
    weeks_done = models.JSONField(default=dict)  # by week of submission
    computed_at = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)  # None: no open item changes status later
    changes = models.PositiveBigIntegerField(default=0)
    refreshed_changes = models.BigIntegerField(default=-1)
    # The school's other figures (gradebook entry, học bạ issued, library; filled by the
    # sources registered with hoso.records.summary.use_school_figures), fresh on their own
    # terms: another counter, bumped by `school_figures_touch`, and their own time limit.
    figures = models.JSONField(default=dict)
    figures_valid_until = models.DateTimeField(null=True)
    figures_changes = models.PositiveBigIntegerField(default=0)
    figures_refreshed_changes = models.BigIntegerField(default=-1)

    class Meta:
        verbose_name = _("tổng hợp tình hình nộp")
        verbose_name_plural = _("tổng hợp tình hình nộp")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "school"], name="one_due_summary"),
        ]

    def __str__(self) -> str:
        return f"due summary {self.school_id} {self.school_year_id}"
