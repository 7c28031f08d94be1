"""API of the gradebook: the same services and policy as the web pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.errors import DomainError, NotFound
from hoso.grading import selectors
from hoso.grading.catalogue import sheet_columns
from hoso.grading.compute import class_cells, class_gradebook
from hoso.grading.models import CorrectionRequest, EntryWindow
from hoso.grading.services.entries import CellChange, entries_save, require_view
from hoso.grading.services.windows import (
    correction_approve,
    correction_refuse,
    correction_request,
    window_close,
    window_open,
)
from hoso.org.models import Student, Unit, UnitKind
from hoso.policy import get_or_404


class ClassOut(serializers.ModelSerializer[Unit]):
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "grade", "school", "school_name"]


class ClassList(APIView):
    @extend_schema(responses=ClassOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(ClassOut(selectors.classes_for(request.user), many=True).data)


class Gradebook(APIView):
    """Per student and subject: the raw entries and the results computed by the rules."""

    @extend_schema(
        parameters=[OpenApiParameter("term", str, enum=["HK1", "HK2", "CN"])],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, pk: int) -> Response:
        school_class = selectors.class_for(request.user, pk)
        term = request.query_params.get("term", "HK1")
        if term not in ("HK1", "HK2", "CN"):
            raise DomainError(_("Tham số term phải là HK1, HK2 hoặc CN."), fields={"term": [term]})
        return Response(class_gradebook(school_class, term))


class CellIn(serializers.Serializer[Any]):
    student = serializers.IntegerField()
    area = serializers.CharField(max_length=60)
    slot = serializers.CharField(max_length=30)
    value = serializers.CharField(allow_blank=True, max_length=600)


class EntriesIn(serializers.Serializer[Any]):
    cells = CellIn(many=True)


class Entries(APIView):
    """The cells of one grid (subject code, "pcnl" or "ren_luyen") of a class."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int, sheet: str) -> Response:
        school_class = selectors.class_for(request.user, pk)
        require_view(request.user, school_class)
        columns = sheet_columns(school_class, sheet)
        windows = selectors.open_windows(school_class)
        cells = class_cells(school_class)
        wanted = {(c.area, c.slot) for c in columns}
        return Response(
            {
                "columns": [
                    {
                        "area": c.area,
                        "slot": c.slot,
                        "label": c.label,
                        "kind": c.kind,
                        "checkpoint": c.checkpoint,
                        "open": selectors.is_open(windows, school_class, c),
                    }
                    for c in columns
                ],
                "cells": [
                    {"student": sid, "area": area, "slot": slot, "value": value}
                    for sid, areas in cells.items()
                    for area, slots in areas.items()
                    for slot, value in slots.items()
                    if (area, slot) in wanted
                ],
            }
        )

    @extend_schema(request=EntriesIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int, sheet: str) -> Response:
        school_class = selectors.class_for(request.user, pk)
        data = EntriesIn(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            CellChange(c["student"], c["area"], c["slot"], c["value"])
            for c in data.validated_data["cells"]
        ]
        saved = entries_save(
            actor=request.user, school_class=school_class, sheet=sheet, changes=changes
        )
        return Response({"saved": saved})


class WindowOut(serializers.ModelSerializer[EntryWindow]):
    class Meta:
        model = EntryWindow
        fields = [
            "id",
            "school",
            "grade",
            "school_class",
            "sheet",
            "checkpoint",
            "reason",
            "opened_by",
            "opened_at",
            "closed_at",
            "closed_by",
            "close_reason",
        ]


class WindowIn(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)
    checkpoint = serializers.CharField(allow_blank=True, required=False, default="")
    grade = serializers.IntegerField(required=False, allow_null=True, default=None)
    school_class = serializers.IntegerField(required=False, allow_null=True, default=None)
    sheet = serializers.CharField(allow_blank=True, required=False, default="")


