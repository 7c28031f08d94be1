"""Reads of evidence, scoped by the policy: the schools whose evidence a person may browse, a
school's evidence (only versions of records the person may read), a version's tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hoso.org.models import Unit, UnitKind
from hoso.policy import can, get_or_404, visible
from hoso.records.evidence.criteria import Criterion, Standard, standard, standard_for_level
from hoso.records.models import EvidenceTag, Record, RecordVersion


def evidence_schools(user: Any) -> QuerySet[Unit]:
    schools = Unit.objects.filter(kind=UnitKind.TRUONG).order_by("name")
    return visible(user, "records.evidence.view", schools)


def evidence_school(user: Any, pk: Any) -> Unit:
    """The school whose evidence `user` may browse, else 404 (hidden = missing)."""
    return get_or_404(user, "records.evidence.view", Unit.objects.all(), pk=pk)


def school_standard(school: Unit) -> Standard | None:
    return standard_for_level(school.level)


def evidence_of_school(
    user: Any, school: Unit, *, standard_code: str, criterion: str = ""
) -> QuerySet[EvidenceTag]:
    """Tags of `school` under one standard (one criterion when given), on versions of records
    `user` may read, in criterion order then newest first."""
    readable = visible(user, "records.record.view", Record.objects.filter(school=school))
    tags = EvidenceTag.objects.filter(
        school=school, standard=standard_code, version__record__in=readable.values("pk")
    )
    if criterion:
        tags = tags.filter(criterion=criterion)
    return tags.select_related(
        "version__record__record_type", "version__uploaded_by", "tagged_by"
    ).order_by("criterion", "-version__uploaded_at", "pk")


def tags_of_version(version: RecordVersion) -> list[EvidenceTag]:
    return list(EvidenceTag.objects.filter(version=version).order_by("standard", "criterion"))


@dataclass
class CriterionRow:
    criterion: Criterion
    tags: list[EvidenceTag] = field(default_factory=list)


@dataclass
class GroupRows:
    label: str
    title: str
    rows: list[CriterionRow]


def evidence_table(
    user: Any, school: Unit, *, standard_code: str, criterion: str = ""
) -> list[GroupRows]:
    """The page's table: each tiêu chuẩn (and Mức 4) with its criteria and their evidence;
    criteria without evidence are listed too (they show what is missing)."""
    chosen = standard(standard_code)
    if chosen is None:
        return []
    by_code: dict[str, list[EvidenceTag]] = {}
    for tag in evidence_of_school(user, school, standard_code=standard_code, criterion=criterion):
        by_code.setdefault(tag.criterion, []).append(tag)
    groups = [(g.label, g.title, g.criteria) for g in chosen.tieu_chuan]
    if chosen.muc4:  # only when the data lists them (none are sourced yet: docs/records.md)
        groups.append((_("Mức 4"), _("Các yêu cầu của Mức 4"), chosen.muc4))
    table = []
    for label, title, criteria in groups:
        rows = [
            CriterionRow(c, by_code.get(c.code, []))
            for c in criteria
            if not criterion or c.code == criterion
        ]
        if rows:
            table.append(GroupRows(label, title, rows))
    return table


@dataclass
class RecordPanel:
    """The record page's "Minh chứng kiểm định" section."""

    standard: Standard | None
    by_version: dict[int, list[EvidenceTag]]
    latest_codes: set[str]
    can_tag: bool


def record_panel(user: Any, record: Record, versions: list[RecordVersion]) -> RecordPanel | None:
    """None for an office's own record (no school's evidence) or a record without a file."""
    if record.school.kind != UnitKind.TRUONG or not versions:
        return None
    found = school_standard(record.school)
    by_version: dict[int, list[EvidenceTag]] = {}
    tags = EvidenceTag.objects.filter(version__record=record).order_by("standard", "criterion")
    for tag in tags:
        by_version.setdefault(tag.version_id, []).append(tag)
    latest = versions[0]
    latest_codes = {
        t.criterion
        for t in by_version.get(latest.pk, [])
        if found is not None and t.standard == found.code
    }
    allowed = can(user, "records.evidence.tag", latest)
    return RecordPanel(found, by_version, latest_codes, allowed and found is not None)
