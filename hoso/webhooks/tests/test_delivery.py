"""Delivery to a real receiver on loopback (allowed by the setting in these tests): signed
body and headers, retries with backoff on 500 (time advanced, no sleeping), replay, and the
events of the issuing services reaching the endpoints of the unit and the units above it."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest

from hoso.webhooks import services
from hoso.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, Event
from hoso.webhooks.tests.factories import receiver, verify, webhook_world
from tests.factories import RecordFactory, reviewed_type

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def _endpoint(world: Any, url: str, unit: str = "school", who: str = "vanthu", **kw: Any) -> Any:
    events = kw.pop("events", ["record.issued"])
    return services.endpoint_create(
        actor=world.people[who], unit=world.units[unit], name="Nhận", url=url, events=events
    )


def test_a_test_event_arrives_signed_and_is_logged(
    allow_loopback: None, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    # Given an endpoint of the school on a receiver
    world = webhook_world("wd1")
    caplog.set_level(logging.DEBUG)
    with receiver() as hook:
        endpoint, secret = _endpoint(world, hook.url)
        # When its văn thư sends a test event (sent after commit)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
    # Then the receiver got one POST whose signature verifies with the secret
    assert len(hook.received) == 1
    got = hook.received[0]
    assert got.path == "/hook?from=hoso"
    assert verify(secret, got.headers, got.body)
    assert not verify(secret + "x", got.headers, got.body)
    body = json.loads(got.body)
    event = Event.objects.get()
    assert body["id"] == str(event.uid) == got.headers["X-HoSo-Event-Id"]
    assert body["type"] == "ping" == got.headers["X-HoSo-Event"]
    assert body["unit"]["id"] == world.units["school"].pk
    assert got.headers["X-HoSo-Delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert list(Attempt.objects.values_list("number", "response_code", "error")) == [(1, 200, "")]
    # and the secret was written to no log
    assert secret not in caplog.text


def test_a_500_is_retried_after_1_5_30_120_720_minutes_then_fails(
    allow_loopback: None, django_capture_on_commit_callbacks: Any
) -> None:
    world = webhook_world("wd2")
    with receiver(codes=[500] * 10) as hook:
        endpoint, _secret = _endpoint(world, hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        at = delivery.last_attempt_at
        assert at is not None
        for number, wait in enumerate((1, 5, 30, 120, 720), start=2):
            due = at + dt.timedelta(minutes=wait)
            # not a second early
            assert services.deliveries_run_due(due - dt.timedelta(seconds=1)) == 0
            assert delivery.next_attempt_at is not None
            assert services.deliveries_run_due(due) == 1
            delivery.refresh_from_db()
            assert delivery.attempts == number
            at = due
        assert len(hook.received) == 6
    assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.FAILED, None)
    assert delivery.error == "Máy nhận trả lời mã 500."
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    # given up: no seventh attempt, however late
    assert services.deliveries_run_due(at + dt.timedelta(days=30)) == 0


def test_a_failed_delivery_is_replayed_with_the_same_event_id(
    allow_loopback: None, django_capture_on_commit_callbacks: Any
) -> None:
    world = webhook_world("wd3")
    with receiver(codes=[503]) as hook:
        endpoint, secret = _endpoint(world, hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            first = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
        Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.FAILED)
        first.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            again = services.delivery_replay(actor=world.people["hieutruong"], delivery=first)
    again.refresh_from_db()
    assert (again.status, again.replay_of_id, again.event_id) == (
        "succeeded",
        first.pk,
        first.event_id,
    )
    ids = [r.headers["X-HoSo-Event-Id"] for r in hook.received]
    assert ids == [str(first.event.uid)] * 2
    assert [r.headers["X-HoSo-Delivery"] for r in hook.received] == [str(first.pk), str(again.pk)]
    assert all(verify(secret, r.headers, r.body) for r in hook.received)


def test_an_issued_record_reaches_the_school_and_the_offices_above_only(
    allow_loopback: None, django_capture_on_commit_callbacks: Any
) -> None:
    # Given endpoints of the school, its Phòng, the Sở, a sibling school and another Phòng
    world = webhook_world("wd4")
    with receiver() as hook:
        mine = _endpoint(world, hook.url + "&to=school")[0]
        phong = _endpoint(world, hook.url + "&to=phong", unit="phong", who="truongphong")[0]
        so = _endpoint(world, hook.url + "&to=so", unit="so", who="so.vanthu")[0]
        _endpoint(world, hook.url + "&to=thcs", unit="thcs", who="thcs.hieutruong")
        _endpoint(world, hook.url + "&to=phong2", unit="phong2", who="admin")
        reports_only = _endpoint(
            world, hook.url + "&to=x", unit="phong", who="phong.vanthu", events=["report.submitted"]
        )[0]
        off = _endpoint(world, hook.url + "&to=off")[0]
        services.endpoint_set_active(actor=world.people["vanthu"], endpoint=off, active=False)
        # When a record of the school is issued
        with django_capture_on_commit_callbacks(execute=True):
            record = RecordFactory(
                owner=world.people["giaovien"],
                record_type=reviewed_type(),
                title="Kế hoạch đã duyệt",
                approved_by=world.people["totruong"],
            )
    # Then one event, delivered to the school's, the Phòng's and the Sở's endpoints
    event = Event.objects.get()
    assert (event.kind, event.unit_id, event.data["record"]) == (
        "record.issued",
        world.units["school"].pk,
        record.pk,
    )
    reached = set(Delivery.objects.values_list("endpoint_id", flat=True))
    assert reached == {mine.pk, phong.pk, so.pk}
    assert reports_only.pk not in reached and off.pk not in reached
    assert sorted(r.path.rsplit("=", 1)[1] for r in hook.received) == ["phong", "school", "so"]
    assert all(json.loads(r.body)["data"]["title"] == "Kế hoạch đã duyệt" for r in hook.received)
    assert Endpoint.objects.count() == 7


def test_no_endpoint_no_event_row(django_capture_on_commit_callbacks: Any) -> None:
    world = webhook_world("wd5")
    with django_capture_on_commit_callbacks(execute=True):
        RecordFactory(
            owner=world.people["giaovien"],
            record_type=reviewed_type(),
            approved_by=world.people["totruong"],
        )
    assert (Event.objects.count(), Delivery.objects.count()) == (0, 0)
