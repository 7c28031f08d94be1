"""Digital-transformation measures over HTTP, in a small province whose Sở has published the
demo's criteria set (its two primary schools submitted their sheets, its THCS school has
begun): the Sở writes a criteria set and publishes it, a principal fills and submits the
school's sheet with evidence, the Sở returns one, ranks and exports; refusals by guessed URLs;
bad input said in Vietnamese with nothing saved; the API's lists and objects."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.offices.models import Answer, CriteriaSet, Criterion, SchoolSheet, SetState, SheetState
from hoso.org.models import Unit
from hoso.records.pdfmaker import simple_pdf
from tests.factories import World, api_login, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings) -> World:
    """A province_world: the Sở, a Phòng with the school (primary) and a THCS school, a second
    Phòng with a primary school."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return province_world("dxf")


def client_for(world: World, key: str):
    return login(world.people[key])


def api_for(world: World, key: str):
    return api_login(world.people[key])


def _fill(cset: CriteriaSet, school: Unit, principal, values: dict[str, str], submit: bool):
    from hoso.offices.services.reports import FileIn
    from hoso.offices.transformation import services

    sheet = cset.sheets.get(school=school)
    for code, value in values.items():
        criterion = cset.criteria.get(code=code)
        evidence = simple_pdf(f"{criterion.code} {criterion.title}", ["Minh chứng tự đánh giá."])
        services.answer_save(
            actor=principal,
            sheet_id=sheet.pk,
            criterion_id=criterion.pk,
            value=value,
            upload=FileIn(evidence, "minh-chung.pdf"),
        )
    if submit:
        services.sheet_submit(actor=principal, sheet_id=sheet.pk)


@pytest.fixture
def published(world: World) -> CriteriaSet:
    """The demo's criteria set, published by the Sở through the services as the demo does:
    the two primary schools submitted their sheets, the THCS school has begun (2.2 only)."""
    from hoso.offices.transformation import services
    from hoso.offices.transformation.demo import CRITERIA
    from hoso.offices.transformation.services_figures import figures_refresh

    people, units = world.people, world.units
    today = timezone.localdate()
    cset = services.criteria_set_create(
        actor=people["so"],
        office=units["so"],
        title="Bộ chỉ số chuyển đổi số trường học",
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
        criteria=[services.CriterionIn(**c) for c in CRITERIA],
    )
    services.criteria_set_publish(actor=people["so"], set_id=cset.pk)
    _fill(cset, units["school"], people["hieutruong"], {"2.2": "85", "3.1": "2", "3.3": "1"}, True)
    _fill(
        cset,
        units["school2"],
        people["school2.hieutruong"],
        {"2.2": "60", "3.1": "3", "3.3": "1"},
        True,
    )
    _fill(cset, units["thcs"], people["thcs.hieutruong"], {"2.2": "70"}, False)
    figures_refresh(set_id=cset.pk)
    return cset


def _pdf() -> io.BytesIO:
    stream = io.BytesIO(simple_pdf("Minh chứng", ["Danh sách hoàn thành bồi dưỡng."]))
    stream.name = "minh-chung.pdf"
    return stream


