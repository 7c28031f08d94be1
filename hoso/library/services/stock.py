"""Stock (kho): stock-taking by scanning shelves, weeding approved by the principal. The
discrepancy report is a read: `hoso.library.selectors.discrepancies`."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.library.models import Copy, CopyStatus, StockScan, StockTake, Weeding
from hoso.library.selectors import discrepancies
from hoso.library.services.catalogue import _require_manage, clean_barcode
from hoso.org.models import Unit
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch

MAX_WEEDING = 2000


@transaction.atomic
def stocktake_open(*, actor: Any, school: Unit, name: str, ip: str = "") -> StockTake:
    _require_manage(actor, school)
    name = " ".join(name.split())[:120]
    if not name:
        raise DomainError(_("Hãy đặt tên đợt kiểm kê."))
    if StockTake.objects.filter(school=school, closed_at__isnull=True).exists():
        raise Conflict(_("Đang có một đợt kiểm kê chưa kết thúc."))
    stocktake = StockTake.objects.create(school=school, name=name, created_by=actor)
    audit_log("library.stocktake.opened", actor=actor, obj=stocktake, unit_id=school.pk, ip=ip)
    return stocktake


@transaction.atomic
def stocktake_scan(
    *, actor: Any, stocktake: StockTake, barcodes: list[str], location: str = "", ip: str = ""
) -> int:
    """Record the codes scanned on one shelf (`location`); a code scanned twice counts once."""
    _require_manage(actor, stocktake.school)
    if stocktake.closed_at is not None:
        raise Conflict(_("Đợt kiểm kê đã kết thúc."))
    codes = list(dict.fromkeys(clean_barcode(b) for b in barcodes if b.strip()))
    if not codes:
        raise DomainError(_("Hãy quét ít nhất một mã vạch."))
    copies = dict(
        Copy.objects.filter(school=stocktake.school, barcode__in=codes).values_list("barcode", "pk")
    )
    done = set(stocktake.scans.filter(barcode__in=codes).values_list("barcode", flat=True))
    rows = [
        StockScan(
            stocktake=stocktake, copy_id=copies.get(code), barcode=code, location=location[:80]
        )
        for code in codes
        if code not in done
    ]
    try:
        with transaction.atomic():
            StockScan.objects.bulk_create(rows)
    except IntegrityError as error:
        raise Conflict(_("Mã vạch vừa được quét ở máy khác; hãy quét lại.")) from error
    audit_log(
        "library.stocktake.scanned",
        actor=actor,
        obj=stocktake,
        unit_id=stocktake.school_id,
        ip=ip,
        data={"count": len(rows), "location": location[:80]},
    )
    return len(rows)


@transaction.atomic
def stocktake_close(*, actor: Any, stocktake: StockTake, ip: str = "") -> StockTake:
    _require_manage(actor, stocktake.school)
    if stocktake.closed_at is not None:
        raise Conflict(_("Đợt kiểm kê đã kết thúc."))
    stocktake.closed_at = timezone.now()
    stocktake.save(update_fields=["closed_at"])
    found = discrepancies(stocktake)
    audit_log(
        "library.stocktake.closed",
        actor=actor,
        obj=stocktake,
        unit_id=stocktake.school_id,
        ip=ip,
        data={"scanned": found.scanned, "missing": len(found.missing)},
    )
    return stocktake


@transaction.atomic
def weeding_propose(
    *, actor: Any, school: Unit, barcodes: list[str], reason: str, ip: str = ""
) -> Weeding:
    _require_manage(actor, school)
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise DomainError(_("Hãy ghi lý do thanh lý."))
    codes = list(dict.fromkeys(clean_barcode(b) for b in barcodes if b.strip()))
    if not codes or len(codes) > MAX_WEEDING:
        raise DomainError(_("Hãy quét từ 1 đến %(max)s mã vạch.") % {"max": MAX_WEEDING})
    copies = list(Copy.objects.filter(school=school, barcode__in=codes))
    unknown = sorted(set(codes) - {c.barcode for c in copies})
    if unknown:
        raise DomainError(
            _("Không có bản sách mang mã: %(codes)s.") % {"codes": ", ".join(unknown[:10])}
        )
    out = [c.barcode for c in copies if c.status in (CopyStatus.ON_LOAN, CopyStatus.WEEDED)]
    if out:
        raise Conflict(
            _("Bản đang cho mượn hoặc đã thanh lý: %(codes)s.") % {"codes": ", ".join(out[:10])}
        )
    weeding = Weeding.objects.create(school=school, reason=reason, proposed_by=actor)
    weeding.copies.set(copies)
    audit_log(
        "library.weeding.proposed",
        actor=actor,
        obj=weeding,
        unit_id=school.pk,
        ip=ip,
        data={"copies": len(copies)},
    )
    from hoso.org.models import Role, RoleAssignment
    from hoso.records.notify import notify

    principals = RoleAssignment.objects.filter(unit=school, role=Role.HT).values_list(
        "user_id", flat=True
    )
    notify(list(principals), title=_("Đề nghị thanh lý sách chờ duyệt"), body=reason, url="")
    return weeding


@transaction.atomic
def weeding_decide(*, actor: Any, weeding: Weeding, approve: bool, ip: str = "") -> Weeding:
    """The principal approves (the copies leave the stock, Phần II of the sổ tổng quát) or
    refuses."""
    weeding = Weeding.objects.select_for_update().get(pk=weeding.pk)
    if not can(actor, "library.weeding.decide", weeding):
        raise NotAllowed(_("Chỉ hiệu trưởng duyệt đề nghị thanh lý đang chờ."))
    now = timezone.now()
    weeding.state = "approved" if approve else "refused"
    weeding.decided_by = actor
    weeding.decided_at = now
    weeding.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        copies = weeding.copies.all()
        if copies.filter(status=CopyStatus.ON_LOAN).exists():
            raise Conflict(_("Có bản đang cho mượn; hãy nhận trả trước khi thanh lý."))
        copies.update(
            status=CopyStatus.WEEDED,
            removed_on=timezone.localdate(now),
            removal_ref=f"Thanh lý số {weeding.pk}",  # printed in the register: stays Vietnamese
        )
        school_figures_touch([weeding.school_id])  # the dashboard's library figures
    audit_log(
        "library.weeding.decided",
        actor=actor,
        obj=weeding,
        unit_id=weeding.school_id,
        ip=ip,
        data={"approved": approve},
    )
    return weeding
