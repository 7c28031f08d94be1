"""Every webhooks test counts endpoints, events and deliveries of its own world. A worker that
has loaded the demo province for another test holds the demo's endpoints and logged deliveries
too: they are removed at the start of each test, inside its transaction (rolled back after it,
so the demo is whole again for the next test)."""

from __future__ import annotations

import pytest

from hoso.webhooks.models import Attempt, Delivery, Endpoint, Event


@pytest.fixture(autouse=True)
def no_other_webhooks(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    Attempt.objects.all().delete()
    Delivery.objects.filter(replay_of__isnull=False).delete()
    Delivery.objects.all().delete()
    Event.objects.all().delete()
    Endpoint.objects.all().delete()