class Windows(APIView):
    @extend_schema(responses=WindowOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(WindowOut(selectors.windows_for(request.user)[:200], many=True).data)

    @extend_schema(request=WindowIn, responses=WindowOut)
    def post(self, request: Request) -> Response:
        data = WindowIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        # A school hidden from the caller answers exactly like a missing one.
        school = get_or_404(
            request.user, "org.unit.view", Unit.objects.filter(kind=UnitKind.TRUONG), pk=v["school"]
        )
        school_class = None
        if v["school_class"]:
            school_class = selectors.class_for(request.user, v["school_class"])
        window = window_open(
            actor=request.user,
            school=school,
            reason=v["reason"],
            checkpoint=v["checkpoint"],
            grade=v["grade"],
            school_class=school_class,
            sheet=v["sheet"],
        )
        return Response(WindowOut(window).data, status=201)


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class WindowClose(APIView):
    @extend_schema(request=ReasonIn, responses=WindowOut)
    def post(self, request: Request, pk: int) -> Response:
        window = get_or_404(
            request.user, "grading.window.manage", selectors.windows_for(request.user), pk=pk
        )
        body = ReasonIn(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        return Response(
            WindowOut(window_close(actor=request.user, window=window, reason=reason)).data
        )


class CorrectionOut(serializers.ModelSerializer[CorrectionRequest]):
    class Meta:
        model = CorrectionRequest
        fields = [
            "id",
            "school_class",
            "student",
            "area",
            "slot",
            "old_value",
            "new_value",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class CorrectionIn(serializers.Serializer[Any]):
    school_class = serializers.IntegerField()
    sheet = serializers.CharField(max_length=60)
    student = serializers.IntegerField()
    area = serializers.CharField(max_length=60)
    slot = serializers.CharField(max_length=30)
    new_value = serializers.CharField(allow_blank=True, max_length=600)
    reason = serializers.CharField(allow_blank=True, max_length=500)


class Corrections(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["pending", "approved", "refused"])],
        responses=CorrectionOut(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.corrections_for(request.user, status=request.query_params.get("status"))
        return Response(CorrectionOut(rows[:500], many=True).data)

    @extend_schema(request=CorrectionIn, responses=CorrectionOut)
    def post(self, request: Request) -> Response:
        data = CorrectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        school_class = selectors.class_for(request.user, v["school_class"])
        student = Student.objects.filter(pk=v["student"]).first()
        if student is None:
            raise NotFound(_("Không tìm thấy học sinh."))
        req = correction_request(
            actor=request.user,
            school_class=school_class,
            sheet=v["sheet"],
            student=student,
            area=v["area"],
            slot=v["slot"],
            new_value=v["new_value"],
            reason=v["reason"],
        )
        return Response(CorrectionOut(req).data, status=201)


class NoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class CorrectionDecide(APIView):
    @extend_schema(
        request=NoteIn, responses=CorrectionOut, operation_id="grading_corrections_decide"
    )
    def post(self, request: Request, pk: int, decision: str) -> Response:
        req = get_or_404(
            request.user, "grading.correction.view", selectors.corrections_for(request.user), pk=pk
        )
        body = NoteIn(data=request.data)
        body.is_valid(raise_exception=True)
        note = body.validated_data["note"]
        if decision == "approve":
            correction_approve(actor=request.user, request=req, note=note)
        elif decision == "refuse":
            correction_refuse(actor=request.user, request=req, note=note)
        else:
            raise NotFound(_("Thao tác phải là approve hoặc refuse."))
        req.refresh_from_db()
        return Response(CorrectionOut(req).data)


class StudentResults(APIView):
    """A guardian's view: the published results of one linked student."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        student = get_or_404(request.user, "grading.student.results", Student.objects.all(), pk=pk)
        return Response(
            {
                "student": {"id": student.pk, "full_name": student.full_name},
                "results": selectors.published_results(student),
            }
        )
