"""Writes of the automatic figures kept for an open criteria set: every school's figures of
the set's automatic measures, computed in bulk (one grouped query per measure over all the
schools, not fifteen queries a school) and kept on the sheets with the time they were computed,
so that the ranking, its export and the API read them instead of computing them on each view.

Refreshed by huey (hoso/offices/tasks.py): nightly for every open set, after publishing, and
when the office asks ("Tính lại ngay", audited). Closing computes the figures afresh for the
snapshot; entered values are never kept here (the pages read the school's own rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, NotAllowed, NotFound
from hoso.core.scheduling import later
from hoso.offices.models import CriteriaSet, SchoolSheet, SetState
from hoso.offices.transformation.scoring import figures_to_store
from hoso.offices.transformation.selectors import bulk_figures, criteria_of
from hoso.policy import can


@transaction.atomic
def figures_refresh(*, set_id: int, at: dt.datetime | None = None) -> int:
    """Compute and keep the figures of every school of an open set; the number of sheets
    refreshed (0 for a set that is not open: closed sets keep their snapshot). Idempotent."""
    cset = (
        CriteriaSet.objects.select_for_update(of=("self",))
        .select_related("office", "school_year")
        .filter(pk=set_id)
        .first()
    )
    if cset is None or cset.state != SetState.OPEN:
        return 0
    when = at or timezone.now()
    sheets = list(cset.sheets.select_related("school"))
    figures = bulk_figures(cset, criteria_of(cset), sheets, when)
    for sheet in sheets:
        sheet.figures = figures_to_store(figures.get(sheet.school_id, {}))
    SchoolSheet.objects.bulk_update(sheets, ["figures"], batch_size=500)
    cset.figures_at = when
    cset.save(update_fields=["figures_at"])
    return len(sheets)


def figures_refresh_open() -> int:
    """Nightly: refresh every open set, each in its own transaction; the sheets refreshed."""
    ids = list(CriteriaSet.objects.filter(state=SetState.OPEN).values_list("pk", flat=True))
    return sum(figures_refresh(set_id=pk) for pk in ids)


def figures_refresh_later(set_id: int) -> None:
    """After the current transaction commits (a set just published), in the background."""
    from hoso.offices.tasks import refresh_dx_figures

    later(refresh_dx_figures, set_id)


@transaction.atomic
def figures_recompute(*, actor: Any, set_id: int, ip: str = "") -> CriteriaSet:
    """The office's "Tính lại ngay": the figures of every school as of now, audited."""
    cset = CriteriaSet.objects.select_related("office").filter(pk=set_id).first()
    if cset is None or not can(actor, "offices.dx.set.view", cset):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "offices.dx.set.manage", cset):
        raise NotAllowed(_("Chỉ cán bộ của đơn vị ban hành bộ tiêu chí mới làm được việc này."))
    if cset.state != SetState.OPEN:
        raise Conflict(_("Chỉ tính lại được số liệu của bộ tiêu chí đang mở."))
    schools = figures_refresh(set_id=cset.pk)
    cset.refresh_from_db(fields=["figures_at"])
    audit_log(
        "offices.dx.figures.recomputed",
        actor=actor,
        obj=cset,
        unit_id=cset.office_id,
        ip=ip,
        data={"schools": schools, "at": cset.figures_at.isoformat() if cset.figures_at else ""},
    )
    return cset
