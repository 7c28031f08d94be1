"""The roles a person may hold in a unit for a school year: the vocabulary of every rule.

Defined here, below the domain apps, so that hoso.policy's grants need no app; hoso.org assigns
them (hoso.org.models.RoleAssignment, which re-exports Role)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GV = "GV", _("Giáo viên")
    TTCM = "TTCM", _("Tổ trưởng chuyên môn")
    PHT = "PHT", _("Phó hiệu trưởng")
    HT = "HT", _("Hiệu trưởng")
    VT = "VT", _("Văn thư / nhân viên CNTT")
    TV = "TV", _("Thủ thư")
    CV_PHONG = "CV_PHONG", _("Chuyên viên Phòng GDĐT")
    CV_SO = "CV_SO", _("Chuyên viên Sở GDĐT")
    # Leaders and the clerk of an office (Phòng or Sở), held at the office unit.
    TP = "TP", _("Trưởng phòng GDĐT")
    PTP = "PTP", _("Phó trưởng phòng GDĐT")
    GD = "GD", _("Giám đốc Sở GDĐT")
    PGD = "PGD", _("Phó giám đốc Sở GDĐT")
    VT_CQ = "VT_CQ", _("Văn thư Phòng/Sở")
    QTHT = "QTHT", _("Quản trị hệ thống")
