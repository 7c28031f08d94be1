"""API v1: validation of an uploaded file (PDF, or a file and its detached `.p7s`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.signing import verification


class ValidateIn(serializers.Serializer[Any]):
    file = serializers.FileField()
    signature = serializers.FileField(required=False)


class Validate(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ValidateIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = ValidateIn(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        detached = body.validated_data.get("signature")
        report = verification.validate_upload(
            data=upload.read(), filename=upload.name, detached=detached.read() if detached else None
        )
        return Response(report)
