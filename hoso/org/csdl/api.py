"""API of the CSDL ngành exchange: preview a file (the diff and a token), confirm the token
(all rows or none), export a layout. Same rules and services as the pages (hoso.org.csdl.views)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import error_body, id_field
from hoso.core.http import client_ip
from hoso.org.csdl.layouts import layouts
from hoso.org.csdl.plan import CREATE, SAME, UPDATE, Plan
from hoso.org.csdl.services import (
    CsdlRejected,
    csdl_confirm,
    csdl_export,
    csdl_preview,
)
from hoso.org.models import Unit
from hoso.policy import get_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CsdlPreviewIn(serializers.Serializer[Any]):
    file = serializers.FileField()
    school = id_field(help_text="id của trường")


class CsdlConfirmIn(serializers.Serializer[Any]):
    school = id_field(help_text="id của trường")
    token = serializers.CharField(max_length=100, help_text="mã bản xem trước")


class CsdlChangeOut(serializers.Serializer[Any]):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class CsdlRowOut(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=[CREATE, UPDATE, SAME])
    label = serializers.CharField(allow_blank=True)
    changes = CsdlChangeOut(many=True)


class CsdlLayoutOut(serializers.Serializer[Any]):
    id = serializers.CharField()
    entity = serializers.CharField()
    title = serializers.CharField()
    version = serializers.CharField()
    status = serializers.CharField()


class CsdlErrorOut(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class CsdlPlanOut(serializers.Serializer[Any]):
    layout = CsdlLayoutOut()
    token = serializers.CharField(allow_blank=True, required=False)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = CsdlRowOut(many=True)


class CsdlRejectedOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()
    errors = CsdlErrorOut(many=True, required=False)


def _plan_body(plan: Plan, *, rows: bool = True) -> dict[str, Any]:
    lay = plan.layout
    return {
        "layout": {
            "id": lay.id,
            "entity": lay.entity,
            "title": lay.title,
            "version": lay.version,
            "status": lay.status,
        },
        "created": plan.count(CREATE),
        "updated": plan.count(UPDATE),
        "unchanged": plan.count(SAME),
        "rows": [
            {
                "row": r.row,
                "action": r.action,
                "label": r.label,
                "changes": [c.__dict__ for c in r.changes],
            }
            for r in plan.rows
        ]
        if rows
        else [],
    }


def _rejected(message: str, plan: Plan) -> Response:
    body = error_body("import_rejected", message)
    body["errors"] = [error.as_dict() for error in plan.errors]
    return Response(body, status=400)


def _school(request: Request, pk: int) -> Unit:
    # Not one of the person's schools = missing: 404, as any object they may not reach.
    return get_or_404(request.user, "org.csdl.import", Unit.objects.all(), pk=pk)


class PreviewView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=CsdlPreviewIn,
        responses={
            200: OpenApiResponse(
                CsdlPlanOut, description="xem trước: thêm mới, thay đổi, giữ nguyên"
            ),
            400: OpenApiResponse(CsdlRejectedOut, description="tệp có lỗi; không có gì được ghi"),
        },
    )
    def post(self, request: Request) -> Response:
        form = CsdlPreviewIn(data=request.data)
        form.is_valid(raise_exception=True)
        school = _school(request, form.validated_data["school"])
        preview = csdl_preview(
            actor=request.user, school=school, data=form.validated_data["file"].read()
        )
        if not preview.plan.ok:
            message = _(
                "Tệp có lỗi: không dòng nào sẽ được ghi. Hãy sửa các lỗi dưới đây rồi tải lên lại."
            )
            return _rejected(message, preview.plan)
        return Response({**_plan_body(preview.plan), "token": preview.token})


class ConfirmView(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request=CsdlConfirmIn,
        responses={
            200: OpenApiResponse(CsdlPlanOut, description="đã nhập"),
            400: OpenApiResponse(CsdlRejectedOut, description="không nhập; không có gì được ghi"),
        },
    )
    def post(self, request: Request) -> Response:
        form = CsdlConfirmIn(data=request.data)
        form.is_valid(raise_exception=True)
        school = _school(request, form.validated_data["school"])
        try:
            plan = csdl_confirm(
                actor=request.user,
                school=school,
                token=form.validated_data["token"],
                ip=client_ip(request._request),
            )
        except CsdlRejected as rejected:
            return _rejected(rejected.message, rejected.plan)
        return Response(_plan_body(plan, rows=False))


class ExportView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("don_vi", int, description="id của trường, Phòng hoặc Sở")],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="tệp .xlsx")},
    )
    def get(self, request: Request, layout_id: str) -> HttpResponse:
        if layout_id not in layouts():
            raise Http404
        unit = get_or_404(
            request.user,
            "org.csdl.export",
            Unit.objects.all(),
            pk=request.query_params.get("don_vi", ""),
        )
        data = csdl_export(
            actor=request.user, unit=unit, layout_id=layout_id, ip=client_ip(request._request)
        )
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="csdl-{layout_id}-{unit.pk}.xlsx"'
        return response