def _new_set(client, **extra) -> CriteriaSet:
    today = timezone.localdate()
    data = {
        "title": "Chỉ số chuyển đổi số thử",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=10)).isoformat(),
        **extra,
    }
    response = client.post(reverse("offices:dx-set-new"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return CriteriaSet.objects.latest("pk")


def _add(client, cset, **values) -> object:
    return client.post(reverse("offices:dx-set-criteria", args=[cset.pk]), values)


def test_office_writes_publishes_and_the_criteria_freeze(world):
    so = client_for(world, "so")
    cset = _new_set(so, level="TH")
    assert cset.state == SetState.DRAFT and cset.office == world.units["so"]
    _add(
        so,
        cset,
        group="1",
        code="1.1",
        title="Hồ sơ đúng hạn",
        points="60",
        kind="auto",
        measure="records_on_time",
    )
    _add(
        so,
        cset,
        group="2",
        code="2.1",
        title="Kế hoạch",
        points="30",
        kind="entered",
        answer_kind="yesno",
    )
    # 90 points: publishing is refused, the page says why, nothing opened.
    response = so.post(reverse("offices:dx-set-publish", args=[cset.pk]), follow=True)
    assert "phải đúng 100 điểm" in response.content.decode()
    assert SchoolSheet.objects.filter(criteria_set=cset).count() == 0
    _add(
        so,
        cset,
        group="2",
        code="2.2",
        title="Bồi dưỡng",
        points="10",
        kind="entered",
        answer_kind="level",
        levels="4",
    )
    so.post(reverse("offices:dx-set-publish", args=[cset.pk]))
    cset.refresh_from_db()
    assert cset.state == SetState.OPEN
    primary = Unit.objects.filter(kind="TRUONG", level="TH", path__startswith=cset.office.path)
    assert set(cset.sheets.values_list("school_id", flat=True)) == set(
        primary.values_list("pk", flat=True)
    )
    # Frozen: adding or removing a criterion is refused; a copy is a new draft version.
    response = _add(
        so,
        cset,
        group="3",
        code="3.1",
        title="x",
        points="1",
        kind="auto",
        measure="records_signed",
    )
    assert cset.criteria.count() == 3
    so.post(reverse("offices:dx-set-copy", args=[cset.pk]))
    copy = CriteriaSet.objects.latest("pk")
    assert (copy.version, copy.state, copy.copied_from_id) == (2, SetState.DRAFT, cset.pk)
    assert list(copy.criteria.values_list("code", flat=True)) == ["1.1", "2.1", "2.2"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="offices.dx.").values_list("action", flat=True)
    )
    assert actions[-6:] == [
        "offices.dx.set.created",
        "offices.dx.criterion.added",
        "offices.dx.criterion.added",
        "offices.dx.criterion.added",
        "offices.dx.set.published",
        "offices.dx.set.copied",
    ]


def test_school_fills_submits_and_the_office_returns(world, published):
    cset = published
    sheet = cset.sheets.get(school=world.units["thcs"])  # the half-filled sheet
    principal = client_for(world, "thcs.hieutruong")
    entered = {c.code: c for c in cset.criteria.filter(kind="entered")}
    url = reverse("offices:dx-sheet", args=[sheet.pk])
    # Submitting with criteria missing: refused, naming them.
    response = principal.post(reverse("offices:dx-sheet-submit", args=[sheet.pk]), follow=True)
    assert "3.1, 3.3" in response.content.decode()
    principal.post(url, {"criterion": entered["3.1"].pk, "value": "2", "file": _pdf()})
    principal.post(url, {"criterion": entered["3.3"].pk, "value": "1", "file": _pdf()})
    principal.post(reverse("offices:dx-sheet-submit", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    # Locked: a change is refused while submitted.
    response = principal.post(url, {"criterion": entered["2.2"].pk, "value": "10"})
    assert response.status_code == 400 and "đã nộp phiếu" in response.content.decode()
    assert Answer.objects.get(sheet=sheet, criterion=entered["2.2"]).value == Decimal("70")
    # The school sees its breakdown: entered points now count (2.2: 70 % of 10 = 7).
    page = principal.get(url).content.decode()
    assert "7.00/10" in page or "7,00/10" in page
    # The Sở returns it with a reason; the school can change it again.
    so = client_for(world, "so")
    so.post(reverse("offices:dx-sheet-return", args=[sheet.pk]), {"comment": "Thiếu minh chứng"})
    sheet.refresh_from_db()
    assert (sheet.state, sheet.return_comment) == (SheetState.RETURNED, "Thiếu minh chứng")
    principal.post(url, {"criterion": entered["2.2"].pk, "value": "90"})
    assert Answer.objects.get(sheet=sheet, criterion=entered["2.2"]).value == Decimal("90")
    # The evidence file downloads (audited).
    before = AuditEntry.objects.count()
    response = so.get(reverse("offices:dx-evidence", args=[sheet.pk, entered["3.1"].pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.count() == before + 1


def test_ranking_drill_down_export_and_close(world, published):
    cset = published
    so = client_for(world, "so")
    page = so.get(reverse("offices:dx-set", args=[cset.pk])).content.decode()
    assert 'data-testid="dx-ranking"' in page
    phong1 = world.units["phong"]
    drilled = so.get(reverse("offices:dx-set", args=[cset.pk]) + f"?unit={phong1.pk}")
    names = {r.sheet.school.name for r in drilled.context["table"].rows}
    th2 = world.units["school2"].code
    assert names and th2 not in {r.sheet.school.code for r in drilled.context["table"].rows}
    assert all(r.sheet.school.path.startswith(phong1.path) for r in drilled.context["table"].rows)
    response = so.get(reverse("offices:dx-set-export", args=[cset.pk]))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Kết quả"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == cset.sheets.count()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # best first
    # Closing keeps a snapshot: later figures do not change the published ranking.
    so.post(reverse("offices:dx-set-close", args=[cset.pk]))
    cset.refresh_from_db()
    assert cset.state == SetState.CLOSED
    kept = {s.pk: (s.total, s.rank) for s in cset.sheets.all()}
    assert all(total is not None and rank for total, rank in kept.values())
    th1 = cset.sheets.get(school=world.units["school"])
    Answer.objects.filter(sheet=th1).update(value=Decimal("0"))
    table = so.get(reverse("offices:dx-set", args=[cset.pk])).context["table"]
    assert {r.sheet.pk: (r.total, r.rank) for r in table.rows} == kept


def test_a_school_sees_only_its_own_row_and_nobody_guesses_another_sheet(world, published):
    cset = published
    th2 = cset.sheets.get(school=world.units["school2"])
    th1_principal = client_for(world, "hieutruong")
    phong1 = client_for(world, "chuyenvien")  # signing in is audited: before counting
    table = th1_principal.get(reverse("offices:dx-set", args=[cset.pk])).context["table"]
    assert [r.sheet.school for r in table.rows] == [world.units["school"]]
    before = (Answer.objects.filter(sheet=th2).count(), th2.state, AuditEntry.objects.count())
    criterion = cset.criteria.filter(kind="entered").first()
    for url, data in (
        (reverse("offices:dx-sheet", args=[th2.pk]), None),
        (reverse("offices:dx-sheet", args=[th2.pk]), {"criterion": criterion.pk, "value": "1"}),
        (reverse("offices:dx-sheet-submit", args=[th2.pk]), {}),
        (reverse("offices:dx-evidence", args=[th2.pk, criterion.pk]), None),
    ):
        response = th1_principal.post(url, data) if data is not None else th1_principal.get(url)
        assert response.status_code == 404, url
    # A Phòng does not reach the schools of another Phòng, nor return a Sở's sheet.
    assert phong1.get(reverse("offices:dx-sheet", args=[th2.pk])).status_code == 404
    th1 = cset.sheets.get(school=world.units["school"])
    response = phong1.post(reverse("offices:dx-sheet-return", args=[th1.pk]), {"comment": "x"})
    assert response.status_code == 404
    th2.refresh_from_db()
    th1.refresh_from_db()
    assert (Answer.objects.filter(sheet=th2).count(), th2.state) == before[:2]
    assert th1.state == SheetState.SUBMITTED
    assert AuditEntry.objects.count() == before[2]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"points": "abc"}, "Điểm tối đa phải là một số"),
        ({"points": "0"}, "lớn hơn 0"),
        ({"points": "120"}, "không quá 100"),
        ({"kind": "auto", "measure": "khong-co"}, "chỉ số tự động trong danh sách"),
        ({"kind": "entered", "answer_kind": ""}, "cách trường ghi kết quả"),
        ({"kind": "entered", "answer_kind": "level", "levels": "1"}, "Số mức phải từ 2"),
        ({"code": "1.1"}, "đã có trong bộ"),
        ({"title": ""}, "Hãy nhập tên tiêu chí"),
    ],
)
def test_bad_criteria_are_refused_in_vietnamese(world, values, message):
    so = client_for(world, "so")
    cset = _new_set(so)
    _add(
        so,
        cset,
        group="1",
        code="1.1",
        title="Một",
        points="10",
        kind="auto",
        measure="records_signed",
    )
    base = {
        "group": "1",
        "code": "1.2",
        "title": "Hai",
        "points": "10",
        "kind": "auto",
        "measure": "records_signed",
    }
    response = _add(so, cset, **{**base, **values})
    shown = so.get(reverse("offices:dx-set", args=[cset.pk])).content.decode()
    assert response.status_code == 302 and message in shown
    assert list(cset.criteria.values_list("code", flat=True)) == ["1.1"]


def test_bad_answers_and_dates_are_refused_nothing_saved(world, published):
    cset = published
    sheet = cset.sheets.get(school=world.units["thcs"])
    entered = {c.code: c for c in cset.criteria.filter(kind="entered")}
    auto = cset.criteria.filter(kind="auto").first()
    principal = client_for(world, "thcs.hieutruong")
    url = reverse("offices:dx-sheet", args=[sheet.pk])
    before = (
        list(Answer.objects.filter(sheet=sheet).values_list("pk", "value")),
        AuditEntry.objects.count(),
    )
    for data, message in (
        ({"criterion": entered["2.2"].pk, "value": "101"}, "Tỉ lệ phải từ 0 đến 100"),
        ({"criterion": entered["2.2"].pk, "value": "nhiều"}, "Kết quả phải là một số"),
        ({"criterion": entered["3.1"].pk, "value": "4", "file": _pdf()}, "Mức phải là số nguyên"),
        ({"criterion": entered["3.3"].pk, "value": "2", "file": _pdf()}, "Chọn Có hoặc Không"),
        ({"criterion": entered["3.3"].pk, "value": "1"}, "Hãy kèm minh chứng"),
        ({"criterion": auto.pk, "value": "1"}, "được tính tự động"),
    ):
        response = principal.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), message
    bad_file = io.BytesIO(b"MZ\x90\x00 not a document")
    bad_file.name = "virus.exe"
    response = principal.post(url, {"criterion": entered["3.3"].pk, "value": "1", "file": bad_file})
    assert response.status_code == 400
    after = (
        list(Answer.objects.filter(sheet=sheet).values_list("pk", "value")),
        AuditEntry.objects.count(),
    )
    assert after == before
    # A set's dates: a close before the opening, a date that is not one.
    so = client_for(world, "so")
    count = CriteriaSet.objects.count()
    response = so.post(
        reverse("offices:dx-set-new"),
        {"title": "X", "opens_on": "2026-05-10", "closes_on": "2026-05-01"},
    )
    assert (
        response.status_code == 400 and "Hạn nộp phải từ ngày bắt đầu" in response.content.decode()
    )
    response = so.post(
        reverse("offices:dx-set-new"),
        {"title": "X", "opens_on": "31/02/2026", "closes_on": "2026-05-01"},
    )
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert CriteriaSet.objects.count() == count
    # The API answers the same with {"code", "message", "fields"}.
    api = api_for(world, "thcs.hieutruong")
    body = api.post(
        reverse("api-offices-dx-answers", args=[sheet.pk]),
        {"criterion": entered["2.2"].pk, "value": "150"},
        format="multipart",
    ).json()
    assert body["code"] == "invalid" and "Tỉ lệ phải từ 0 đến 100" in body["message"]
    assert "value" in body["fields"]


def test_api_create_publish_fill_scores(world):
    so = api_for(world, "so")
    today = timezone.localdate()
    body = {
        "title": "Chỉ số qua API",
        "level": "TH",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=5)).isoformat(),
        "criteria": [
            {
                "group": "1",
                "code": "1",
                "title": "Ký số",
                "points": "50",
                "kind": "auto",
                "measure": "records_signed",
            },
            {
                "group": "2",
                "code": "2",
                "title": "Kế hoạch",
                "points": "50",
                "kind": "entered",
                "answer_kind": "percent",
            },
        ],
    }
    response = so.post(reverse("api-offices-dx-sets"), body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert [c["code"] for c in response.json()["criteria"]] == ["1", "2"]
    assert so.post(reverse("api-offices-dx-publish", args=[pk])).json()["state"] == "open"
    sheet = SchoolSheet.objects.get(criteria_set_id=pk, school=world.units["school"])
    principal = api_for(world, "hieutruong")
    criterion = Criterion.objects.get(criteria_set_id=pk, code="2")
    stream = _pdf()
    answered = principal.post(
        reverse("api-offices-dx-answers", args=[sheet.pk]),
        {"criterion": criterion.pk, "value": "80", "file": stream},
        format="multipart",
    )
    assert answered.status_code == 200, answered.json()
    line = [x for x in answered.json()["lines"] if x["code"] == "2"][0]
    assert (line["value"], line["points"], line["counted"]) == ("80.00", "0.00", False)
    assert principal.post(reverse("api-offices-dx-submit", args=[sheet.pk])).status_code == 200
    scores = so.get(reverse("api-offices-dx-scores", args=[pk])).json()
    mine = [row for row in scores if row["sheet"] == sheet.pk][0]
    assert Decimal(mine["total"]) >= Decimal("40.00")
    assert [row["rank"] for row in scores] == sorted(row["rank"] for row in scores)
    listed = {
        row["id"] for row in principal.get(reverse("api-offices-dx-sheets")).json()["results"]
    }
    assert listed == set(
        SchoolSheet.objects.filter(school=world.units["school"]).values_list("pk", flat=True)
    )
