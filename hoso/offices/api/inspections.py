"""API /api/v1/offices/inspections/: an office's inspections of the schools below (list, open,
detail with the scope items, their findings and the school's records of each, write a finding,
draw up the biên bản, send it) and a school's gradebook entry progress. The biên bản is signed
through the records API like any record; the school answers it through the inbox API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.offices import forms, selectors
from hoso.offices.models import Finding, Inspection
from hoso.offices.services import inspections
from hoso.policy import get_or_404

ID = {"min_value": 1, "max_value": 2**62}
TEXT = {"required": False, "allow_blank": True, "max_length": 5000}


class InspectionOut(serializers.ModelSerializer[Inspection]):
    office = serializers.IntegerField(source="office_id")
    school = serializers.IntegerField(source="school_id")
    school_name = serializers.CharField(source="school.name")
    school_year = serializers.IntegerField(source="school_year_id")
    minutes = serializers.IntegerField(source="minutes_id", allow_null=True)
    directive = serializers.IntegerField(source="directive_id", allow_null=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "office",
            "school",
            "school_name",
            "school_year",
            "title",
            "decision",
            "scope_types",
            "scope_gradebook",
            "scope_library",
            "state",
            "opened_at",
            "minutes",
            "directive",
        ]


class InspectionFindingOut(serializers.ModelSerializer[Finding]):
    written_by = serializers.IntegerField(source="written_by_id")

    class Meta:
        model = Finding
        fields = [
            "item",
            "strengths",
            "weaknesses",
            "recommendation",
            "evidence",
            "written_by",
            "written_at",
        ]


class InspectionItemRecordOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    state = serializers.CharField()


class InspectionItemOut(serializers.Serializer[Any]):
    item = serializers.CharField()
    label = serializers.CharField()
    finding = InspectionFindingOut(allow_null=True)
    records = InspectionItemRecordOut(many=True)


class InspectionProgressOut(serializers.Serializer[Any]):
    school_class = serializers.IntegerField(source="school_class.pk")
    class_name = serializers.CharField(source="school_class.name")
    subject = serializers.CharField()
    entered = serializers.IntegerField()
    required_now = serializers.IntegerField()
    required_year = serializers.IntegerField()
    percent = serializers.IntegerField()


class InspectionLibraryOut(serializers.Serializer[Any]):
    lib_copies = serializers.IntegerField()
    lib_loans = serializers.IntegerField()
    lib_overdue = serializers.IntegerField()


class InspectionAnswerOut(serializers.Serializer[Any]):
    """The school's side once the biên bản is sent: opened, answered, its answer."""

    received_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField(source="directive.reply_due_at", allow_null=True)
    first_opened_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_text = serializers.CharField()


class InspectionDetailOut(serializers.Serializer[Any]):
    inspection = InspectionOut()
    items = InspectionItemOut(many=True)
    progress = InspectionProgressOut(many=True)
    library = InspectionLibraryOut(allow_null=True)
    school_answer = InspectionAnswerOut(allow_null=True)


class InspectionOpenIn(serializers.Serializer[Any]):
    office = serializers.IntegerField(required=False, **ID)
    school = serializers.IntegerField(**ID)
    title = serializers.CharField(max_length=255)
    decision = serializers.CharField(required=False, allow_blank=True, max_length=255)
    types = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=200
    )
    gradebook = serializers.BooleanField(required=False, default=False)
    library = serializers.BooleanField(required=False, default=False)


class InspectionFindingIn(serializers.Serializer[Any]):
    item = serializers.CharField(max_length=60)
    strengths = serializers.CharField(**TEXT)
    weaknesses = serializers.CharField(**TEXT)
    recommendation = serializers.CharField(**TEXT)
    evidence = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, max_length=200
    )


class InspectionSendIn(serializers.Serializer[Any]):
    reply_due_at = serializers.CharField(max_length=40)


class InspectionMinutesOut(serializers.Serializer[Any]):
    record = serializers.IntegerField()


def _inspection(request: Request, pk: int) -> Inspection:
    rows = selectors.inspections_visible_to(request.user)
    return get_or_404(request.user, "offices.inspection.view", rows, pk=pk)


def _detail(request: Request, inspection: Inspection) -> dict[str, Any]:
    reads = selectors.inspection_reads(request.user, inspection)
    return {"inspection": inspection, "school_answer": reads.pop("recipient"), **reads}


class InspectionList(generics.ListAPIView[Inspection]):
    serializer_class = InspectionOut

    def get_queryset(self) -> QuerySet[Inspection]:
        return selectors.inspections_visible_to(self.request.user)

    @extend_schema(request=InspectionOpenIn, responses={201: InspectionOut})
    def post(self, request: Request) -> Response:
        data = InspectionOpenIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        opened = inspections.inspection_open(
            actor=request.user,
            office=selectors.office_of(request.user, values.get("office")),
            school_id=values["school"],
            title=values["title"],
            decision=values.get("decision", ""),
            type_codes=values.get("types", []),
            gradebook=values["gradebook"],
            library=values["library"],
            ip=client_ip(request._request),
        )
        return Response(InspectionOut(opened).data, status=201)


class InspectionDetail(APIView):
    @extend_schema(responses={200: InspectionDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(InspectionDetailOut(_detail(request, _inspection(request, pk))).data)


class InspectionFinding(APIView):
    @extend_schema(request=InspectionFindingIn, responses={200: InspectionFindingOut})
    def post(self, request: Request, pk: int) -> Response:
        inspection = _inspection(request, pk)
        data = InspectionFindingIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        finding = inspections.finding_save(
            actor=request.user,
            inspection_id=inspection.pk,
            item=values["item"],
            strengths=values.get("strengths", ""),
            weaknesses=values.get("weaknesses", ""),
            recommendation=values.get("recommendation", ""),
            evidence=values.get("evidence", []),
            ip=client_ip(request._request),
        )
        return Response(InspectionFindingOut(finding).data)


class InspectionMinutes(APIView):
    @extend_schema(request=None, responses={201: InspectionMinutesOut})
    def post(self, request: Request, pk: int) -> Response:
        """Draw up the biên bản: an office record submitted to its chain, signed through
        /api/v1/records/{id}/sign/ like any record."""
        inspection = _inspection(request, pk)
        record = inspections.minutes_draw_up(
            actor=request.user, inspection_id=inspection.pk, ip=client_ip(request._request)
        )
        return Response({"record": record.pk}, status=201)


class InspectionSend(APIView):
    @extend_schema(request=InspectionSendIn, responses={200: InspectionOut})
    def post(self, request: Request, pk: int) -> Response:
        inspection = _inspection(request, pk)
        data = InspectionSendIn(data=request.data)
        data.is_valid(raise_exception=True)
        sent = inspections.minutes_send(
            actor=request.user,
            inspection_id=inspection.pk,
            reply_due_at=forms.parse_due(data.validated_data["reply_due_at"], required=True),
            ip=client_ip(request._request),
        )
        return Response(InspectionOut(sent).data)


class SchoolProgress(APIView):
    @extend_schema(responses={200: InspectionProgressOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Gradebook entry progress of one school this year, per class and subject."""
        _school, _year, rows = selectors.school_progress_now(request.user, pk)
        return Response(InspectionProgressOut(rows, many=True).data)
