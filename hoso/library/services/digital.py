"""The digital library (thư viện số): resources stored by SHA-256 in the records' blob store,
shared by a unit with every unit below it once published.

Flows: a school's thủ thư or principal, a Phòng's or the Sở's chuyên viên adds a resource to
their unit's collection (published at once); a teacher proposes a learning material, the tổ
trưởng of their group vets it (published to the school, or rejected); a unit's manager may
propose a published resource up to the unit above, whose manager accepts it into their
collection (then shared with everything below it) or declines."""

from __future__ import annotations

import io
from typing import IO, Any

import filetype
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.library.catalog import search_text
from hoso.library.models import DigitalResource, ResourceFormat, ResourceState
from hoso.org.models import Role, Unit, UnitKind
from hoso.policy import can
from hoso.policy.grants import grants_for
from hoso.storage import blob_store

MAX_BYTES = 200 * 1024 * 1024
# What each format may hold (sniffed from the content, never from the name).
MIMES = {
    ResourceFormat.PDF: {"application/pdf"},
    ResourceFormat.EPUB: {"application/epub+zip"},
    ResourceFormat.AUDIO: {"audio/mpeg", "audio/ogg", "audio/x-wav", "audio/mp4", "audio/x-m4a"},
    ResourceFormat.VIDEO: {"video/mp4", "video/webm", "video/ogg"},
}


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    title = " ".join(str(meta.get("title") or "").split())[:400]
    if not title:
        raise DomainError(_("Thiếu nhan đề."), fields={"title": [_("Cần nhập nhan đề.")]})
    fmt = str(meta.get("fmt") or "")
    if fmt not in ResourceFormat.values:
        raise DomainError(_("Định dạng không hợp lệ (PDF, EPUB, âm thanh, video, liên kết)."))
    grade_raw = str(meta.get("grade") or "").strip()
    if grade_raw and not (grade_raw.isdigit() and 1 <= int(grade_raw) <= 12):
        raise DomainError(_("Lớp phải từ 1 đến 12."))
    return {
        "title": title,
        "authors": " ".join(str(meta.get("authors") or "").split())[:400],
        "subject": " ".join(str(meta.get("subject") or "").split())[:200],
        "grade": int(grade_raw) if grade_raw else None,
        "fmt": fmt,
    }


def _content(fmt: str, stream: IO[bytes] | None, url: str) -> dict[str, Any]:
    """Store the file (content-addressed) or check the link."""
    if fmt == ResourceFormat.LINK:
        url = url.strip()
        if not url.startswith(("https://", "http://")) or len(url) > 500:
            raise DomainError(_("Liên kết phải bắt đầu bằng https:// (tối đa 500 ký tự)."))
        return {"url": url}
    if stream is None:
        raise DomainError(_("Hãy chọn tệp tài liệu."))
    head = stream.read(8192)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if fmt == ResourceFormat.EPUB and mime == "application/zip":
        mime = "application/epub+zip"  # an EPUB is a zip whose first entry says so
    if mime not in MIMES[ResourceFormat(fmt)]:
        raise DomainError(
            _("Tệp không phải %(label)s (nhận diện: %(value)s).")
            % {"label": ResourceFormat(fmt).label, "value": mime or _("không rõ")}
        )

    body = io.BytesIO(head + stream.read(MAX_BYTES + 1 - len(head)))
    if len(body.getvalue()) > MAX_BYTES:
        raise DomainError(_("Tệp lớn quá 200 MB."))
    ref = blob_store().put(body)
    return {"sha256": ref.sha256, "size": ref.size, "mime": mime}


def _search(fields: dict[str, Any]) -> str:
    return search_text(fields["title"], fields["authors"], fields["subject"])


@transaction.atomic
def resource_add(
    *,
    actor: Any,
    unit: Unit,
    meta: dict[str, Any],
    stream: IO[bytes] | None = None,
    url: str = "",
    ip: str = "",
) -> DigitalResource:
    if not can(actor, "library.digital.manage", unit):
        raise NotAllowed(_("Bạn không quản lý kho học liệu số của đơn vị này."))
    fields = _clean(meta)
    resource = DigitalResource.objects.create(
        owner_unit=unit,
        school=unit if unit.kind == UnitKind.TRUONG else None,
        state=ResourceState.PUBLISHED,
        proposed_by=actor,
        vetted_by=actor,
        search_text=_search(fields),
        **fields,
        **_content(fields["fmt"], stream, url),
    )
    audit_log("library.digital.added", actor=actor, obj=resource, unit_id=unit.pk, ip=ip)
    return resource


