"""API v1: certificates (list mine and the seals I manage; register one)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.signing.models import Backend, Certificate
from hoso.signing.selectors import certificates_visible
from hoso.signing.services.certificates import certificate_register


class CertificateOut(serializers.ModelSerializer[Certificate]):
    class Meta:
        model = Certificate
        fields = [
            "id",
            "kind",
            "owner",
            "unit",
            "common_name",
            "subject",
            "issuer",
            "serial",
            "not_before",
            "not_after",
            "fingerprint",
            "status",
            "backend",
            "key_ref",
        ]


class CertificateIn(serializers.Serializer[Any]):
    file = serializers.FileField(required=False)
    pem = serializers.CharField(required=False)
    passphrase = serializers.CharField(required=False, trim_whitespace=False)
    unit = id_field(required=False)
    backend = serializers.ChoiceField(choices=Backend.choices, default=Backend.EXTERNAL)
    key_id = serializers.CharField(required=False, allow_blank=True)


class CertificateList(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=CertificateOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(CertificateOut(certificates_visible(request.user), many=True).data)

    @extend_schema(request=CertificateIn, responses=CertificateOut)
    def post(self, request: Request) -> Response:
        from hoso.org.models import Unit

        body = CertificateIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        data = d["file"].read() if d.get("file") else str(d.get("pem", "")).encode()
        if not data:
            raise DomainError(_("Hãy gửi tệp chứng thư số (file) hoặc nội dung PEM (pem)."))
        unit = Unit.objects.filter(pk=d["unit"]).first() if d.get("unit") else None
        if d.get("unit") and unit is None:
            raise DomainError(_("Không tìm thấy đơn vị."))
        key_ref = {"key_id": d["key_id"]} if d.get("key_id") else {}
        cert = certificate_register(
            actor=request.user,
            data=data,
            passphrase=d.get("passphrase"),
            unit=unit,
            backend=d["backend"],
            key_ref=key_ref,
            ip=client_ip(request),
        )
        return Response(CertificateOut(cert).data, status=201)
