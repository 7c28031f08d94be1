"""API /api/v1/offices/reports/: requests (list, create with a template upload, detail with
per-unit status, summed figures) and the units' reports (list, submit, return)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.offices import cells as xl
from hoso.offices import forms, selectors
from hoso.offices.models import Audience, Recurrence, ReportAssignment, ReportRequest, TemplateKind
from hoso.offices.services import reports
from hoso.policy import get_or_404


class RequestOut(serializers.ModelSerializer[ReportRequest]):
    office = serializers.IntegerField(source="office_id")

    class Meta:
        model = ReportRequest
        fields = [
            "id",
            "office",
            "title",
            "instructions",
            "period_key",
            "deadline",
            "template_kind",
            "template_filename",
            "cells",
            "signer_role",
            "audience",
            "audience_level",
            "recurrence",
            "previous",
            "created_at",
        ]


class AssignmentOut(serializers.ModelSerializer[ReportAssignment]):
    request = serializers.IntegerField(source="request_id")
    title = serializers.CharField(source="request.title")
    deadline = serializers.DateTimeField(source="request.deadline")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    submitted_by = serializers.IntegerField(source="submitted_by_id", allow_null=True)
    record = serializers.IntegerField(source="record_id", allow_null=True)

    class Meta:
        model = ReportAssignment
        fields = [
            "id",
            "request",
            "title",
            "deadline",
            "unit",
            "unit_name",
            "state",
            "submitted_at",
            "submitted_by",
            "late",
            "figures",
            "filename",
            "record",
            "returned_at",
            "return_comment",
        ]


class RequestIn(serializers.Serializer[Any]):
    office = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    title = serializers.CharField(max_length=255)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    deadline = serializers.CharField(max_length=40)
    template_kind = serializers.ChoiceField(choices=TemplateKind.choices)
    template = serializers.FileField(required=False)
    cells = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    signer_role = serializers.CharField(required=False, allow_blank=True, max_length=10)
    audience = serializers.ChoiceField(choices=Audience.choices)
    level = serializers.CharField(required=False, allow_blank=True, max_length=10)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=5000,
    )
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)


class SubmitIn(serializers.Serializer[Any]):
    file = serializers.FileField(required=False)
    record = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


@extend_schema_serializer(component_name="ReportReturnIn")
class ReturnIn(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_serializer(component_name="ReportRequestStatusOut")
class StatusOut(serializers.Serializer[Any]):
    submitted = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.IntegerField())
    totals = serializers.DictField(child=serializers.FloatField())


def _file(value: Any) -> reports.FileIn | None:
    if value is None:
        return None
    return reports.FileIn(value.read(), value.name or "")


def _request(request: Request, pk: int) -> ReportRequest:
    return get_or_404(
        request.user, "offices.report.view", selectors.reports_visible_to(request.user), pk=pk
    )


def _assignment(request: Request, pk: int) -> ReportAssignment:
    return get_or_404(
        request.user,
        "offices.assignment.view",
        selectors.assignments_visible_to(request.user),
        pk=pk,
    )


class RequestList(generics.ListAPIView[ReportRequest]):
    serializer_class = RequestOut

    def get_queryset(self) -> QuerySet[ReportRequest]:
        return selectors.reports_visible_to(self.request.user)

    @extend_schema(request={"multipart/form-data": RequestIn}, responses={201: RequestOut})
    def post(self, request: Request) -> Response:
        data = RequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        units = request.data.getlist("units") if hasattr(request.data, "getlist") else None
        created = reports.report_request_create(
            actor=request.user,
            office=selectors.office_of(request.user, values.get("office")),
            title=values["title"],
            instructions=values.get("instructions", ""),
            deadline=forms.parse_due(values["deadline"], field="deadline", required=True),
            template_kind=values["template_kind"],
            template=_file(values.get("template")),
            cells=values.get("cells", ""),
            signer_role=values.get("signer_role", ""),
            audience=values["audience"],
            level=values.get("level", ""),
            unit_ids=forms.parse_ids(units, field="units") if units else values.get("units", []),
            recurrence=values.get("recurrence", Recurrence.ONCE),
            ip=client_ip(request._request),
        )
        return Response(RequestOut(created).data, status=201)


class RequestDetail(APIView):
    @extend_schema(responses={200: RequestOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(RequestOut(_request(request, pk)).data)


class RequestStatus(APIView):
    @extend_schema(responses={200: StatusOut})
    def get(self, request: Request, pk: int) -> Response:
        """Counts, the units missing after the deadline, and the summed figures per cell."""
        report = _request(request, pk)
        status = selectors.report_status(report)
        totals = xl.summed(list(report.cells), (r.figures for r in status.submitted))
        body = {
            "submitted": len(status.submitted),
            "late": len(status.late),
            "returned": len(status.returned),
            "missing": [r.unit_id for r in status.missing],
            "totals": totals,
        }
        return Response(body)


class RequestUnits(generics.ListAPIView[ReportAssignment]):
    serializer_class = AssignmentOut

    def get_queryset(self) -> QuerySet[ReportAssignment]:
        report = _request(self.request, self.kwargs["pk"])
        return selectors.assignments_visible_to(self.request.user).filter(request=report)


class AssignmentList(generics.ListAPIView[ReportAssignment]):
    """The reports the person's units are asked for."""

    serializer_class = AssignmentOut

    def get_queryset(self) -> QuerySet[ReportAssignment]:
        return selectors.reports_due_for(self.request.user)


class AssignmentDetail(APIView):
    @extend_schema(responses={200: AssignmentOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(AssignmentOut(_assignment(request, pk)).data)


class AssignmentSubmit(APIView):
    @extend_schema(request={"multipart/form-data": SubmitIn}, responses={200: AssignmentOut})
    def post(self, request: Request, pk: int) -> Response:
        row = _assignment(request, pk)
        data = SubmitIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = reports.report_submit(
            actor=request.user,
            assignment_id=row.pk,
            upload=_file(data.validated_data.get("file")),
            record_id=data.validated_data.get("record"),
            ip=client_ip(request._request),
        )
        return Response(AssignmentOut(done).data)


class AssignmentReturn(APIView):
    @extend_schema(request=ReturnIn, responses={200: AssignmentOut})
    def post(self, request: Request, pk: int) -> Response:
        row = _assignment(request, pk)
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = reports.report_return(
            actor=request.user,
            assignment_id=row.pk,
            comment=data.validated_data.get("comment", ""),
            ip=client_ip(request._request),
        )
        return Response(AssignmentOut(done).data)
