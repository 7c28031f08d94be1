"""SSRF: no loopback, private, link-local or reserved address, and https only, unless the
administrator allows it (settings.WEBHOOKS_ALLOW_PRIVATE); checked when the endpoint is saved
and again before every attempt, connecting to the very address that was checked."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError
from hoso.core.secrets import seal
from hoso.webhooks import services, transport
from hoso.webhooks.models import Delivery, Endpoint
from hoso.webhooks.tests.factories import receiver, verify, webhook_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

REFUSED = [
    "https://127.0.0.1/hook",
    "https://127.1.2.3:8443/hook",
    "https://10.0.0.5/hook",
    "https://172.16.4.4/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fd00::1]/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
    "https://localhost/hook",  # a host name that resolves to loopback
]


@pytest.fixture
def world() -> Any:
    return webhook_world("wa")


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_or_loopback_address_is_refused_and_nothing_saved(world: Any, url: str) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.endpoint_create(
            actor=world.people["vanthu"],
            unit=world.units["school"],
            name="Nội bộ",
            url=url,
            events=["record.issued"],
        )
    assert "nội bộ, loopback hoặc dành riêng" in refused.value.message
    assert refused.value.fields is not None and list(refused.value.fields) == ["url"]
    assert (Endpoint.objects.count(), AuditEntry.objects.count()) == (0, before)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/x", "Địa chỉ nhận phải bắt đầu bằng https://."),
        ("ftp://hooks.example.com/x", "Địa chỉ nhận phải bắt đầu bằng https://."),
        ("https://user:pw@hooks.example.com/x", "Địa chỉ nhận không được chứa tên đăng nhập"),
        ("https:///x", "Địa chỉ nhận thiếu tên máy chủ."),
        ("https://hooks.example.com:99999/x", "Địa chỉ nhận không hợp lệ."),
    ],
)
def test_only_https_urls_are_taken(world: Any, url: str, message: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.endpoint_create(
            actor=world.people["vanthu"],
            unit=world.units["school"],
            name="Sai",
            url=url,
            events=["record.issued"],
        )
    assert refused.value.message.startswith(message)
    assert Endpoint.objects.count() == 0


def test_an_unknown_event_kind_is_refused(world: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.endpoint_create(
            actor=world.people["vanthu"],
            unit=world.units["school"],
            name="Sai",
            url="https://hooks.example.invalid/x",
            events=["ping"],
        )
    assert list(refused.value.fields or {}) == ["events"]
    assert Endpoint.objects.count() == 0


def test_an_endpoint_saved_before_is_checked_again_before_each_attempt(
    world: Any, settings: Any
) -> None:
    # Given a receiver on loopback and an endpoint pointing at it, saved while it was allowed
    with receiver() as hook:
        endpoint = Endpoint.objects.create(
            unit=world.units["school"],
            name="Cũ",
            url=hook.url,
            events=["record.issued"],
            secret_sealed=seal(services.SECRET_PURPOSE, "whsec_x"),
            secret_hint="whsec_x",
        )
        settings.WEBHOOKS_ALLOW_PRIVATE = True
        delivery = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
        # When the administrator has withdrawn the permission and the attempt runs
        settings.WEBHOOKS_ALLOW_PRIVATE = False
        attempted = services.delivery_attempt(delivery.pk)
    # Then nothing reached the receiver and the refusal is logged as the attempt's error
    assert hook.received == []
    assert attempted is not None
    assert (attempted.attempts, attempted.response_code, attempted.status) == (1, None, "pending")
    assert attempted.error == "Địa chỉ nhận phải bắt đầu bằng https://."


def test_connects_to_the_checked_address_not_a_second_dns_answer(
    world: Any, settings: Any, monkeypatch: Any
) -> None:
    """DNS rebinding: the name is resolved once, checked, and that address is connected to;
    a second lookup (which a rebinding server would answer with 127.0.0.1) never happens."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    lookups: list[str] = []
    real = socket.getaddrinfo

    def answer(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        if host == "receiver.test":
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(transport.socket, "getaddrinfo", answer)
    with receiver() as hook:
        port = hook.url.split(":")[2].split("/")[0]
        endpoint, secret = services.endpoint_create(
            actor=world.people["vanthu"],
            unit=world.units["school"],
            name="Tên miền",
            url=f"http://receiver.test:{port}/hook",
            events=["record.issued"],
        )
        lookups.clear()
        delivery = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
        done = services.delivery_attempt(delivery.pk)
    # the name once; then only the socket's numeric lookup of the checked address
    assert lookups == ["receiver.test", "127.0.0.1"]
    assert done is not None and done.status == "succeeded"
    assert hook.received[0].headers["Host"] == f"receiver.test:{port}"
    assert verify(secret, hook.received[0].headers, hook.received[0].body)


def test_refused_when_any_address_of_a_name_is_private(world: Any, monkeypatch: Any) -> None:
    def answer(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.1.1", port)),
        ]

    monkeypatch.setattr(transport.socket, "getaddrinfo", answer)
    with pytest.raises(transport.AddressRefused) as refused:
        transport.target_for("https://mixed.example.com/hook")
    assert "10.1.1.1" in refused.value.message
    assert Delivery.objects.count() == 0
