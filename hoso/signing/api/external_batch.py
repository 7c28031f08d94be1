"""API v1 for batch signing with the USB token: `POST /api/v1/signing/usb-batches/` returns
the plan the page then signs document by document through the two-phase pair. A document
the person signs in several parts (a teacher's subjects of a score book) is listed once per
part: the page signs it that many times, under the agent's one confirmation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.signing.services.external_batch import usb_batch_plan


class UsbBatchIn(serializers.Serializer[Any]):
    records = serializers.ListField(child=id_field(), required=False, max_length=2000)
    this_week = serializers.BooleanField(default=False)
    certificate = id_field(required=False)


class _CertificateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    common_name = serializers.CharField()
    key_id = serializers.CharField(allow_blank=True)


class _DocumentOut(serializers.Serializer[Any]):
    record = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    part = serializers.CharField(allow_blank=True)


class UsbBatchOut(serializers.Serializer[Any]):
    certificate = _CertificateOut()
    documents = _DocumentOut(many=True)


class UsbBatchPlanView(APIView):
    @extend_schema(request=UsbBatchIn, responses=UsbBatchOut)
    def post(self, request: Request) -> Response:
        body = UsbBatchIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        plan = usb_batch_plan(
            actor=request.user,
            record_ids=d.get("records"),
            this_week=d["this_week"],
            certificate_id=d.get("certificate"),
        )
        cert = plan.certificate
        return Response(
            {
                "certificate": {
                    "id": cert.pk,
                    "common_name": cert.common_name,
                    "key_id": cert.key_ref.get("key_id", ""),
                },
                "documents": [
                    {"record": d.record, "title": d.title, "version": d.version, "part": d.part}
                    for d in plan.documents
                ],
            }
        )
