"""API of phân công giảng dạy, GVCN, môn tự chọn and the Sở's rule settings: the same services
and policy as the pages in views.assignments."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.grading.catalogue import catalogue, config_for
from hoso.grading.models import Homeroom, TeachingAssignment
from hoso.grading.selectors import (
    assignments_of,
    config_units,
    managed_school,
    school_classes,
    school_grades,
    school_teachers,
)
from hoso.grading.services.assignments import (
    AssignmentChange,
    assignments_assign,
    grading_config_assign,
    school_subjects_assign,
)
from hoso.grading.sheets import PCNL, REN_LUYEN, is_primary
from hoso.org.models import Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import get_or_404


class ChangeIn(serializers.Serializer[Any]):
    school_class = serializers.IntegerField()
    subject = serializers.CharField(max_length=60, help_text='Mã môn, hoặc "gvcn".')
    teacher = serializers.IntegerField(allow_null=True)


class ChangesIn(serializers.Serializer[Any]):
    changes = ChangeIn(many=True)


class Assignments(APIView):
    """This year's teaching assignments and GVCN of one school (subject "gvcn" = GVCN)."""

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="grading_school_assignments")
    def get(self, request: Request, pk: int) -> Response:
        school = managed_school(request.user, pk)
        return Response(
            {
                "school": {"id": school.pk, "name": school.name},
                "teachers": [
                    {"id": t.pk, "full_name": t.staff.full_name} for t in school_teachers(school)
                ],
                "classes": [
                    {"id": c.pk, "name": c.name, "grade": c.grade} for c in school_classes(school)
                ],
                "assignments": [
                    {"school_class": int(k.split("|")[0]), "subject": k.split("|")[1], "teacher": t}
                    for k, t in sorted(assignments_of(school).items())
                ],
            }
        )

    @extend_schema(
        request=ChangesIn,
        responses=OpenApiTypes.OBJECT,
        operation_id="grading_school_assignments_assign",
    )
    def post(self, request: Request, pk: int) -> Response:
        school = managed_school(request.user, pk)
        data = ChangesIn(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            AssignmentChange(c["school_class"], c["subject"], c["teacher"])
            for c in data.validated_data["changes"]
        ]
        count = assignments_assign(
            actor=request.user, school=school, changes=changes, ip=client_ip(request)
        )
        return Response({"changed": count})


class SubjectsIn(serializers.Serializer[Any]):
    grade = serializers.IntegerField()
    enabled = serializers.ListField(child=serializers.CharField(max_length=60))


class Subjects(APIView):
    """The national catalogue of one grade, with sources, joined with the school's electives."""

    @extend_schema(
        parameters=[OpenApiParameter("grade", int)],
        responses=OpenApiTypes.OBJECT,
        operation_id="grading_school_subjects",
    )
    def get(self, request: Request, pk: int) -> Response:
        school = managed_school(request.user, pk)
        grade = _grade(school, request.query_params.get("grade"))
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "periods_per_year": r.periods_per_year,
                "elective": r.elective,
                "enabled": r.enabled,
                "confirmed": r.confirmed,
                "unconfirmed": list(r.unconfirmed),
                "sources": [{"title": s.title, "url": s.url} for s in r.sources],
            }
            for r in catalogue(school, grade)
        ]
        return Response({"grade": grade, "subjects": rows})

    @extend_schema(
        request=SubjectsIn, responses=OpenApiTypes.OBJECT, operation_id="grading_school_electives"
    )
    def post(self, request: Request, pk: int) -> Response:
        school = managed_school(request.user, pk)
        data = SubjectsIn(data=request.data)
        data.is_valid(raise_exception=True)
        grade = _grade(school, data.validated_data["grade"])
        changed = school_subjects_assign(
            actor=request.user,
            school=school,
            grade=grade,
            enabled=set(data.validated_data["enabled"]),
            ip=client_ip(request),
        )
        return Response({"changed": changed})


def _grade(school: Unit, raw: Any) -> int:
    grades = school_grades(school)
    try:
        grade = int(raw) if raw not in (None, "") else grades[0]
    except (TypeError, ValueError, IndexError):
        grade = 0
    if grade not in grades:
        raise DomainError(
            _("Khối lớp phải là một trong: %(items)s.") % {"items": ", ".join(map(str, grades))},
            fields={"grade": [str(raw)]},
        )
    return grade


class ConfigIn(serializers.Serializer[Any]):
    hoan_thanh_min_test_score = serializers.IntegerField()
    conduct_year_rule = serializers.CharField(max_length=20)


class ConfigOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    hoan_thanh_min_test_score = serializers.IntegerField()
    conduct_year_rule = serializers.CharField()
    confirmed = serializers.BooleanField()


# Built with type(): one field is named "as", a Python keyword.
SheetOut = type(
    "SheetOut",
    (serializers.Serializer,),
    {
        "school_class": serializers.IntegerField(),
        "class_name": serializers.CharField(),
        "sheet": serializers.CharField(),
        "as": serializers.ChoiceField(choices=["subject_teacher", "gvcn"]),
    },
)


def _config_out(unit: Unit) -> dict[str, Any]:
    config = config_for(unit)
    return {
        "unit": unit.pk,
        "name": unit.name,
        "hoan_thanh_min_test_score": config.hoan_thanh_min_test_score,
        "conduct_year_rule": config.conduct_year_rule,
        "confirmed": False,
    }


class ConfigList(APIView):
    """The rule settings of the Sở units the caller administers."""

    @extend_schema(responses=ConfigOut(many=True), operation_id="grading_config_list")
    def get(self, request: Request) -> Response:
        return Response([_config_out(u) for u in config_units(request.user)])


class ConfigDetail(APIView):
    @extend_schema(request=ConfigIn, responses=ConfigOut, operation_id="grading_config_assign")
    def post(self, request: Request, pk: int) -> Response:
        units = Unit.objects.filter(kind=UnitKind.SO)
        unit = get_or_404(request.user, "grading.config.manage", units, pk=pk)
        data = ConfigIn(data=request.data)
        data.is_valid(raise_exception=True)
        grading_config_assign(
            actor=request.user,
            unit=unit,
            min_test_score=data.validated_data["hoan_thanh_min_test_score"],
            conduct_year_rule=data.validated_data["conduct_year_rule"],
            ip=client_ip(request),
        )
        return Response(_config_out(unit))


class MySheets(APIView):
    """The grids the caller enters this year: assigned class-subjects, and the phẩm chất, năng
    lực (tiểu học) or rèn luyện sheet of the classes where they are GVCN."""

    @extend_schema(responses=SheetOut(many=True), operation_id="grading_my_sheets")
    def get(self, request: Request) -> Response:
        year = current_year()
        rows = [
            {
                "school_class": a.school_class_id,
                "class_name": a.school_class.name,
                "sheet": a.subject_code,
                "as": "subject_teacher",
            }
            for a in TeachingAssignment.objects.filter(teacher_id=request.user.pk, school_year=year)
            .select_related("school_class")
            .order_by("school_class__name", "subject_code")
        ]
        for h in Homeroom.objects.filter(
            teacher_id=request.user.pk, school_year=year
        ).select_related("school_class"):
            sheet = PCNL if is_primary(h.school_class.grade or 0) else REN_LUYEN
            rows.append(
                {
                    "school_class": h.school_class_id,
                    "class_name": h.school_class.name,
                    "sheet": sheet,
                    "as": "gvcn",
                }
            )
        return Response(rows)
