"""Units (Sở > Phòng > Trường > Tổ/Khối > Lớp), school years, staff, students, role assignments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The policy's vocabulary, held through RoleAssignment below; `from hoso.org.models import Role`
# stays the usual import.
from hoso.policy.roles import Role as Role


class UnitKind(models.TextChoices):
    SO = "SO", _("Sở GDĐT")
    PHONG = "PHONG", _("Phòng GDĐT")
    TRUONG = "TRUONG", _("Trường")
    TO = "TO", _("Tổ chuyên môn")
    KHOI = "KHOI", _("Khối")
    LOP = "LOP", _("Lớp")


class SchoolLevel(models.TextChoices):
    MN = "MN", _("Mầm non")
    TH = "TH", _("Tiểu học")
    THCS = "THCS", _("Trung học cơ sở")
    THPT = "THPT", _("Trung học phổ thông")
    LIEN_CAP = "LIEN_CAP", _("Liên cấp")


# Which kinds may sit directly under which: the tree is checked on every write.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    UnitKind.SO: {None},
    UnitKind.PHONG: {UnitKind.SO},
    UnitKind.TRUONG: {UnitKind.PHONG, UnitKind.SO},
    UnitKind.TO: {UnitKind.TRUONG},
    UnitKind.KHOI: {UnitKind.TRUONG},
    UnitKind.LOP: {UnitKind.TRUONG, UnitKind.KHOI, UnitKind.TO},
}


class SchoolYear(models.Model):
    name = models.CharField(_("năm học"), max_length=9, unique=True)  # "2025-2026"
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    term1_end = models.DateField(_("ngày kết thúc học kỳ I"))
    is_current = models.BooleanField(_("năm học hiện tại"), default=False)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the unit tree. `path` is the materialised chain of ids ("/1/4/9/") so that
    "this unit and everything below it" is one indexed prefix query."""

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=10, choices=UnitKind.choices)
    level = models.CharField(
        _("cấp học"), max_length=10, choices=SchoolLevel.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    school = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school this unit belongs to (itself for a school).",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
        help_text="Classes only: the school year of the class.",
    )
    grade = models.PositiveSmallIntegerField(_("khối lớp"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_descendant_of(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Gender(models.TextChoices):
    NAM = "NAM", _("Nam")
    NU = "NU", _("Nữ")


class Staff(models.Model):
    """A member of staff: teacher, leader, clerk, chuyên viên."""

    code = models.CharField(_("mã định danh"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True, default="")
    email = models.EmailField(_("thư điện tử"), blank=True, default="")
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, default="")
    # Identity numbers (issue 15 item 2): the 12-digit số định danh cá nhân and the Ministry's
    # "Mã định danh Bộ GD&ĐT" from the sector database, kept opaque. Blank = not known yet.
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, default="")
    moet_code = models.CharField(_("mã định danh Bộ GD&ĐT"), max_length=20, blank=True, default="")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("cán bộ, giáo viên, nhân viên")
        verbose_name_plural = _("cán bộ, giáo viên, nhân viên")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~Q(personal_id=""),
                name="one_staff_per_personal_id",
            ),
            models.UniqueConstraint(
                fields=["moet_code"], condition=~Q(moet_code=""), name="one_staff_per_moet_code"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Student(models.Model):
    """A learner. `code` is the mã định danh học sinh: unique and never changed."""

    code = models.CharField(_("mã định danh học sinh"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"))
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="students")
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    is_active = models.BooleanField(default=True)
    # Particulars the official books print (học bạ page 1, sổ đăng bộ, sơ yếu lý lịch of the
    # class score book); sources in docs/books.md. Blank = not known yet: the books list it as
    # missing and refuse to be issued.
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, default="")
    moet_code = models.CharField(_("mã định danh Bộ GD&ĐT"), max_length=20, blank=True, default="")
    ethnicity = models.CharField(_("dân tộc"), max_length=2, blank=True, default="")
    nationality = models.CharField(_("quốc tịch"), max_length=60, blank=True, default="Việt Nam")
    birth_place = models.CharField(_("nơi sinh"), max_length=200, blank=True, default="")
    hometown = models.CharField(_("quê quán"), max_length=200, blank=True, default="")
    address = models.CharField(_("nơi ở hiện nay"), max_length=255, blank=True, default="")
    father_name = models.CharField(_("họ và tên cha"), max_length=120, blank=True, default="")
    father_job = models.CharField(_("nghề nghiệp của cha"), max_length=120, blank=True, default="")
    mother_name = models.CharField(_("họ và tên mẹ"), max_length=120, blank=True, default="")
    mother_job = models.CharField(_("nghề nghiệp của mẹ"), max_length=120, blank=True, default="")
    guardian_name = models.CharField(_("người giám hộ"), max_length=120, blank=True, default="")
    guardian_job = models.CharField(
        _("nghề nghiệp của người giám hộ"), max_length=120, blank=True, default=""
    )
    priority_group = models.CharField(
        _("đối tượng ưu tiên"), max_length=200, blank=True, default=""
    )
    register_number = models.CharField(_("số đăng bộ"), max_length=20, blank=True, default="")
    admitted_on = models.DateField(_("ngày vào trường"), null=True, blank=True)
    previous_school = models.CharField(
        _("chuyển từ trường"), max_length=200, blank=True, default=""
    )
    left_on = models.DateField(_("ngày rời trường"), null=True, blank=True)
    leave_reason = models.CharField(_("lí do rời trường"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register_number"],
                condition=~Q(register_number=""),
                name="one_register_number_per_school",
            ),
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~Q(personal_id=""),
                name="one_student_per_personal_id",
            ),
            models.UniqueConstraint(
                fields=["moet_code"], condition=~Q(moet_code=""), name="one_student_per_moet_code"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Enrolment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    school_class = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="enrolments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    # The days the student was in the school that year: from `start_date` (blank = from the
    # year's start) up to, not including, `end_date` (blank = still there). One row per student
    # and year: a class change in mid-year moves this row (its scores follow the student, as
    # grading's entries are one per student and year) and the change itself is kept in
    # hoso.schoollife's history (docs/school-life.md).
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("xếp lớp")
        verbose_name_plural = _("xếp lớp")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"], name="one_class_per_student_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.school_class_id}"

    def present_on(self, day: dt.date) -> bool:
        starts_ok = self.start_date is None or self.start_date <= day
        return starts_ok and (self.end_date is None or day < self.end_date)


def present_on(day: dt.date, prefix: str = "") -> Q:
    """Enrolments (`prefix` "enrolments__" from Student) whose student was in the school on
    `day`: the database side of Enrolment.present_on."""
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


class RoleAssignment(models.Model):
    """A person holds a role in a unit for a school year. A GV sits at a school or at the
    group (tổ) they belong to; a TTCM at the group they lead; CV_PHONG at a Phòng."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phân công vai trò")
        verbose_name_plural = _("phân công vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "school_year"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return str(
            _("%(user)s: %(role)s, %(unit)s")
            % {"user": self.user, "role": self.get_role_display(), "unit": self.unit}
        )
