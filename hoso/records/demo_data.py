"""Demo records for the demo province: the due items of the year, and the last five weeks of
lesson plans (kế hoạch bài dạy) and monthly plans — on time, late, missing, returned with a
comment, waiting for review, approved — plus a school plan waiting for the principal's
signature. Real small PDFs (reportlab); identical files are rendered once and everything is
indexed in one commit, so the step stays fast."""

from __future__ import annotations

import datetime as dt
import io
import random
from functools import cache
from typing import Any

from django.conf import settings

from hoso.core.scheduling import Job, collected
from hoso.records import search_index, selectors
from hoso.records.catalogue import load_catalogue
from hoso.records.models import (
    Comment,
    DueItem,
    Record,
    RecordEvent,
    RecordType,
    RecordVersion,
    Workflow,
)
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services import deadlines, renditions, versions, workflow
from hoso.records.services.signing import version_sign
from hoso.records.services.summary import due_summary_touch

SCHOOLS = ("th1", "thcs1", "mn1", "th2")
PERIODIC_TYPE = {
    "th1": "TT28.KHBD",
    "th2": "TT28.KHBD",
    "thcs1": "TT32.KHBD",
    "mn1": "TT52.KHNDCSGD",
}
# th1.giaovien1 sees every case on their page, week by week (oldest first).
# How far back records are played: th1 in full, the other schools more briefly (speed).
DAYS_BACK = {"th1": 35, "thcs1": 14, "th2": 14, "mn1": 40}
SCRIPTED = {"th1.giaovien1": ["late", "approved", "returned", "pending", "missing"]}
# The kindergarten's monthly plans fall due once a month: the last one already due is left
# to do (not sent, or saved but not sent), so the mầm non teachers have work today too.
LATEST = {
    "mn1.giaovien1": "missing",
    "mn1.giaovien2": "draft",
    "mn1.giaovien3": "missing",
    "mn1.giaovien4": "draft",
}
RETURN_COMMENTS = [
    "Phần mục tiêu bài học chưa ghi rõ năng lực cần đạt; đề nghị bổ sung.",
    "Thiếu hoạt động vận dụng; thời lượng các hoạt động chưa hợp lý.",
    "Đề nghị ghi rõ thiết bị dạy học và học liệu sử dụng.",
]
SUBJECTS = [
    "Toán",
    "Tiếng Việt",
    "Tự nhiên và Xã hội",
    "Đạo đức",
    "Hoạt động trải nghiệm",
    "Ngữ văn",
]


def _outcome(rng: random.Random) -> str:
    roll = rng.random()
    for limit, outcome in (
        (0.12, "missing"),
        (0.17, "draft"),
        (0.27, "pending"),
        (0.35, "returned"),
        (0.47, "late"),
    ):
        if roll < limit:
            return outcome
    return "approved"


@cache
def _pdf(type_name: str, slot: int) -> bytes:
    subject = SUBJECTS[slot % len(SUBJECTS)]
    lines = [
        f"Môn học: {subject}",
        "I. Yêu cầu cần đạt",
        "II. Đồ dùng dạy học",
        "III. Các hoạt động",
    ]
    return simple_pdf(f"{type_name} — môn {subject}", lines)


def _backdate(record: Record, when: dt.datetime) -> None:
    Record.objects.filter(pk=record.pk).update(first_submitted_at=when, updated_at=when)
    DueItem.objects.filter(record=record).update(submitted_at=when)
    due_summary_touch([record.school_id])
    RecordVersion.objects.filter(record=record).update(uploaded_at=when - dt.timedelta(hours=2))
    RecordEvent.objects.filter(record=record).update(at=when)
    Workflow.objects.filter(record=record).update(opened_at=when)


def _backdate_review(record: Record, when: dt.datetime) -> None:
    """The review happened a day or two after the due time, not today (issue times stay: an
    issued version never changes, not even for the demo)."""
    Record.objects.filter(pk=record.pk).update(updated_at=when)
    reviewed = RecordEvent.objects.filter(record=record).exclude(actor_id=record.owner_id)
    reviewed.update(at=when)
    Comment.objects.filter(version__record=record).update(created_at=when)
    Workflow.objects.filter(record=record, is_open=False).update(closed_at=when)


def _reviewer(record: Record, users: dict[str, Any]) -> Any:
    flow = Workflow.objects.select_related("record__unit").get(record=record, is_open=True)
    people = workflow.pending_people(flow)
    by_id = {u.pk: u for u in users.values()}
    return by_id[people[0]] if people and people[0] in by_id else None


