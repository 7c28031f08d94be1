"""API of the Drive/OneDrive import and the year export (/api/v1/drive-import/): the same
services and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.drive_import import selectors
from hoso.drive_import.models import ExportStatus, ImportBatch, ImportItem, ImportRule, YearExport
from hoso.drive_import.policies import MANAGE
from hoso.drive_import.services import batches, exports, rules
from hoso.org.models import SchoolYear
from hoso.policy import get_or_404


class DriveBatchOut(serializers.ModelSerializer[ImportBatch]):
    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "school",
            "filename",
            "zip_sha256",
            "zip_size",
            "source",
            "status",
            "message",
            "total",
            "done",
            "failed",
            "created_at",
        ]


class DriveItemOut(serializers.ModelSerializer[ImportItem]):
    problem = serializers.SerializerMethodField()

    class Meta:
        model = ImportItem
        fields = [
            "id",
            "shown_path",
            "size",
            "sha256",
            "include",
            "note",
            "record_type",
            "owner",
            "school_year",
            "year_name",
            "period_key",
            "title",
            "corrected",
            "state",
            "message",
            "version",
            "problem",
        ]

    def get_problem(self, item: ImportItem) -> str:
        return batches.item_problem(item) if item.include else ""


class DriveUploadIn(serializers.Serializer[Any]):
    file = serializers.FileField()


class DriveCorrectIn(serializers.Serializer[Any]):
    items = serializers.ListField(child=id_field(), required=False, max_length=5000)
    folder = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    record_type = id_field(required=False, allow_null=True)
    owner = id_field(required=False, allow_null=True)
    school_year = id_field(required=False, allow_null=True)
    period_key = serializers.CharField(required=False, allow_blank=True, max_length=20)
    include = serializers.BooleanField(required=False, allow_null=True, default=None)


class DriveRuleOut(serializers.ModelSerializer[ImportRule]):
    class Meta:
        model = ImportRule
        fields = ["id", "position", "pattern", "target", "record_type", "value"]


class DriveRuleIn(serializers.Serializer[Any]):
    pattern = serializers.CharField(max_length=120)
    target = serializers.ChoiceField(choices=["type", "year", "period"])
    record_type = id_field(required=False, allow_null=True)
    value = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    first = serializers.BooleanField(required=False, default=True)


class YearExportOut(serializers.ModelSerializer[YearExport]):
    class Meta:
        model = YearExport
        fields = [
            "id",
            "school",
            "school_year",
            "status",
            "total",
            "done",
            "failed",
            "result_sha256",
            "result_size",
            "created_at",
        ]


class YearExportIn(serializers.Serializer[Any]):
    school_year = id_field()


def _school(request: Request, pk: int) -> Any:
    return get_or_404(request.user, MANAGE, selectors.SCHOOLS, pk=pk)


def _batch(request: Request, pk: int) -> ImportBatch:
    return get_or_404(request.user, MANAGE, ImportBatch.objects.select_related("school"), pk=pk)


class DriveBatchList(generics.ListAPIView[ImportBatch]):
    """A school's import batches; POST uploads a zip (multipart `file`)."""

    serializer_class = DriveBatchOut
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return selectors.batches_of(self.request.user, _school(self.request, self.kwargs["pk"]))

    @extend_schema(request={"multipart/form-data": DriveUploadIn}, responses={201: DriveBatchOut})
    def post(self, request: Request, pk: int) -> Response:
        school = _school(request, pk)
        data = DriveUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        batch = batches.batch_upload(
            actor=request.user,
            school=school,
            stream=upload,
            filename=upload.name or "",
            ip=client_ip(request),
        )
        batch.refresh_from_db()
        return Response(DriveBatchOut(batch).data, status=status.HTTP_201_CREATED)


