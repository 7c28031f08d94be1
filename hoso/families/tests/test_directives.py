"""Directives meant for parents: a Phòng or Sở marks a directive "Gửi cả phụ huynh học sinh" on
the form or by the API; a parent who has consented for a child enrolled today at a school it
was sent to sees it on "Con của tôi" (title, number, office, date, newest first) and downloads
its signed PDF; a parent without consent, another school's parent, a parent whose child has
left, and the school's staff see nothing and get 404 on the file."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError
from hoso.families.services.consent import consent_withdraw
from hoso.families.tests.factories import parent_of
from hoso.offices.models import Directive
from hoso.offices.services.directives import directive_issue
from hoso.offices.tests.factories import IssuedLetterFactory
from hoso.org.models import Enrolment
from hoso.org.tests.factories import school_class, small_province, students
from hoso.records.models import RecordType
from hoso.storage import blob_store
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def no_2fa(settings: Any) -> None:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP


@pytest.fixture
def world() -> Any:
    """A pupil in th1 1A and one in thcs1 6A (both under Phòng 1); ph.th1 consented for the
    first, ph.thcs1 for the second, ph.wait linked to the first without consent."""
    world = small_province("fd")
    th1_pupil = students(school_class(world.units["th1"], "1A", 1), 1)[0]
    thcs1_pupil = students(school_class(world.units["thcs1"], "6A", 6), 1)[0]
    world.people["ph.th1"] = parent_of(th1_pupil, "fd.ph.th1")
    world.people["ph.thcs1"] = parent_of(thcs1_pupil, "fd.ph.thcs1")
    world.people["ph.wait"] = parent_of(th1_pupil, "fd.ph.wait", consent=False, relation="Mẹ")
    world.pupils = [th1_pupil, thcs1_pupil]
    return world


def _letter(world: Any, office: str = "phong1", by: str = "phong1.chuyenvien") -> Any:
    code = "VP.PHONG.CV" if office.startswith("phong") else "VP.SO.CV"
    return IssuedLetterFactory(
        unit=world.units[office],
        owner=world.people[by],
        record_type=RecordType.objects.get(code=code),
    )


def _issue(world: Any, title: str, schools: list[str], *, for_parents: bool = True) -> Directive:
    directive = directive_issue(
        actor=world.people["phong1.chuyenvien"],
        office=world.units["phong1"],
        record_id=_letter(world).pk,
        title=title,
        number="131/PGDĐT-CM",
        audience="list",
        unit_ids=[world.units[key].pk for key in schools],
        reply_kind="none",
        for_parents=for_parents,
    )
    return directive


def test_the_office_marks_a_directive_for_parents_on_the_form_and_by_the_api(world: Any) -> None:
    client = login(world.people["phong1.chuyenvien"])
    before = set(Directive.objects.values_list("pk", flat=True))  # the demo's, if loaded
    answer = client.post(
        reverse("offices:directive-new"),
        {
            "record": _letter(world).pk,
            "audience": "all",
            "reply_kind": "none",
            "for_parents": "1",
        },
    )
    assert answer.status_code == 302
    assert Directive.objects.exclude(pk__in=before).get().for_parents is True
    page = client.get(answer["Location"]).content.decode()
    assert "Gửi cả phụ huynh học sinh" in page
    api = api_login(world.people["phong1.chuyenvien"])
    made = api.post(
        "/api/v1/offices/directives/",
        {"record": _letter(world).pk, "audience": "all", "reply_kind": "none"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["for_parents"] is False
    made = api.post(
        "/api/v1/offices/directives/",
        {"record": _letter(world).pk, "audience": "all", "for_parents": True},
        format="json",
    )
    assert made.status_code == 201 and made.json()["for_parents"] is True


def test_a_directive_for_parents_must_reach_a_school(world: Any) -> None:
    """The Sở writing to its Phòng only: no school, so no parent; refused, nothing stored."""
    before = Directive.objects.count()  # the demo's, if loaded
    with pytest.raises(DomainError) as refused:
        directive_issue(
            actor=world.people["so.chuyenvien"],
            office=world.units["so"],
            record_id=_letter(world, "so", "so.chuyenvien").pk,
            audience="list",
            unit_ids=[world.units["phong1"].pk],
            reply_kind="none",
            for_parents=True,
        )
    assert refused.value.message == (
        "Văn bản gửi cả phụ huynh học sinh phải gửi đến ít nhất một trường."
    )
    assert Directive.objects.count() == before


def test_a_consented_parent_sees_the_directives_for_their_childs_school(world: Any) -> None:
    older = _issue(world, "Lịch nghỉ hè", ["th1", "thcs1"])
    Directive.objects.filter(pk=older.pk).update(issued_at=timezone.now() - dt.timedelta(days=3))
    newer = _issue(world, "Học bạ số cho cha mẹ", ["th1"])
    _issue(world, "Chỉ cho nhà trường", ["th1"], for_parents=False)
    _issue(world, "Chỉ cho THCS", ["thcs1"])
    client = login(world.people["ph.th1"])
    page = client.get(reverse("families:home"))
    assert [d.title for d in page.context["directives"]] == ["Học bạ số cho cha mẹ", "Lịch nghỉ hè"]
    text = page.content.decode()
    day = timezone.localtime(newer.issued_at).strftime("%d/%m/%Y")
    assert f"Số 131/PGDĐT-CM, Phòng GDĐT 1 gửi ngày {day}" in text
    assert "Chỉ cho nhà trường" not in text and "Chỉ cho THCS" not in text
    pdf = client.get(reverse("families:directive-file", args=[newer.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    with blob_store().open(newer.version.viewing_sha256) as stored:
        assert b"".join(pdf.streaming_content) == stored.read()
    entry = AuditEntry.objects.filter(action="records.version.downloaded").latest("id")
    data = json.loads(entry.data)
    assert (entry.actor_id, data["directive"], data["as"]) == (
        world.people["ph.th1"].pk,
        newer.pk,
        "parent",
    )
    listed = api_login(world.people["ph.th1"]).get("/api/v1/families/directives/").json()
    assert [(d["id"], d["office"]) for d in listed] == [
        (newer.pk, "Phòng GDĐT 1"),
        (older.pk, "Phòng GDĐT 1"),
    ]
    assert listed[0]["file"] == reverse("families:directive-file", args=[newer.pk])


@pytest.mark.parametrize("who", ["ph.wait", "ph.thcs1", "th1.hieutruong", "phong1.chuyenvien"])
def test_who_may_not_read_it_sees_nothing_and_gets_404_on_the_file(world: Any, who: str) -> None:
    """No consent; another school's parent; the school's principal and the office (who read
    it through the inbox, not as parents)."""
    directive = _issue(world, "Học bạ số cho cha mẹ", ["th1"])
    client = login(world.people[who])
    downloads = AuditEntry.objects.filter(action="records.version.downloaded").count()
    assert client.get(reverse("families:directive-file", args=[directive.pk])).status_code == 404
    page = client.get(reverse("families:home")).content.decode()
    assert "Học bạ số cho cha mẹ" not in page
    assert api_login(world.people[who]).get("/api/v1/families/directives/").json() == []
    assert AuditEntry.objects.filter(action="records.version.downloaded").count() == downloads


def test_withdrawing_consent_or_the_child_leaving_hides_it_again(world: Any) -> None:
    directive = _issue(world, "Học bạ số cho cha mẹ", ["th1", "thcs1"])
    url = reverse("families:directive-file", args=[directive.pk])
    parent, other = world.people["ph.th1"], world.people["ph.thcs1"]
    assert login(parent).get(url).status_code == 200
    consent_withdraw(actor=parent, student=world.pupils[0])
    assert login(parent).get(url).status_code == 404
    assert login(other).get(url).status_code == 200
    Enrolment.objects.filter(student=world.pupils[1]).update(end_date=timezone.localdate())
    assert login(other).get(url).status_code == 404  # left today: no longer at the school
