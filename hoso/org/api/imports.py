"""API: Excel imports. POST a file → all rows imported, or 400 with the row-by-row report."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import error_body
from hoso.core.http import client_ip
from hoso.org.importing.columns import SHEETS
from hoso.org.importing.services import ImportRejected, import_file
from hoso.org.importing.workbook import template_bytes
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404, visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRequest(serializers.Serializer[Any]):
    file = serializers.FileField()
    school = serializers.IntegerField(help_text="id của trường")


def _kind(kind: str) -> str:
    if kind not in SHEETS:
        raise Http404
    return kind


class ImportErrorOut(serializers.Serializer[Any]):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ImportResultOut(serializers.Serializer[Any]):
    kind = serializers.CharField()
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ImportErrorOut(many=True)


class ImportRejectedOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()
    errors = ImportErrorOut(many=True, required=False)  # only when the file was read


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=ImportRequest,
        responses={
            200: OpenApiResponse(ImportResultOut, description="kết quả"),
            400: OpenApiResponse(ImportRejectedOut, description="lỗi"),
        },
    )
    def post(self, request: Request, kind: str) -> Response:
        form = ImportRequest(data=request.data)
        form.is_valid(raise_exception=True)
        school = get_or_404(
            request.user, "org.unit.view", Unit.objects.all(), pk=form.validated_data["school"]
        )
        upload = form.validated_data["file"]
        try:
            result = import_file(
                actor=request.user,
                kind=_kind(kind),
                school=school,
                data=upload.read(),
                ip=client_ip(request._request),
            )
        except ImportRejected as rejected:
            body = error_body("import_rejected", rejected.message)
            body["errors"] = [error.as_dict() for error in rejected.result.errors]
            return Response(body, status=400)
        return Response(result.as_dict())


class ImportTemplateView(APIView):
    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="tệp mẫu .xlsx")}
    )
    def get(self, request: Request, kind: str) -> HttpResponse:
        # Same gate as the web page (org.views.import_template): the API never does more.
        schools = Unit.objects.filter(kind=UnitKind.TRUONG)
        if not visible(request.user, "org.school.manage", schools).exists():
            raise Http404
        response = HttpResponse(template_bytes(_kind(kind)), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
        return response
