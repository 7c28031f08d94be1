"""API: /api/v1/retention/proposals/ (list, detail, approve with the passphrase, refuse with a
reason) and /api/v1/retention/types/<id>/ (set a type's retention period). Same services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.records.models import RecordType
from hoso.retention import selectors, services
from hoso.retention.models import DestructionProposal, ProposalItem


class ItemOut(serializers.ModelSerializer[ProposalItem]):
    title = serializers.CharField(source="record.title")
    record_type = serializers.CharField(source="record.record_type.code")
    school_year = serializers.CharField(source="record.school_year.name")
    owner = serializers.IntegerField(source="record.owner_id")

    class Meta:
        model = ProposalItem
        fields = [
            "record",
            "title",
            "record_type",
            "school_year",
            "owner",
            "retention_years",
            "retention_end",
        ]


class ProposalOut(serializers.ModelSerializer[DestructionProposal]):
    school = serializers.IntegerField(source="school_id")

    class Meta:
        model = DestructionProposal
        fields = [
            "id",
            "school",
            "state",
            "created_at",
            "decided_at",
            "refusal_reason",
            "minutes_number",
            "minutes_record",
        ]


class ProposalDetailOut(ProposalOut):
    items = ItemOut(many=True, read_only=True)

    class Meta(ProposalOut.Meta):
        fields = [*ProposalOut.Meta.fields, "items"]


class ApproveIn(serializers.Serializer[Any]):
    passphrase = serializers.CharField(required=False, allow_blank=True, max_length=500)
    pin = serializers.CharField(required=False, allow_blank=True, max_length=100)
    certificate = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


class RefuseIn(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class PeriodIn(serializers.Serializer[Any]):
    years = serializers.IntegerField(min_value=0, max_value=services.MAX_YEARS)
    reason = serializers.CharField(max_length=services.MAX_REASON)


def _proposal(request: Request, pk: int, *, with_items: bool = False) -> DestructionProposal:
    rows = selectors.proposals_for(request.user)
    if with_items:  # shown by the detail; approve/refuse only need the proposal's id
        rows = rows.prefetch_related("items__record__record_type", "items__record__school_year")
    return get_or_404(request.user, "retention.proposal.view", rows, pk=pk)


class ProposalList(generics.ListAPIView[DestructionProposal]):
    serializer_class = ProposalOut

    def get_queryset(self) -> QuerySet[DestructionProposal]:
        return selectors.proposals_for(self.request.user).order_by("-created_at", "-id")


class ProposalDetail(APIView):
    @extend_schema(responses={200: ProposalDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProposalDetailOut(_proposal(request, pk, with_items=True)).data)


class ProposalApprove(APIView):
    @extend_schema(request=ApproveIn, responses={200: ProposalOut})
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(request, pk)
        data = ApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.proposal_approve(
            actor=request.user,
            proposal_id=proposal.pk,
            passphrase=data.validated_data.get("passphrase") or None,
            pin=data.validated_data.get("pin") or None,
            certificate_id=data.validated_data.get("certificate"),
            ip=client_ip(request._request),
        )
        return Response(ProposalOut(done).data)


class ProposalRefuse(APIView):
    @extend_schema(request=RefuseIn, responses={200: ProposalOut})
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(request, pk)
        data = RefuseIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.proposal_refuse(
            actor=request.user,
            proposal_id=proposal.pk,
            reason=data.validated_data.get("reason", ""),
            ip=client_ip(request._request),
        )
        return Response(ProposalOut(done).data)


class PeriodSet(APIView):
    @extend_schema(request=PeriodIn, responses={200: PeriodIn})
    def post(self, request: Request, pk: int) -> Response:
        record_type = get_or_404(request.user, "records.type.view", RecordType.objects.all(), pk=pk)
        data = PeriodIn(data=request.data)
        data.is_valid(raise_exception=True)
        override = services.retention_period_set(
            actor=request.user,
            record_type_id=record_type.pk,
            years=data.validated_data["years"],
            reason=data.validated_data["reason"],
            ip=client_ip(request._request),
        )
        return Response({"years": override.years, "reason": override.reason})
