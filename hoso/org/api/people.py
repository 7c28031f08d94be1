"""API: units, people (staff), students — only what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from hoso.org.csdl.identity import shown_personal_id
from hoso.org.models import Staff, Student, Unit
from hoso.org.selectors import staff_visible_to, students_visible_to, units_visible_to
from hoso.policy import get_or_404


class UnitOut(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "level", "parent", "school", "grade"]


class PersonOut(serializers.ModelSerializer[Staff]):
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Staff
        fields = [
            "id",
            "code",
            "full_name",
            "gender",
            "birth_date",
            "position",
            "unit",
            "unit_name",
        ]


class StudentOut(serializers.ModelSerializer[Student]):
    class Meta:
        model = Student
        fields = ["id", "code", "full_name", "gender", "birth_date", "school"]


class _PersonalIdMixin:
    """The số định danh cá nhân, whole or masked as the caller may see it (one object only:
    the lists leave it out)."""

    context: dict[str, Any]

    def get_personal_id(self, obj: Student | Staff) -> str:
        return shown_personal_id(self.context["request"].user, obj)


_PERSONAL_ID_HELP = "số định danh cá nhân; che một phần nếu không được xem đầy đủ"


class PersonDetailOut(_PersonalIdMixin, PersonOut):
    personal_id = serializers.SerializerMethodField(help_text=_PERSONAL_ID_HELP)

    class Meta(PersonOut.Meta):
        fields = [*PersonOut.Meta.fields, "moet_code", "personal_id"]


class StudentDetailOut(_PersonalIdMixin, StudentOut):
    personal_id = serializers.SerializerMethodField(help_text=_PERSONAL_ID_HELP)

    class Meta(StudentOut.Meta):
        fields = [*StudentOut.Meta.fields, "moet_code", "personal_id"]


class UnitList(generics.ListAPIView[Unit]):
    serializer_class = UnitOut

    def get_queryset(self) -> QuerySet[Unit]:
        return units_visible_to(self.request.user)


_Q = OpenApiParameter("q", str, description="tìm theo tên hoặc mã")


class PersonList(generics.ListAPIView[Staff]):
    serializer_class = PersonOut

    @extend_schema(parameters=[_Q])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Staff]:
        return staff_visible_to(self.request.user, q=self.request.query_params.get("q", ""))


class PersonDetail(generics.RetrieveAPIView[Staff]):
    serializer_class = PersonDetailOut

    def get_object(self) -> Staff:
        return get_or_404(
            self.request.user,
            "org.staff.view",
            Staff.objects.select_related("unit"),
            pk=self.kwargs["pk"],
        )


class StudentList(generics.ListAPIView[Student]):
    serializer_class = StudentOut

    @extend_schema(parameters=[_Q])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Student]:
        return students_visible_to(self.request.user, q=self.request.query_params.get("q", ""))


class StudentDetail(generics.RetrieveAPIView[Student]):
    serializer_class = StudentDetailOut

    def get_object(self) -> Student:
        return get_or_404(
            self.request.user,
            "org.student.view",
            Student.objects.select_related("school"),
            pk=self.kwargs["pk"],
        )