def _play(
    item: DueItem, outcome: str, users: dict[str, Any], rng: random.Random, now: dt.datetime
) -> None:
    """`now` is the demo's now: nothing is submitted or reviewed after it (an item due next
    week that would be "late" is simply not in yet)."""
    if outcome == "missing":
        return
    late = outcome == "late"
    if outcome != "draft":
        hours = rng.randint(3, 40)
        submitted = item.effective_due_at + dt.timedelta(hours=hours if late else -hours)
        if submitted > now:
            return
    owner = item.owner
    upload = versions.Upload(io.BytesIO(_pdf(item.record_type.name, item.pk % 3)), "ke-hoach.pdf")
    version = versions.record_upload(
        actor=owner, record_type=item.record_type, upload=upload, period_key=item.period_key
    )
    if outcome == "draft":
        return
    record = _submit(owner, version.record_id)
    _backdate(record, submitted)
    reviewer = _reviewer(record, users) if outcome != "pending" else None
    if reviewer is None:
        return
    comment = rng.choice(RETURN_COMMENTS) if outcome == "returned" else ""
    reviewed = item.effective_due_at + dt.timedelta(hours=rng.randint(26, 60))
    if reviewed > now:  # the tổ trưởng has not got to it yet
        return
    if outcome == "returned":
        workflow.record_return(actor=reviewer, record_id=record.pk, comment=comment)
    elif item.record_type.author_signs:  # the group leader's ký duyệt
        version_sign(actor=reviewer, record_id=record.pk, passphrase=settings.DEMO_PASSWORD)
    else:
        workflow.record_approve(actor=reviewer, record_id=record.pk)
    _backdate_review(record, reviewed)


def _submit(owner: Any, record_id: int) -> Record:
    """ "Ký và trình" with the demo certificate where the author signs; else "Trình duyệt"."""
    record = Record.objects.select_related("record_type").get(pk=record_id)
    if record.record_type.author_signs:
        return workflow.record_sign_and_submit(
            actor=owner, record_id=record_id, passphrase=settings.DEMO_PASSWORD
        )
    return workflow.record_submit(actor=owner, record_id=record_id)


def _recent_items(province: Any, key: str, ref: dt.datetime) -> list[DueItem]:
    return list(
        DueItem.objects.filter(
            school=province.units[key],
            record_type__code=PERIODIC_TYPE[key],
            effective_due_at__gte=ref - dt.timedelta(days=DAYS_BACK[key]),
            effective_due_at__lte=ref + dt.timedelta(days=7),
            owner__isnull=False,
        )
        .select_related("owner", "record_type")
        .order_by("owner_id", "effective_due_at")
    )


def _school_plan(province: Any) -> None:
    """th1's school plan: approved by the vice-principal, waiting for the principal to sign."""
    users = province.users
    record_type = RecordType.objects.get(code="TT28.KHGDNT")
    pdf = simple_pdf("Kế hoạch giáo dục nhà trường năm học " + province.year.name, SUBJECTS)
    version = versions.record_upload(
        actor=users["th1.vanthu"],
        record_type=record_type,
        upload=versions.Upload(io.BytesIO(pdf), "ke-hoach-giao-duc-nha-truong.pdf"),
    )
    workflow.record_submit(actor=users["th1.vanthu"], record_id=version.record_id)
    workflow.record_approve(actor=users["th1.phohieutruong"], record_id=version.record_id)


def demo_records(province: Any) -> None:
    rng = random.Random(2025)
    if not RecordType.objects.filter(owner_unit__isnull=True).exists():
        load_catalogue(RecordType)  # a flushed database (transactional tests) lost migration data
    schools = [province.units[key] for key in SCHOOLS]
    names: dict[int | None, str] = {user.pk: name for name, user in province.users.items()}
    with collected() as jobs:
        deadlines.due_items_generate(school_year=province.year, schools=schools)
        ref = selectors.reference_time(province.now)
        for key in SCHOOLS:
            by_owner: dict[int | None, int] = {}
            items = _recent_items(province, key, ref)
            last_due = {i.owner_id: i.pk for i in items if i.effective_due_at <= province.now}
            for item in items:
                index = by_owner[item.owner_id] = by_owner.get(item.owner_id, -1) + 1
                name = names.get(item.owner_id, "")
                script = SCRIPTED.get(name)
                outcome = script[index % len(script)] if script else _outcome(rng)
                if name in LATEST and last_due.get(item.owner_id) == item.pk:
                    outcome = LATEST[name]
                _play(item, outcome, province.users, rng, province.now)
        _school_plan(province)
    run_collected(jobs)


def demo_homeroom_due_items(province: Any) -> None:
    """Due items of homeroom books (sổ chủ nhiệm), once the classes have their GVCN."""
    schools = [province.units[key] for key in SCHOOLS]
    deadlines.due_items_generate(school_year=province.year, schools=schools)


def run_collected(jobs: list[Job]) -> None:
    """Render each collected version (identical files once), then index all records in one go;
    e-mails of the demo are dropped."""
    from hoso.records import tasks

    record_ids: set[int] = set()
    for task, args in jobs:
        if task is tasks.render_version:
            renditions.version_render(version_id=args[0], index=False)
            record_ids.update(
                RecordVersion.objects.filter(pk=args[0]).values_list("record_id", flat=True)
            )
        elif task is tasks.index_record:
            record_ids.add(args[0])
    search_index.records_index(sorted(record_ids))
