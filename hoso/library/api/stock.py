"""API of the library (/api/v1/library/): stock-taking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import StockTake
from hoso.library.services import stock
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404, visible

SCHOOLS = Unit.objects.filter(kind=UnitKind.TRUONG)


class StockTakeOut(serializers.ModelSerializer[StockTake]):
    class Meta:
        model = StockTake
        fields = ["id", "school", "name", "started_at", "closed_at"]


class StockTakeIn(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    name = serializers.CharField(max_length=120)


class ScanIn(serializers.Serializer[Any]):
    barcodes = serializers.ListField(child=serializers.CharField(max_length=40), max_length=5000)
    location = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ReportOut(serializers.Serializer[Any]):
    scanned = serializers.IntegerField()
    expected = serializers.IntegerField()
    on_loan = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())
    misplaced = serializers.ListField(child=serializers.DictField())
    on_loan_scanned = serializers.ListField(child=serializers.CharField())
    unknown = serializers.ListField(child=serializers.CharField())


class StockTakeList(generics.ListCreateAPIView[StockTake]):
    serializer_class = StockTakeOut

    def get_queryset(self) -> QuerySet[StockTake]:
        return visible(self.request.user, "library.manage", StockTake.objects.all())

    @extend_schema(request=StockTakeIn, responses={201: StockTakeOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = StockTakeIn(data=request.data)
        data.is_valid(raise_exception=True)
        school = get_or_404(
            request.user, "library.manage", SCHOOLS, pk=data.validated_data["school"]
        )
        found = stock.stocktake_open(
            actor=request.user,
            school=school,
            name=data.validated_data["name"],
            ip=client_ip(request),
        )
        return Response(StockTakeOut(found).data, status=status.HTTP_201_CREATED)


class StockTakeDetail(APIView):
    """The discrepancy report (GET) and shelf scans (POST) of one stock-taking."""

    def _found(self, request: Request, pk: int) -> StockTake:
        return get_or_404(
            request.user, "library.manage", StockTake.objects.select_related("school"), pk=pk
        )

    @extend_schema(responses=ReportOut)
    def get(self, request: Request, pk: int) -> Response:
        found = selectors.discrepancies(self._found(request, pk))
        return Response(
            {
                "scanned": found.scanned,
                "expected": found.expected,
                "on_loan": found.on_loan,
                "missing": [c.barcode for c in found.missing],
                "misplaced": [
                    {"barcode": c.barcode, "found": where, "shelf": c.location}
                    for c, where in found.misplaced
                ],
                "on_loan_scanned": [c.barcode for c in found.on_loan_scanned],
                "unknown": found.unknown,
            }
        )

    @extend_schema(
        request=ScanIn,
        responses={200: inline_serializer("ScanOut", {"added": serializers.IntegerField()})},
        operation_id="library_stocktakes_scan",
    )
    def post(self, request: Request, pk: int) -> Response:
        found = self._found(request, pk)
        data = ScanIn(data=request.data)
        data.is_valid(raise_exception=True)
        added = stock.stocktake_scan(
            actor=request.user,
            stocktake=found,
            barcodes=data.validated_data["barcodes"],
            location=data.validated_data["location"],
            ip=client_ip(request),
        )
        return Response({"added": added})
