"""API of the webhooks (/api/v1/webhooks/): endpoints, their deliveries, a test event, a new
secret, replay. The secret appears once, in the answer that creates it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.http import client_ip
from hoso.org.models import Unit
from hoso.policy import get_or_404
from hoso.webhooks import selectors, services
from hoso.webhooks.models import SUBSCRIBABLE, Attempt, Delivery, Endpoint

MANAGE = "webhooks.endpoint.manage"
EVENT_CHOICES = [kind.value for kind in SUBSCRIBABLE]


class EndpointOut(serializers.ModelSerializer[Endpoint]):
    secret_hint = serializers.CharField(help_text="The secret's first characters, never all.")

    class Meta:
        model = Endpoint
        fields = ["id", "unit", "name", "url", "events", "is_active", "secret_hint", "created_at"]


class EndpointCreatedOut(EndpointOut):
    secret = serializers.CharField(help_text="Shown in this answer only: keep it to verify.")

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


class EndpointIn(serializers.Serializer[Any]):
    unit = id_field()
    name = serializers.CharField(max_length=120)
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1, max_length=10
    )


class EndpointPatchIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120, required=False)
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES),
        min_length=1,
        max_length=10,
        required=False,
    )
    is_active = serializers.BooleanField(required=False)


class AttemptOut(serializers.ModelSerializer[Attempt]):
    class Meta:
        model = Attempt
        fields = ["number", "at", "response_code", "error", "duration_ms"]


class DeliveryOut(serializers.ModelSerializer[Delivery]):
    event_id = serializers.UUIDField(source="event.uid")
    event_type = serializers.CharField(source="event.kind")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "response_code",
            "error",
            "replay_of",
            "created_at",
        ]


class DeliveryDetailOut(DeliveryOut):
    attempt_log = AttemptOut(many=True)

    class Meta(DeliveryOut.Meta):
        fields = [*DeliveryOut.Meta.fields, "attempt_log"]


class SecretOut(serializers.Serializer[Any]):
    secret = serializers.CharField()


def _endpoint(request: Request, pk: int) -> Endpoint:
    return get_or_404(request.user, MANAGE, Endpoint.objects.select_related("unit"), pk=pk)


def _delivery(request: Request, pk: int) -> Delivery:
    rows = Delivery.objects.select_related("endpoint", "endpoint__unit", "event")
    return get_or_404(request.user, "webhooks.delivery.manage", rows, pk=pk)


class EndpointList(generics.ListAPIView[Endpoint]):
    serializer_class = EndpointOut

    def get_queryset(self) -> QuerySet[Endpoint]:
        return selectors.endpoints_visible_to(self.request.user)

    @extend_schema(request=EndpointIn, responses={201: EndpointCreatedOut})
    def post(self, request: Request) -> Response:
        data = EndpointIn(data=request.data)
        data.is_valid(raise_exception=True)
        unit = get_or_404(
            request.user, "webhooks.unit.manage", Unit.objects.all(), pk=data.validated_data["unit"]
        )
        endpoint, secret = services.endpoint_create(
            actor=request.user,
            unit=unit,
            name=data.validated_data["name"],
            url=data.validated_data["url"],
            events=data.validated_data["events"],
            ip=client_ip(request),
        )
        body = {**EndpointOut(endpoint).data, "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class EndpointDetail(APIView):
    @extend_schema(responses=EndpointOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EndpointOut(_endpoint(request, pk)).data)

    @extend_schema(request=EndpointPatchIn, responses=EndpointOut)
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = _endpoint(request, pk)
        data = EndpointPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        endpoint = services.endpoint_update(
            actor=request.user,
            endpoint=endpoint,
            name=given.get("name", endpoint.name),
            url=given.get("url", endpoint.url),
            events=given.get("events", endpoint.events),
            is_active=given.get("is_active", endpoint.is_active),
            ip=client_ip(request),
        )
        return Response(EndpointOut(endpoint).data)


class EndpointTest(APIView):
    @extend_schema(request=None, responses={202: DeliveryOut})
    def post(self, request: Request, pk: int) -> Response:
        delivery = services.endpoint_send_test(
            actor=request.user, endpoint=_endpoint(request, pk), ip=client_ip(request)
        )
        return Response(DeliveryOut(delivery).data, status=status.HTTP_202_ACCEPTED)


class EndpointRotateSecret(APIView):
    @extend_schema(request=None, responses=SecretOut)
    def post(self, request: Request, pk: int) -> Response:
        secret = services.endpoint_rotate_secret(
            actor=request.user, endpoint=_endpoint(request, pk), ip=client_ip(request)
        )
        return Response({"secret": secret})


class EndpointDeliveries(generics.ListAPIView[Delivery]):
    serializer_class = DeliveryOut

    def get_queryset(self) -> QuerySet[Delivery]:
        endpoint = _endpoint(self.request, self.kwargs["pk"])
        return selectors.deliveries_visible_to(self.request.user).filter(endpoint=endpoint)


class DeliveryDetail(APIView):
    @extend_schema(responses=DeliveryDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(DeliveryDetailOut(_delivery(request, pk)).data)


class DeliveryReplay(APIView):
    @extend_schema(request=None, responses={202: DeliveryOut})
    def post(self, request: Request, pk: int) -> Response:
        again = services.delivery_replay(
            actor=request.user, delivery=_delivery(request, pk), ip=client_ip(request)
        )
        return Response(DeliveryOut(again).data, status=status.HTTP_202_ACCEPTED)
