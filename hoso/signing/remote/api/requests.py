"""API of remote signing (ký số từ xa): start (one confirmation at the provider for many
records: the person's signature, or with `"purpose": "seal"` the văn thư's seal with the
school's credential), status (asks the provider while waiting), cancel."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.signing.remote.models import Purpose, RemoteRequest
from hoso.signing.remote.services import requests as remote_requests


class RemoteIn(serializers.Serializer[Any]):
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=remote_requests.MAX_DOCUMENTS,
    )
    credential = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.SIGN)


class RemoteOut(serializers.ModelSerializer[RemoteRequest]):
    items = serializers.SerializerMethodField()

    class Meta:
        model = RemoteRequest
        fields = [
            "id",
            "purpose",
            "status",
            "message",
            "total",
            "done",
            "failed",
            "created_at",
            "expires_at",
            "finished_at",
            "items",
        ]

    def get_items(self, obj: RemoteRequest) -> list[dict[str, Any]]:
        return [
            {"record": i.object_id, "title": i.title, "status": i.status, "message": i.message}
            for i in obj.items.order_by("id")
        ]


class RemoteList(APIView):
    @extend_schema(request=RemoteIn, responses={202: RemoteOut})
    def post(self, request: Request) -> Response:
        body = RemoteIn(data=request.data)
        body.is_valid(raise_exception=True)
        remote = remote_requests.remote_start(
            actor=request.user,
            object_ids=body.validated_data["records"],
            credential_id=body.validated_data.get("credential"),
            purpose=body.validated_data["purpose"],
            ip=client_ip(request),
        )
        return Response(RemoteOut(remote).data, status=202)


class RemoteDetail(APIView):
    @extend_schema(responses=RemoteOut)
    def get(self, request: Request, pk: int) -> Response:
        remote = remote_requests.remote_poll(
            actor=request.user, request_id=pk, ip=client_ip(request)
        )
        remote.refresh_from_db()
        return Response(RemoteOut(remote).data)


class RemoteCancel(APIView):
    @extend_schema(request=None, responses=RemoteOut)
    def post(self, request: Request, pk: int) -> Response:
        remote = remote_requests.remote_cancel(
            actor=request.user, request_id=pk, ip=client_ip(request)
        )
        return Response(RemoteOut(remote).data)
