"""Evidence for accreditation (minh chứng kiểm định): the criteria data, tagging from the record
page and the API, the school's page, its Excel and zip exports, and bad input refused in
Vietnamese with nothing saved. The school is a primary school (TT 17/2018) beside a THCS and a
mầm non school; what the demo tagged is test_demo_evidence.py's."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.org.models import Role, UnitKind
from hoso.records.evidence.criteria import normalize_code, standard, standard_for_level
from hoso.records.evidence.exports import file_of
from hoso.records.models import EvidenceTag, Record
from hoso.storage import blob_store
from tests.factories import (
    RecordFactory,
    UnitFactory,
    UserFactory,
    World,
    api_login,
    grant,
    login,
    province_world,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
OWNER = "giaovien"


@pytest.fixture
def world(settings: Any) -> World:
    """A province_world and a mầm non school under its first Phòng, each school with a
    submitted record: the school's teacher giaovien's lesson plan, a mầm non teacher's book,
    the THCS school's plan."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    world = province_world("ev")
    mn = UnitFactory(
        code="ev-MN",
        name="Trường Mầm non thử",
        kind=UnitKind.TRUONG,
        parent=world.units["phong"],
        level="MN",
    )
    group = UnitFactory(code="ev-MN-MG", name="Tổ Mẫu giáo", kind=UnitKind.TO, parent=mn)
    teacher = UserFactory(username="ev.mn.giaovien")
    grant(teacher, Role.GV, group)
    world.units["mn"], world.people["mn.giaovien"] = mn, teacher
    for owner, kind, period in (
        (OWNER, "TT28.KHBD", "W05"),
        ("mn.giaovien", "TT52.STDT", "HK1"),
        ("thcs.hieutruong", "TT32.KHGDNT", ""),
    ):
        RecordFactory(
            owner=world.people[owner], record_type=kind, period_key=period, submitted=True
        )
    return world


def person(world: World, key: str) -> Any:
    return world.people[key]


def _submitted(world: World, school: str, owner: str | None = None) -> Any:
    records = Record.objects.filter(
        school=world.units[school], first_submitted_at__isnull=False, versions__isnull=False
    )
    if owner:
        records = records.filter(owner=world.people[owner])
    record = records.order_by("pk").first()
    assert record is not None
    return record, record.versions.order_by("-number").first()


def _api_url(record: Any, version: Any) -> str:
    return f"/api/v1/records/{record.pk}/versions/{version.number}/evidence/"


def test_the_standards_as_data() -> None:
    tt17 = standard("TT17-2018")
    assert tt17 is not None and len(tt17.tieu_chuan) == 5
    assert [len(g.criteria) for g in tt17.tieu_chuan] == [10, 4, 6, 2, 6]
    assert tt17.criterion("1.1").label == "Tiêu chí 1.1"
    assert tt17.muc4 == ()  # no sourced list of the Mức 4 requirements yet
    tt19 = standard("TT19-2018")
    assert [len(g.criteria) for g in tt19.tieu_chuan] == [10, 3, 6, 2, 4]
    assert standard_for_level("TH").code == "TT17-2018"
    assert standard_for_level("THCS").code == standard_for_level("LIEN_CAP").code == "TT18-2018"
    assert standard_for_level("MN").code == "TT19-2018"
    assert standard_for_level("") is None
    cases = {
        "TC1.1": "1.1",
        "tiêu chí 1.10": "1.10",
        "1-1": "1.1",
        " 5.6 ": "5.6",
        "M4.2": "M4.2",
        "Mức 4 yêu cầu 3": "M4.3",
        "abc": None,
        "1": None,
        "": None,
    }
    assert {raw: normalize_code(raw) for raw in cases} == cases


