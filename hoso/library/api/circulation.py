"""API of the library (/api/v1/library/): patrons, loans, returns, renewals, holds."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import BibRecord, Hold, Loan
from hoso.library.services import circulation
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404, visible

SCHOOLS = Unit.objects.filter(kind=UnitKind.TRUONG)


class LoanOut(serializers.ModelSerializer[Loan]):
    barcode = serializers.CharField(source="copy.barcode")
    title = serializers.CharField(source="copy.record.title")
    patron = serializers.CharField(source="patron_name")

    class Meta:
        model = Loan
        fields = [
            "id",
            "school",
            "copy",
            "barcode",
            "title",
            "student",
            "staff",
            "patron",
            "issued_at",
            "due_on",
            "returned_at",
            "renewals",
        ]


class LoanIn(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    patron = serializers.CharField(max_length=20)
    barcode = serializers.CharField(max_length=40)


class ReturnIn(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    barcode = serializers.CharField(max_length=40)


class HoldOut(serializers.ModelSerializer[Hold]):
    class Meta:
        model = Hold
        fields = ["id", "record", "school", "student", "staff", "status", "created_at"]


class HoldIn(serializers.Serializer[Any]):
    record = serializers.IntegerField()
    patron = serializers.CharField(max_length=20)


class PatronOut(serializers.Serializer[Any]):
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    open_loans = serializers.IntegerField()


class PatronLookup(APIView):
    """Who carries this card at this school (the desk's first scan)."""

    @extend_schema(responses=PatronOut)
    def get(self, request: Request, pk: int, code: str) -> Response:
        school = get_or_404(request.user, "library.manage", SCHOOLS, pk=pk)
        patron = selectors.find_patron(school, code)
        return Response(
            PatronOut(
                {
                    "kind": patron.kind,
                    "code": patron.code,
                    "name": patron.name,
                    "open_loans": patron.loans().filter(returned_at__isnull=True).count(),
                }
            ).data
        )


class LoanList(generics.ListCreateAPIView[Loan]):
    """The loans the caller may see (the school's for its thủ thư; one's own; a child's)."""

    serializer_class = LoanOut

    def get_queryset(self) -> QuerySet[Loan]:
        loans = Loan.objects.select_related("copy__record", "student", "staff")
        loans = visible(self.request.user, "library.loan.view", loans)
        if self.request.query_params.get("open") == "1":
            loans = loans.filter(returned_at__isnull=True)
        return loans.order_by("-issued_at", "-id")

    @extend_schema(request=LoanIn, responses={201: LoanOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = LoanIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        school = get_or_404(request.user, "library.manage", SCHOOLS, pk=v["school"])
        loan = circulation.loan_checkout(
            actor=request.user,
            school=school,
            patron_code=v["patron"],
            barcode=v["barcode"],
            ip=client_ip(request),
        )
        return Response(LoanOut(loan).data, status=status.HTTP_201_CREATED)


class LoanDetail(generics.RetrieveAPIView[Loan]):
    serializer_class = LoanOut

    def get_object(self) -> Loan:
        loans = Loan.objects.select_related("copy__record", "student", "staff")
        return get_or_404(self.request.user, "library.loan.view", loans, pk=self.kwargs["pk"])


class LoanReturn(APIView):
    @extend_schema(request=ReturnIn, responses=LoanOut)
    def post(self, request: Request) -> Response:
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        school = get_or_404(
            request.user, "library.manage", SCHOOLS, pk=data.validated_data["school"]
        )
        loan = circulation.loan_return(
            actor=request.user,
            school=school,
            barcode=data.validated_data["barcode"],
            ip=client_ip(request),
        )
        return Response(LoanOut(loan).data)


class LoanRenew(APIView):
    @extend_schema(request=None, responses=LoanOut)
    def post(self, request: Request, pk: int) -> Response:
        loan = get_or_404(
            request.user, "library.manage", Loan.objects.select_related("school"), pk=pk
        )
        loan = circulation.loan_renew(actor=request.user, loan=loan, ip=client_ip(request))
        return Response(LoanOut(loan).data)


class HoldList(generics.ListCreateAPIView[Hold]):
    serializer_class = HoldOut

    def get_queryset(self) -> QuerySet[Hold]:
        return visible(self.request.user, "library.manage", Hold.objects.all()).order_by("id")

    @extend_schema(request=HoldIn, responses={201: HoldOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = HoldIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = get_or_404(
            request.user,
            "library.manage",
            BibRecord.objects.all(),
            pk=data.validated_data["record"],
        )
        hold = circulation.hold_place(
            actor=request.user,
            record=record,
            patron_code=data.validated_data["patron"],
            ip=client_ip(request),
        )
        return Response(HoldOut(hold).data, status=status.HTTP_201_CREATED)


class MyHoldIn(serializers.Serializer[Any]):
    record = serializers.IntegerField()
    patron = serializers.CharField(
        max_length=24, required=False, allow_blank=True, help_text="hs<id> hoặc gv<id>"
    )


class MyHoldList(generics.ListCreateAPIView[Hold]):
    """A teacher's own holds and a parent's children's; placing one from the catalogue."""

    serializer_class = HoldOut

    def get_queryset(self) -> QuerySet[Hold]:
        return selectors.my_holds(self.request.user)

    @extend_schema(request=MyHoldIn, responses={201: HoldOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MyHoldIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = get_or_404(
            request.user,
            "library.hold.request",
            BibRecord.objects.select_related("school"),
            pk=data.validated_data["record"],
        )
        hold = circulation.hold_request(
            actor=request.user,
            record=record,
            patron_key=data.validated_data.get("patron", ""),
            ip=client_ip(request),
        )
        return Response(HoldOut(hold).data, status=status.HTTP_201_CREATED)


class MyHoldDetail(generics.RetrieveDestroyAPIView[Hold]):
    """One's own hold; DELETE withdraws it (kept, marked cancelled)."""

    serializer_class = HoldOut

    def get_object(self) -> Hold:
        return get_or_404(
            self.request.user, "library.hold.own", Hold.objects.all(), pk=self.kwargs["pk"]
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        hold = circulation.hold_withdraw(
            actor=request.user, hold=self.get_object(), ip=client_ip(request)
        )
        return Response(HoldOut(hold).data)