class DriveBatchDetail(APIView):
    """A batch: status and progress (done, failed, total)."""

    @extend_schema(responses=DriveBatchOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(DriveBatchOut(_batch(request, pk)).data)


class DriveItemList(generics.ListAPIView[ImportItem]):
    """The tree (files in path order) with each proposal; PATCH corrects some of them."""

    serializer_class = DriveItemOut
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ImportItem]:
        return selectors.items_of(_batch(self.request, self.kwargs["pk"]))

    @extend_schema(request=DriveCorrectIn, responses={200: DriveBatchOut})
    def patch(self, request: Request, pk: int) -> Response:
        batch = _batch(request, pk)
        data = DriveCorrectIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        changes = {k: v.get(k) for k in batches.FIELDS if k in v}
        batches.items_correct(
            actor=request.user,
            batch=batch,
            changes=changes,
            item_ids=v.get("items") or None,
            folder=v["folder"] if not v.get("items") else "",
            ip=client_ip(request),
        )
        batch.refresh_from_db()
        return Response(DriveBatchOut(batch).data)


class DriveBatchConfirm(APIView):
    """Start the background import (202); refused while a file lacks its type, owner, year or
    period."""

    @extend_schema(request=None, responses={202: DriveBatchOut})
    def post(self, request: Request, pk: int) -> Response:
        batch = batches.batch_confirm(
            actor=request.user, batch=_batch(request, pk), ip=client_ip(request)
        )
        batch.refresh_from_db()
        return Response(DriveBatchOut(batch).data, status=status.HTTP_202_ACCEPTED)


class DriveBatchReapply(APIView):
    @extend_schema(request=None, responses={200: DriveBatchOut})
    def post(self, request: Request, pk: int) -> Response:
        batch = _batch(request, pk)
        batches.batch_reapply_rules(actor=request.user, batch=batch, ip=client_ip(request))
        return Response(DriveBatchOut(batch).data)


class DriveRuleList(generics.ListAPIView[ImportRule]):
    """The school's naming rules in the order they are tried; POST adds one."""

    serializer_class = DriveRuleOut
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ImportRule]:
        school = _school(self.request, self.kwargs["pk"])
        rules.rules_ensure(school)
        return selectors.rules_of(school)

    @extend_schema(request=DriveRuleIn, responses={201: DriveRuleOut})
    def post(self, request: Request, pk: int) -> Response:
        school = _school(request, pk)
        data = DriveRuleIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rule = rules.rule_add(
            actor=request.user,
            school=school,
            pattern=v["pattern"],
            target=v["target"],
            record_type_id=v.get("record_type"),
            value=v["value"],
            first=v["first"],
            ip=client_ip(request),
        )
        return Response(DriveRuleOut(rule).data, status=status.HTTP_201_CREATED)


class DriveRuleDetail(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int, rule: int) -> Response:
        school = _school(request, pk)
        rules.rule_delete(actor=request.user, school=school, rule_id=rule, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class YearExportList(generics.ListAPIView[YearExport]):
    """A school's year exports; POST asks for one (built in the background, 202)."""

    serializer_class = YearExportOut
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[YearExport]:
        return selectors.exports_of(self.request.user, _school(self.request, self.kwargs["pk"]))

    @extend_schema(request=YearExportIn, responses={202: YearExportOut})
    def post(self, request: Request, pk: int) -> Response:
        school = _school(request, pk)
        data = YearExportIn(data=request.data)
        data.is_valid(raise_exception=True)
        year = SchoolYear.objects.filter(pk=data.validated_data["school_year"]).first()
        if year is None:
            message = _("Không có năm học đã chọn.")
            raise DomainError(message, fields={"school_year": [message]})
        export = exports.export_request(
            actor=request.user, school=school, school_year=year, ip=client_ip(request)
        )
        export.refresh_from_db()
        return Response(YearExportOut(export).data, status=status.HTTP_202_ACCEPTED)


def _export(request: Request, pk: int) -> YearExport:
    return get_or_404(request.user, MANAGE, YearExport.objects.select_related("school"), pk=pk)


class YearExportDetail(APIView):
    @extend_schema(responses=YearExportOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(YearExportOut(_export(request, pk)).data)


class YearExportFile(APIView):
    """The finished zip."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request: Request, pk: int) -> FileResponse:
        export = _export(request, pk)
        if export.status != ExportStatus.DONE or not export.result_sha256:
            raise Http404(NOT_FOUND_MESSAGE)
        exports.export_download_audit(actor=request.user, export=export, ip=client_ip(request))
        return FileResponse(
            exports.export_stream(export),
            as_attachment=True,
            filename=f"ho-so-{export.pk}.zip",
            content_type="application/zip",
        )