def test_the_owner_tags_a_version_from_the_record_page(world: World) -> None:
    record, version = _submitted(world, "school", OWNER)
    client = login(person(world, OWNER))
    page = client.get(f"/ho-so/{record.pk}/").content.decode()
    assert 'data-testid="evidence-form"' in page and "Tiêu chí 1.1" in page
    before = AuditEntry.objects.filter(action="records.evidence.tagged").count()
    url = f"/ho-so/{record.pk}/phien-ban/{version.number}/minh-chung/"
    response = client.post(url, {"tieu_chi": ["TC1.1", "5.1", "5.1"]})
    assert response.status_code == 302
    tags = EvidenceTag.objects.filter(version=version).order_by("criterion")
    assert [(t.standard, t.criterion) for t in tags] == [("TT17-2018", "1.1"), ("TT17-2018", "5.1")]
    assert AuditEntry.objects.filter(action="records.evidence.tagged").count() == before + 1
    # Unticking one leaves the other.
    client.post(url, {"tieu_chi": ["5.1"]})
    assert list(
        EvidenceTag.objects.filter(version=version).values_list("criterion", flat=True)
    ) == ["5.1"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"criteria": ["1.1", "9.9"]},
            "Thông tư 17/2018/TT-BGDĐT (trường tiểu học) không có tiêu chí 9.9",
        ),
        ({"criteria": ["1.1", "abc"]}, "Mã tiêu chí không hợp lệ: “abc”"),
        (
            {"criteria": ["1.1"], "standard": "TT18-2018"},
            "không gắn được tiêu chí của Thông tư 18/2018/TT-BGDĐT",
        ),
        ({"criteria": []}, "Hãy chọn ít nhất một tiêu chí."),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(
    world: World, body: Any, message: str
) -> None:
    record, version = _submitted(world, "school")
    before = (EvidenceTag.objects.count(), AuditEntry.objects.count())
    response = api_login(person(world, "hieutruong")).post(
        _api_url(record, version), body, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert (EvidenceTag.objects.count(), AuditEntry.objects.count()) == before


def test_a_criterion_of_another_standard_is_named(world: World) -> None:
    record, version = _submitted(world, "mn")
    response = api_login(record.owner).post(
        _api_url(record, version), {"criteria": ["2.4"]}, format="json"
    )
    assert response.status_code == 400
    assert (
        "không có tiêu chí 2.4 (tiêu chí này thuộc Thông tư 17/2018/TT-BGDĐT"
        in response.json()["message"]
    )
    assert not EvidenceTag.objects.filter(version=version).exists()


def test_another_schools_version_is_missing(world: World) -> None:
    record, version = _submitted(world, "thcs")
    response = api_login(person(world, "hieutruong")).post(
        _api_url(record, version), {"criteria": ["1.1"]}, format="json"
    )
    assert response.status_code == 404
    page = login(person(world, "hieutruong")).post(
        f"/ho-so/{record.pk}/phien-ban/{version.number}/minh-chung/", {"tieu_chi": ["1.1"]}
    )
    assert page.status_code == 404
    assert not EvidenceTag.objects.filter(version=version).exists()


def test_a_colleague_who_sees_the_record_may_not_tag_it(world: World) -> None:
    record, version = _submitted(world, "school", OWNER)
    response = api_login(person(world, "chuyenvien")).post(
        _api_url(record, version), {"criteria": ["1.1"]}, format="json"
    )
    assert response.status_code == 403
    assert "Chỉ người lập hồ sơ" in response.json()["message"]
    assert not EvidenceTag.objects.filter(
        version=version, criterion="1.1", tagged_by=person(world, "chuyenvien")
    ).exists()


def test_the_school_page_lists_evidence_by_criterion_for_leaders_and_the_phong(
    world: World,
) -> None:
    record, version = _submitted(world, "school", OWNER)
    api_login(person(world, OWNER)).post(
        _api_url(record, version), {"criteria": ["TC2.2"]}, format="json"
    )
    school = world.units["school"]
    for who in ("hieutruong", "vanthu", "chuyenvien", "so"):
        page = login(person(world, who)).get(f"/ho-so/minh-chung/{school.pk}/?tieu_chi=2.2")
        assert page.status_code == 200, who
        html = page.content.decode()
        assert 'id="tc-2.2"' in html and record.title in html and 'id="tc-1.1"' not in html
    for who in (OWNER, "thcs.hieutruong", "school2.giaovien"):
        assert (
            login(person(world, who)).get(f"/ho-so/minh-chung/{school.pk}/").status_code == 404
        ), who
    listed = (
        api_login(person(world, "chuyenvien"))
        .get(f"/api/v1/evidence/schools/{school.pk}/?criterion=2.2")
        .json()
    )
    assert {(row["record"], row["version"], row["label"]) for row in listed} >= {
        (record.pk, version.number, "Tiêu chí 2.2")
    }
    assert (
        api_login(person(world, "school2.hieutruong"))
        .get(f"/api/v1/evidence/schools/{school.pk}/")
        .status_code
        == 404
    )


def test_excel_and_zip_exports(world: World) -> None:
    record, version = _submitted(world, "school", OWNER)
    api_login(person(world, OWNER)).post(
        _api_url(record, version), {"criteria": ["3.6"]}, format="json"
    )
    school = world.units["school"]
    client = login(person(world, "hieutruong"))
    before = AuditEntry.objects.filter(action="records.evidence.exported").count()
    data = client.get(f"/ho-so/minh-chung/{school.pk}/xuat.xlsx?tieu_chi=3.6").content
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:5] == ["STT", "Tiêu chuẩn", "Tiêu chí", "Tên tiêu chí", "Hồ sơ"]
    mine = [r for r in rows[2:] if r[4] == record.title]
    assert mine and mine[0][1:4] == ["Tiêu chuẩn 3", "Tiêu chí 3.6", "Thư viện"]
    assert mine[0][6] == version.number
    response = client.get(f"/ho-so/minh-chung/{school.pk}/tai-lieu.zip?tieu_chi=3.6")
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sha, name = file_of(version)
    entry = f"3-6/{record.pk}-v{version.number}-{name}"
    assert entry in archive.namelist()
    with blob_store().open(sha) as stored:
        assert archive.read(entry) == stored.read()
    assert AuditEntry.objects.filter(action="records.evidence.exported").count() == before + 2


def test_api_untag_and_replace(world: World) -> None:
    record, version = _submitted(world, "school", OWNER)
    api = api_login(person(world, "phohieutruong"))
    url = _api_url(record, version)
    assert api.put(url, {"criteria": ["1.1", "2.1"]}, format="json").status_code == 200
    assert api.delete(f"{url}?criterion=2.1").status_code == 204
    assert [t["criterion"] for t in api.get(url).json()] == ["1.1"]
    refused = api.delete(f"{url}?criterion=5.5")
    assert refused.status_code == 400 and "chưa được gắn tiêu chí: 5.5" in refused.json()["message"]
    criteria = api.get(f"/api/v1/evidence/criteria/?school={record.school_id}").json()
    assert [s["code"] for s in criteria] == ["TT17-2018"] and len(criteria[0]["criteria"]) == 28
