"""Every-URL entries of the webhooks (hoso/webhooks): the demo's endpoints (hoso/webhooks/
demo.py: two of th1, one of thcs1, one of th2) and their one logged delivery each. A school's
endpoints are its principal's and văn thư's (and the administrator's); nobody else's, not
even the offices above: they see them as missing (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import ADMIN, HT, VT, th1_and_above
from tests.security.routes import GATE, LOGIN, OBJECT, Route

ENDPOINT = "webhooks.endpoint.manage"
DELIVERY = "webhooks.delivery.manage"
MANAGERS = th1_and_above({HT, VT}, offices=False)
INDEX = {"own": 0, "same_school": 1, "other_school": 0, "other_district": 0}


def _endpoint(scope: str) -> Any:
    from hoso.webhooks.models import Endpoint

    rows = Endpoint.objects.filter(unit=demo.school(scope)).order_by("pk")
    return rows[INDEX[scope] :].first()


def _delivery(scope: str) -> Any:
    from hoso.webhooks.models import Delivery

    endpoint = _endpoint(scope)
    return Delivery.objects.filter(endpoint=endpoint).order_by("pk").first()


def _pk(build: Callable[[str], Any]) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        obj = build(scope)
        return None if obj is None else Target({"pk": obj.pk}, obj)

    return target


ENDPOINT_PK = _pk(_endpoint)
DELIVERY_PK = _pk(_delivery)
POST = ("POST",)


def _object(targets: Callable[[str], Target | None], action: str, **kw: Any) -> Route:
    return Route(OBJECT, expect=MANAGERS, action=action, targets=targets, **kw)


WEBHOOKS_ROUTES: dict[str, Route] = {
    "webhooks:list": Route(GATE, expect={HT, VT, ADMIN}, action=ENDPOINT),
    "webhooks:add": Route(GATE, expect={HT, VT, ADMIN}, action=ENDPOINT, methods=("GET", "POST")),
    "webhooks:detail": _object(ENDPOINT_PK, ENDPOINT),
    "webhooks:edit": _object(ENDPOINT_PK, ENDPOINT, methods=("GET", "POST")),
    "webhooks:toggle": _object(ENDPOINT_PK, ENDPOINT, methods=POST),
    "webhooks:rotate": _object(ENDPOINT_PK, ENDPOINT, methods=POST),
    "webhooks:test": _object(ENDPOINT_PK, ENDPOINT, methods=POST),
    "webhooks:delivery": _object(DELIVERY_PK, DELIVERY),
    "webhooks:replay": _object(DELIVERY_PK, DELIVERY, methods=POST),
    "api-webhooks-endpoints": Route(
        LOGIN, action=ENDPOINT, list_model="webhooks.Endpoint", methods=("GET", "POST")
    ),
    "api-webhooks-endpoint": _object(ENDPOINT_PK, ENDPOINT, methods=("GET", "PATCH")),
    "api-webhooks-test": _object(ENDPOINT_PK, ENDPOINT, methods=POST),
    "api-webhooks-rotate": _object(ENDPOINT_PK, ENDPOINT, methods=POST),
    "api-webhooks-deliveries": _object(ENDPOINT_PK, ENDPOINT),
    "api-webhooks-delivery": _object(DELIVERY_PK, DELIVERY),
    "api-webhooks-replay": _object(DELIVERY_PK, DELIVERY, methods=POST),
}
