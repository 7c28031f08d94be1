"""API /api/v1/offices/: directives sent (list, issue, detail with per-unit status, remind)
and the inbox of the units below (list, open, answer). Same services and policy as the pages."""

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
from hoso.offices.models import Audience, Directive, DirectiveRecipient, ReplyKind
from hoso.offices.services import directives
from hoso.policy import get_or_404


class DirectiveOut(serializers.ModelSerializer[Directive]):
    office = serializers.IntegerField(source="office_id")
    record = serializers.IntegerField(source="record_id")
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Directive
        fields = [
            "id",
            "office",
            "number",
            "title",
            "summary",
            "record",
            "version",
            "audience",
            "audience_level",
            "reply_kind",
            "reply_due_at",
            "for_parents",
            "issued_at",
        ]


class RecipientOut(serializers.ModelSerializer[DirectiveRecipient]):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    directive = serializers.IntegerField(source="directive_id")
    title = serializers.CharField(source="directive.title")
    reply_due_at = serializers.DateTimeField(source="directive.reply_due_at")
    first_opened_by = serializers.IntegerField(source="first_opened_by_id", allow_null=True)
    answered_by = serializers.IntegerField(source="answered_by_id", allow_null=True)

    class Meta:
        model = DirectiveRecipient
        fields = [
            "id",
            "directive",
            "title",
            "unit",
            "unit_name",
            "received_at",
            "reply_due_at",
            "first_opened_at",
            "first_opened_by",
            "answered_at",
            "answered_by",
            "answer_text",
        ]


class StatusOut(serializers.Serializer[Any]):
    recipient = RecipientOut()
    status = serializers.CharField()
    late = serializers.BooleanField()


class IssueIn(serializers.Serializer[Any]):
    office = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    record = serializers.IntegerField(min_value=1, max_value=2**62)
    number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    audience = serializers.ChoiceField(choices=Audience.choices)
    level = serializers.CharField(required=False, allow_blank=True, max_length=10)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=5000,
    )
    reply_kind = serializers.ChoiceField(choices=ReplyKind.choices, required=False)
    reply_due_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    for_parents = serializers.BooleanField(required=False, default=False)


class AnswerIn(serializers.Serializer[Any]):
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RemindOut(serializers.Serializer[Any]):
    reminded = serializers.IntegerField()


def _directive(request: Request, pk: int) -> Directive:
    return get_or_404(
        request.user, "offices.directive.view", selectors.directives_visible_to(request.user), pk=pk
    )


def _recipient(request: Request, pk: int) -> DirectiveRecipient:
    return get_or_404(
        request.user, "offices.recipient.view", selectors.inbox_visible_to(request.user), pk=pk
    )


class DirectiveList(generics.ListAPIView[Directive]):
    serializer_class = DirectiveOut

    def get_queryset(self) -> QuerySet[Directive]:
        return selectors.directives_visible_to(self.request.user)

    @extend_schema(request=IssueIn, responses={201: DirectiveOut})
    def post(self, request: Request) -> Response:
        data = IssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        office = selectors.office_of(request.user, values.get("office"))
        directive = directives.directive_issue(
            actor=request.user,
            office=office,
            record_id=values["record"],
            number=values.get("number", ""),
            title=values.get("title", ""),
            summary=values.get("summary", ""),
            audience=values["audience"],
            level=values.get("level", ""),
            unit_ids=values.get("units", []),
            reply_kind=values.get("reply_kind", ReplyKind.NONE),
            reply_due_at=forms.parse_due(values.get("reply_due_at")),
            for_parents=values.get("for_parents", False),
            ip=client_ip(request._request),
        )
        return Response(DirectiveOut(directive).data, status=201)


class DirectiveDetail(APIView):
    @extend_schema(responses={200: DirectiveOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(DirectiveOut(_directive(request, pk)).data)


class DirectiveStatus(APIView):
    @extend_schema(responses={200: StatusOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        rows = selectors.directive_rows(_directive(request, pk))
        return Response(StatusOut(rows, many=True).data)


class DirectiveRemind(APIView):
    @extend_schema(request=None, responses={200: RemindOut})
    def post(self, request: Request, pk: int) -> Response:
        directive = _directive(request, pk)
        count = directives.directive_remind(
            actor=request.user, directive_id=directive.pk, ip=client_ip(request._request)
        )
        return Response({"reminded": count})


class InboxList(generics.ListAPIView[DirectiveRecipient]):
    serializer_class = RecipientOut

    def get_queryset(self) -> QuerySet[DirectiveRecipient]:
        return selectors.inbox_visible_to(self.request.user)


class InboxItem(APIView):
    @extend_schema(request=None, responses={200: RecipientOut})
    def get(self, request: Request, pk: int) -> Response:
        """Reading an inbox row through the API counts as opening the directive."""
        row = _recipient(request, pk)
        directives.directive_open(
            actor=request.user, recipient_id=row.pk, ip=client_ip(request._request)
        )
        row.refresh_from_db()
        return Response(RecipientOut(row).data)


class InboxAnswer(APIView):
    @extend_schema(request=AnswerIn, responses={200: RecipientOut})
    def post(self, request: Request, pk: int) -> Response:
        row = _recipient(request, pk)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = directives.directive_answer(
            actor=request.user,
            recipient_id=row.pk,
            text=data.validated_data.get("text", ""),
            ip=client_ip(request._request),
        )
        return Response(RecipientOut(done).data)
