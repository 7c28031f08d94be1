"""API v1: batch signing with one passphrase or PIN (start, progress)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.signing.api.keys import SignIn
from hoso.signing.models import SignBatch
from hoso.signing.services import batches


class BatchIn(SignIn):
    records = serializers.ListField(child=id_field(), required=False, max_length=2000)
    this_week = serializers.BooleanField(default=False)
    action = serializers.ChoiceField(choices=["sign", "seal"], default="sign")


class BatchOut(serializers.ModelSerializer[SignBatch]):
    items = serializers.SerializerMethodField()

    class Meta:
        model = SignBatch
        fields = [
            "id",
            "action",
            "status",
            "total",
            "done",
            "failed",
            "percent",
            "created_at",
            "finished_at",
            "items",
        ]

    def get_items(self, obj: SignBatch) -> list[dict[str, Any]]:
        return [
            {
                "record": i.record_id,
                "title": i.record.title,
                "status": i.status,
                "message": i.message,
            }
            for i in obj.items.select_related("record")
        ]


class BatchList(APIView):
    @extend_schema(request=BatchIn, responses=BatchOut)
    def post(self, request: Request) -> Response:
        body = BatchIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        batch = batches.batch_start(
            actor=request.user,
            record_ids=d.get("records"),
            this_week=d["this_week"],
            passphrase=d.get("passphrase"),
            pin=d.get("pin"),
            certificate_id=d.get("certificate"),
            seal=d["action"] == "seal",
            ip=client_ip(request),
        )
        batch.refresh_from_db()
        return Response(BatchOut(batch).data, status=202)


class BatchDetail(APIView):
    @extend_schema(responses=BatchOut)
    def get(self, request: Request, pk: int) -> Response:
        batch = get_or_404(request.user, "signing.batch.view", SignBatch.objects.all(), pk=pk)
        return Response(BatchOut(batch).data)
