"""Record types a Sở (or a Phòng the Sở allows) defines or adapts for the schools below it
(issue 18 item 8): where they apply, from which date, what stays as it was, who is refused,
and bad input that saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.org.models import Role, SchoolYear
from hoso.org.services import role_assign
from hoso.policy import visible
from hoso.records.models import DueItem, Record, RecordType, RecordVersion
from hoso.records.selectors import types_for_upload
from hoso.records.selectors_applies import applicable_types, type_in_force
from hoso.records.selectors_types import office_type_rows
from hoso.records.services.deadlines import due_items_generate
from hoso.records.services.office_types import (
    office_type_adapt,
    office_type_create,
    office_type_retire,
    office_types_retire_reached,
    type_delegation_set,
)
from hoso.records.tests.factories import fields, offices_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def _today() -> dt.date:
    return timezone.localdate()


def _counts() -> tuple[int, int]:
    return RecordType.objects.count(), AuditEntry.objects.count()


def _khbd() -> RecordType:
    return RecordType.objects.get(code="TT28.KHBD")


def test_a_so_type_applies_to_the_schools_below_it_and_nowhere_else():
    a, b = offices_world()
    added = office_type_create(
        actor=a.people["so"], unit=a.units["so"], fields=fields(), effective_from=_today()
    )
    assert added.code == "a-SO.LHS01"
    assert added.owner_unit == a.units["so"] and added.optional is False
    assert added in applicable_types(a.units["school"])
    assert added in applicable_types(a.units["school2"])
    assert added not in applicable_types(b.units["school"])
    assert added in types_for_upload(a.people["vanthu"])
    assert added not in types_for_upload(b.people["vanthu"])
    listed = visible(b.people["hieutruong"], "records.type.view", RecordType.objects.all())
    assert not listed.filter(pk=added.pk).exists()
    assert (
        visible(a.people["giaovien"], "records.type.view", RecordType.objects.all())
        .filter(pk=added.pk)
        .exists()
    )
    entry = AuditEntry.objects.filter(action="records.type.defined").latest("seq")
    assert entry.unit_id == a.units["so"].pk and entry.payload["name"] == added.name


def test_a_type_that_starts_later_is_not_offered_before_its_date():
    a, _ = offices_world()
    later = _today() + dt.timedelta(days=10)
    added = office_type_create(
        actor=a.people["so"], unit=a.units["so"], fields=fields(), effective_from=later
    )
    assert added not in applicable_types(a.units["school"])
    assert added in applicable_types(a.units["school"], later)


def _issued_record(world, record_type: RecordType) -> Record:
    teacher = world.people["giaovien"]
    record = Record.objects.create(
        record_type=record_type,
        unit=world.units["to"],
        school=world.units["school"],
        school_year=world.year,
        owner=teacher,
        title="Kế hoạch bài dạy tuần 1",
        period_key="W01",
        state="issued",
    )
    RecordVersion.objects.create(
        record=record,
        number=1,
        original_sha256="a" * 64,
        size=10,
        filename="khbd.pdf",
        kind="pdf",
        uploaded_by=teacher,
        uploaded_at=timezone.now(),
        issued_at=timezone.now(),
    )
    return record


def test_an_adaptation_applies_from_its_date_and_leaves_earlier_records_as_they_were():
    a, b = offices_world()
    base = _khbd()
    before = {f: getattr(base, f) for f in ("name", "retention_years", "formats", "due_rule")}
    record = _issued_record(a, base)
    start = _today() + dt.timedelta(days=14)
    adapted = office_type_adapt(
        actor=a.people["so"],
        unit=a.units["so"],
        base=base,
        fields={"name": "Kế hoạch bài dạy (mẫu của Sở)", "retention_years": 10},
        effective_from=start,
    )
    assert adapted.adapts == base and adapted.effective_from == start
    assert adapted.keeper == base.keeper and adapted.period == base.period
    assert adapted.signing_chain == base.signing_chain  # the chain in force at the Sở
    school = a.units["school"]
    assert base in applicable_types(school) and adapted not in applicable_types(school)
    assert adapted in applicable_types(school, start) and base not in applicable_types(
        school, start
    )
    assert base in applicable_types(b.units["school"], start)
    base.refresh_from_db()
    assert {f: getattr(base, f) for f in before} == before
    record.refresh_from_db()
    version = record.versions.get()
    assert record.record_type_id == base.pk and record.title == "Kế hoạch bài dạy tuần 1"
    assert version.issued_at is not None and version.original_sha256 == "a" * 64


def test_from_the_date_new_records_are_of_the_adaptation():
    a, _ = offices_world()
    base = _khbd()
    adapted = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=base, fields={}, effective_from=_today()
    )
    assert not type_in_force(base, a.units["school"])
    assert type_in_force(adapted, a.units["school"])
    assert adapted in types_for_upload(a.people["giaovien"])
    assert base not in types_for_upload(a.people["giaovien"])


def test_a_replaced_homeroom_book_is_not_made_through_any_door():
    """The upload form and the API both place a new homeroom book through record_unit_for:
    once the Sở's adaptation is in force, the catalogue's edition finds no class."""
    from hoso.grading.models import Homeroom
    from hoso.records.services.versions import record_unit_for

    a, _ = offices_world()
    teacher, lop = a.people["giaovien"], a.units["lop"]
    Homeroom.objects.create(teacher=teacher, school_class=lop, school_year=a.year)
    base = RecordType.objects.get(code="TT28.SCN")
    assert record_unit_for(teacher, base) == lop
    adapted = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=base, fields={}, effective_from=_today()
    )
    assert record_unit_for(teacher, adapted) == lop
    with pytest.raises(NotAllowed, match="không chủ nhiệm lớp nào"):
        record_unit_for(teacher, base)
    with pytest.raises(NotAllowed):
        record_unit_for(teacher, base, lop.pk)


def test_a_new_type_s_due_items_are_owed_as_soon_as_it_is_saved(
    django_capture_on_commit_callbacks,
):
    a, b = offices_world()
    year = _next_year()  # the school year around today
    role_assign(
        actor=None,
        user=a.people["hieutruong"],
        role=Role.HT,
        unit=a.units["school"],
        school_year=year,
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = office_type_create(
            actor=a.people["so"], unit=a.units["so"], fields=fields(), effective_from=_today()
        )
        assert not DueItem.objects.filter(record_type=made).exists()  # not before the commit
        SchoolYear.objects.exclude(pk=year.pk).update(is_current=False)
        SchoolYear.objects.filter(pk=year.pk).update(is_current=True)
    owed = DueItem.objects.filter(record_type=made, school_year=year)
    assert owed.filter(school=a.units["school"], owner=a.people["hieutruong"]).count() == 1
    assert not owed.filter(school=b.units["school"]).exists()


def _next_year() -> SchoolYear:
    """A school year around today, so due items lie both before and after a date to come."""
    today = _today()
    first = today.year if today.month >= 9 else today.year - 1
    year, _ = SchoolYear.objects.get_or_create(
        name=f"{first}-{first + 1}",
        defaults={
            "start_date": dt.date(first, 9, 5),
            "end_date": dt.date(first + 1, 5, 31),
            "term1_end": dt.date(first + 1, 1, 17),
        },
    )
    return year


def test_due_items_follow_the_edition_in_force_on_their_due_day():
    a, _ = offices_world()
    base, year, school = _khbd(), _next_year(), a.units["school"]
    role_assign(
        actor=None, user=a.people["giaovien"], role=Role.GV, unit=a.units["to"], school_year=year
    )
    due_items_generate(school_year=year, schools=[school])
    start = _today() + dt.timedelta(days=21)
    adapted = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=base, fields={}, effective_from=start
    )
    due_items_generate(school_year=year, schools=[school])
    items = DueItem.objects.filter(school=school, school_year=year, record_type__in=[base, adapted])
    for item in items:
        day = timezone.localtime(item.due_at).date()
        expected = adapted if day >= start else base
        assert item.record_type_id == expected.pk, (item.period_key, day)
    assert items.filter(record_type=adapted).exists() and items.filter(record_type=base).exists()
    # Retired: the catalogue type owes again from the next generation, the adaptation's open
    # future items are gone.
    office_type_retire(actor=a.people["so"], record_type=adapted)
    assert not DueItem.objects.filter(record_type=adapted, due_at__gte=timezone.now()).exists()
    due_items_generate(school_year=year, schools=[school])
    assert base in applicable_types(school, start)
    later = DueItem.objects.filter(school=school, school_year=year, record_type=base)
    assert later.filter(due_at__date__gte=start).exists()


def test_retiring_from_a_later_day_keeps_the_edition_until_then():
    a, _ = offices_world()
    base, year, school = _khbd(), _next_year(), a.units["school"]
    role_assign(
        actor=None, user=a.people["giaovien"], role=Role.GV, unit=a.units["to"], school_year=year
    )
    adapted = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=base, fields={}, effective_from=_today()
    )
    due_items_generate(school_year=year, schools=[school])
    stop = _today() + dt.timedelta(days=28)
    retired = office_type_retire(actor=a.people["so"], record_type=adapted, retire_from=stop)
    assert retired.is_active and retired.retired_from == stop
    # until the day the adaptation stays in force, from it the catalogue type applies again
    assert adapted in applicable_types(school) and type_in_force(adapted, school)
    assert adapted not in applicable_types(school, stop) and base in applicable_types(school, stop)
    rows = {row.record_type.pk: row.state for row in office_type_rows(a.units["so"])}
    assert rows[adapted.pk] == "until"
    due_items_generate(school_year=year, schools=[school])
    items = DueItem.objects.filter(school=school, school_year=year, record_type__in=[base, adapted])
    for item in items.filter(due_at__gte=timezone.now()):
        day = timezone.localtime(item.due_at).date()
        assert item.record_type_id == (base.pk if day >= stop else adapted.pk), day
    assert items.filter(record_type=base, due_at__date__gte=stop).exists()
    # a second retirement, or an adaptation of a type about to stop, is refused
    with pytest.raises(Conflict):
        office_type_retire(actor=a.people["so"], record_type=adapted)
    with pytest.raises(Conflict):
        office_type_adapt(
            actor=a.people["so"], unit=a.units["so"], base=adapted, fields={}, effective_from=stop
        )
    # the nightly run marks it inactive once its day has come
    assert office_types_retire_reached(stop - dt.timedelta(days=1)) == 0
    assert office_types_retire_reached(stop) == 1
    adapted.refresh_from_db()
    assert not adapted.is_active
    audit = AuditEntry.objects.filter(action="records.type.retired").latest("pk")
    assert audit.payload["retire_from"] == stop.isoformat()


def test_a_retirement_day_in_the_past_or_before_the_start_is_refused():
    a, _ = offices_world()
    start = _today() + dt.timedelta(days=10)
    adapted = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=_khbd(), fields={}, effective_from=start
    )
    counts = _counts()
    for day in (_today() - dt.timedelta(days=1), start, "không phải ngày"):
        with pytest.raises(DomainError) as refused:
            office_type_retire(actor=a.people["so"], record_type=adapted, retire_from=day)
        assert "retire_from" in refused.value.fields
    assert _counts() == counts
    adapted.refresh_from_db()
    assert adapted.is_active and adapted.retired_from is None


def test_a_phong_without_the_so_s_permission_is_refused_and_nothing_is_saved():
    a, _ = offices_world()
    counts = _counts()
    with pytest.raises(NotAllowed) as refused:
        office_type_create(
            actor=a.people["chuyenvien"],
            unit=a.units["phong"],
            fields=fields(),
            effective_from=_today(),
        )
    assert "Sở GDĐT chưa cho phép" in refused.value.message
    with pytest.raises(NotAllowed):
        office_type_adapt(
            actor=a.people["chuyenvien"],
            unit=a.units["phong"],
            base=_khbd(),
            fields={},
            effective_from=_today(),
        )
    assert _counts() == counts


def test_once_the_so_allows_it_a_phong_defines_types_for_its_own_schools_only():
    a, _ = offices_world()
    with pytest.raises(NotAllowed):
        type_delegation_set(actor=a.people["chuyenvien"], unit=a.units["so"], allow_phong=True)
    type_delegation_set(actor=a.people["so"], unit=a.units["so"], allow_phong=True)
    added = office_type_create(
        actor=a.people["chuyenvien"],
        unit=a.units["phong"],
        fields=fields(name="Sổ theo dõi của Phòng"),
        effective_from=_today(),
    )
    assert added in applicable_types(a.units["school"])
    assert added not in applicable_types(a.units["school2"])
    # A Phòng's adaptation wins over the Sở's for its own schools.
    base = _khbd()
    by_so = office_type_adapt(
        actor=a.people["so"], unit=a.units["so"], base=base, fields={}, effective_from=_today()
    )
    by_phong = office_type_adapt(
        actor=a.people["chuyenvien"],
        unit=a.units["phong"],
        base=by_so,
        fields={"name": "KHBD theo Phòng"},
        effective_from=_today(),
    )
    assert by_phong in applicable_types(a.units["school"])
    assert by_so in applicable_types(a.units["school2"])
    assert by_so not in applicable_types(a.units["school"])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "   "}, "name", "Hãy nhập tên loại hồ sơ."),
        ({"keeper": "HIEU_PHO"}, "keeper", "Người lưu giữ không hợp lệ"),
        ({"keeper": "OFFICE"}, "keeper", "Người lưu giữ không hợp lệ"),
        ({"period": "DAY"}, "period", "Kỳ không hợp lệ"),
        ({"levels": []}, "levels", "Hãy chọn ít nhất một cấp học."),
        ({"formats": ["exe"]}, "formats", "Định dạng không hợp lệ"),
        ({"due_rule": "week_monday_7"}, "due_rule", "Hạn nộp không hợp với kỳ"),
        ({"retention_years": "mười"}, "retention_years", "Thời hạn lưu trữ phải là một số"),
    ],
)
def test_bad_fields_are_named_in_vietnamese_and_nothing_is_saved(changes, field, words):
    a, _ = offices_world()
    counts = _counts()
    with pytest.raises(DomainError) as refused:
        office_type_create(
            actor=a.people["so"],
            unit=a.units["so"],
            fields=fields(**changes),
            effective_from=_today(),
        )
    assert words in refused.value.fields[field][0]
    assert refused.value.message.startswith("Loại hồ sơ chưa hợp lệ:")
    assert _counts() == counts


def test_retention_below_the_catalogue_minimum_is_refused():
    a, _ = offices_world()
    counts = _counts()
    with pytest.raises(DomainError) as refused:
        office_type_adapt(
            actor=a.people["so"],
            unit=a.units["so"],
            base=_khbd(),  # 5 years in the catalogue (TT 08)
            fields={"retention_years": 3},
            effective_from=_today(),
        )
    assert refused.value.fields["retention_years"] == [
        "Thời hạn lưu trữ không được ngắn hơn mức tối thiểu theo quy định (5 năm)."
    ]
    assert _counts() == counts


def test_a_past_date_a_type_of_another_province_and_another_office_are_refused():
    a, b = offices_world()
    theirs = office_type_create(
        actor=b.people["so"], unit=b.units["so"], fields=fields(), effective_from=_today()
    )
    counts = _counts()
    with pytest.raises(DomainError) as past:
        office_type_create(
            actor=a.people["so"],
            unit=a.units["so"],
            fields=fields(),
            effective_from=_today() - dt.timedelta(days=1),
        )
    assert "Ngày áp dụng không được trước hôm nay" in past.value.message
    with pytest.raises(DomainError) as outside:
        office_type_adapt(
            actor=a.people["so"],
            unit=a.units["so"],
            base=theirs,
            fields={},
            effective_from=_today(),
        )
    assert "không áp dụng cho các đơn vị thuộc quyền quản lý" in outside.value.message
    with pytest.raises(NotAllowed):
        office_type_create(
            actor=a.people["so"], unit=b.units["so"], fields=fields(), effective_from=_today()
        )
    with pytest.raises(NotAllowed):
        office_type_retire(actor=a.people["so"], record_type=theirs)
    assert _counts() == counts
    assert RecordType.objects.get(pk=theirs.pk).is_active


def test_an_office_changes_its_own_type_as_a_new_edition_and_retires_it():
    a, _ = offices_world()
    first = office_type_create(
        actor=a.people["so"], unit=a.units["so"], fields=fields(), effective_from=_today()
    )
    with pytest.raises(DomainError) as same_day:
        office_type_adapt(
            actor=a.people["so"], unit=a.units["so"], base=first, fields={}, effective_from=_today()
        )
    assert "Ngày áp dụng phải sau" in same_day.value.message
    start = _today() + dt.timedelta(days=7)
    second = office_type_adapt(
        actor=a.people["so"],
        unit=a.units["so"],
        base=first,
        fields={"formats": ["pdf", "docx"]},
        effective_from=start,
    )
    with pytest.raises(Conflict):
        office_type_adapt(
            actor=a.people["so"], unit=a.units["so"], base=first, fields={}, effective_from=start
        )
    with pytest.raises(Conflict):
        office_type_retire(actor=a.people["so"], record_type=first)
    assert second.formats == ["pdf", "docx"] and second.name == first.name
    assert applicable_types(a.units["school"], start).count(second) == 1
    assert first not in applicable_types(a.units["school"], start)
    office_type_retire(actor=a.people["so"], record_type=second)
    assert first in applicable_types(a.units["school"], start)
    actions = list(
        AuditEntry.objects.filter(action__startswith="records.type.").values_list(
            "action", flat=True
        )
    )
    assert actions[-3:] == ["records.type.defined", "records.type.adapted", "records.type.retired"]


def test_the_record_types_api_lists_an_office_s_type_only_below_it(client):
    a, b = offices_world()
    added = office_type_create(
        actor=a.people["so"], unit=a.units["so"], fields=fields(), effective_from=_today()
    )
    for world, seen in ((a, True), (b, False)):
        client.force_login(world.people["giaovien"])
        codes: set[str] = set()
        url = "/api/v1/record-types/"
        while url:
            page = client.get(url).json()
            codes |= {row["code"] for row in page["results"]}
            url = page["next"]
        assert (added.code in codes) is seen
        assert "TT28.KHBD" in codes