def _group_of(actor: Any, school: Unit) -> Unit:
    grants = grants_for(actor)
    units = [
        g.unit_id
        for g in grants.items
        if g.role in (Role.GV, Role.TTCM) and g.school_id == school.pk
    ]
    group = Unit.objects.filter(pk__in=units, kind=UnitKind.TO).order_by("path").first()
    if group is None:
        raise DomainError(_("Bạn chưa thuộc tổ chuyên môn nào của trường để đề xuất học liệu."))
    return group


@transaction.atomic
def resource_propose(
    *,
    actor: Any,
    school: Unit,
    meta: dict[str, Any],
    stream: IO[bytes] | None = None,
    url: str = "",
    ip: str = "",
) -> DigitalResource:
    """A teacher proposes a learning material; the tổ trưởng of their group vets it."""
    if not can(actor, "library.digital.propose", school):
        raise NotAllowed(_("Bạn không thuộc trường này."))
    group = _group_of(actor, school)
    fields = _clean(meta)
    resource = DigitalResource.objects.create(
        owner_unit=school,
        school=school,
        group=group,
        state=ResourceState.PROPOSED,
        proposed_by=actor,
        search_text=_search(fields),
        **fields,
        **_content(fields["fmt"], stream, url),
    )
    audit_log("library.digital.proposed", actor=actor, obj=resource, unit_id=school.pk, ip=ip)
    from hoso.org.models import RoleAssignment
    from hoso.records.notify import notify

    leaders = RoleAssignment.objects.filter(unit=group, role=Role.TTCM).values_list(
        "user_id", flat=True
    )
    notify(
        list(leaders),
        title=_("Học liệu chờ tổ duyệt: %(title)s") % {"title": resource.title},
        url="",
    )
    return resource


@transaction.atomic
def resource_vet(
    *, actor: Any, resource: DigitalResource, approve: bool, ip: str = ""
) -> DigitalResource:
    """The tổ trưởng's decision, or the upper unit's on a resource proposed up to it."""
    resource = DigitalResource.objects.select_for_update().get(pk=resource.pk)
    if not can(actor, "library.digital.vet", resource):
        raise NotAllowed(_("Bạn không duyệt được học liệu này."))
    if resource.state == ResourceState.PROPOSED:
        resource.state = ResourceState.PUBLISHED if approve else ResourceState.REJECTED
        resource.vetted_by = actor
        fields = ["state", "vetted_by"]
    else:  # proposed up: accepted into the upper unit's collection, or left where it was
        if approve and resource.up_to is not None:
            resource.owner_unit = resource.up_to
        resource.state = ResourceState.PUBLISHED
        resource.up_to = None
        fields = ["state", "owner_unit", "up_to"]
    resource.save(update_fields=fields)
    audit_log(
        "library.digital.vetted",
        actor=actor,
        obj=resource,
        unit_id=resource.owner_unit_id,
        ip=ip,
        data={"approved": approve},
    )
    return resource


@transaction.atomic
def resource_propose_up(*, actor: Any, resource: DigitalResource, ip: str = "") -> DigitalResource:
    resource = (
        DigitalResource.objects.select_for_update().select_related("owner_unit").get(pk=resource.pk)
    )
    owner = resource.owner_unit
    if not can(actor, "library.digital.manage", owner):
        raise NotAllowed(_("Chỉ người quản lý kho của đơn vị mới đề xuất lên cấp trên."))
    if resource.state != ResourceState.PUBLISHED:
        raise Conflict(_("Chỉ đề xuất lên cấp trên tài liệu đã công bố."))
    parent = owner.parent
    if parent is None or parent.kind not in (UnitKind.PHONG, UnitKind.SO):
        raise Conflict(_("Đơn vị này không có cấp trên nhận tài liệu."))
    resource.state = ResourceState.PROPOSED_UP
    resource.up_to = parent
    resource.save(update_fields=["state", "up_to"])
    audit_log(
        "library.digital.proposed_up",
        actor=actor,
        obj=resource,
        unit_id=owner.pk,
        ip=ip,
        data={"to": parent.pk},
    )
    return resource


@transaction.atomic
def resource_opened(*, actor: Any, resource: DigitalResource, inline: bool, ip: str = "") -> None:
    DigitalResource.objects.filter(pk=resource.pk).update(opens=F("opens") + 1)
    audit_log(
        "library.digital.viewed" if inline else "library.digital.downloaded",
        actor=actor,
        obj=resource,
        unit_id=resource.owner_unit_id,
        ip=ip,
        data={"sha256": resource.sha256},
    )
