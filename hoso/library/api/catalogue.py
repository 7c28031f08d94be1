"""API of the library (/api/v1/library/): catalogue (titles) and copies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import BibRecord, Copy
from hoso.library.services import catalogue
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404, visible

SCHOOLS = Unit.objects.filter(kind=UnitKind.TRUONG)


@extend_schema_serializer(component_name="LibraryRecordOut")
class RecordOut(serializers.ModelSerializer[BibRecord]):
    class Meta:
        model = BibRecord
        fields = [
            "id",
            "school",
            "kind",
            "title",
            "authors",
            "publisher",
            "pub_place",
            "pub_year",
            "isbn",
            "subject",
            "grade",
            "series",
            "language",
            "scheme",
            "class_number",
            "author_mark",
        ]


class RecordIn(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    kind = serializers.CharField(required=False, default="STK")
    title = serializers.CharField(max_length=400)
    authors = serializers.CharField(required=False, allow_blank=True, default="")
    publisher = serializers.CharField(required=False, allow_blank=True, default="")
    pub_place = serializers.CharField(required=False, allow_blank=True, default="")
    pub_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    isbn = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.IntegerField(required=False, allow_null=True, default=None)
    # No max_length here: the service refuses an over-long series with its Vietnamese message.
    series = serializers.CharField(required=False, allow_blank=True, default="")
    scheme = serializers.CharField(required=False, allow_blank=True, default="")
    class_number = serializers.CharField(required=False, allow_blank=True, default="")
    author_mark = serializers.CharField(required=False, allow_blank=True, default="")


class CopyOut(serializers.ModelSerializer[Copy]):
    class Meta:
        model = Copy
        fields = ["id", "record", "school", "reg_number", "barcode", "location", "price", "status"]


class CopiesIn(serializers.Serializer[Any]):
    count = serializers.IntegerField(min_value=1, max_value=catalogue.MAX_COPIES_AT_ONCE, default=1)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    price = serializers.IntegerField(min_value=0, default=0)
    barcode = serializers.CharField(required=False, allow_blank=True, default="")


_Q = OpenApiParameter(
    "q", str, description="tìm không dấu: nhan đề, tác giả, chủ đề, bộ sách, ISBN"
)
_SCHOOL = OpenApiParameter("school", int, description="trường (mặc định: mọi trường được xem)")


class RecordList(generics.ListCreateAPIView[BibRecord]):
    serializer_class = RecordOut

    @extend_schema(parameters=[_Q, _SCHOOL])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[BibRecord]:
        records = visible(self.request.user, "library.view", BibRecord.objects.all())
        school = self.request.query_params.get("school", "")
        if school.isdigit() and len(school) < 19:
            records = records.filter(school_id=int(school))
        return selectors.search_records(records, self.request.query_params.get("q", ""))

    @extend_schema(request=RecordIn, responses={201: RecordOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        school = get_or_404(
            request.user, "library.manage", SCHOOLS, pk=data.validated_data["school"]
        )
        record = catalogue.record_create(
            actor=request.user, school=school, data=dict(data.validated_data), ip=client_ip(request)
        )
        return Response(RecordOut(record).data, status=status.HTTP_201_CREATED)


class RecordDetail(generics.RetrieveAPIView[BibRecord]):
    serializer_class = RecordOut

    def get_object(self) -> BibRecord:
        return get_or_404(
            self.request.user, "library.view", BibRecord.objects.all(), pk=self.kwargs["pk"]
        )


class CopyList(generics.ListCreateAPIView[Copy]):
    serializer_class = CopyOut

    def get_queryset(self) -> QuerySet[Copy]:
        record = get_or_404(
            self.request.user, "library.view", BibRecord.objects.all(), pk=self.kwargs["pk"]
        )
        return selectors.record_copies(record)

    @extend_schema(request=CopiesIn, responses={201: CopyOut(many=True)})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = get_or_404(
            request.user, "library.manage", BibRecord.objects.all(), pk=kwargs["pk"]
        )
        data = CopiesIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = catalogue.NewCopy(location=v["location"], price=v["price"], barcode=v["barcode"])
        copies = catalogue.copies_add(
            actor=request.user, record=record, items=[item] * v["count"], ip=client_ip(request)
        )
        # The shape of the list's page (count, results): one schema for reading and adding.
        body = {"count": len(copies), "results": CopyOut(copies, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)
