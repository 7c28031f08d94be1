"""API: /api/v1/record-types/, records (list with ?q=, multipart create, detail, delete,
versions, files, submit/approve/return), due-items (and their extension) and completion. Same
services, same policy."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404, visible
from hoso.records import completion, selectors, selectors_search
from hoso.records.api.serializers import (
    CommentIn,
    CompletionOut,
    DueItemExtendIn,
    DueItemOut,
    RecordCreateIn,
    RecordDetailOut,
    RecordOut,
    RecordTypeOut,
    SignAndSubmitIn,
    VersionCreateIn,
    VersionOut,
)
from hoso.records.models import DueItem, Record, RecordType, RecordVersion
from hoso.records.selectors import with_status
from hoso.records.services import workflow
from hoso.records.services.deadlines import due_item_extend
from hoso.records.services.deletion import record_delete
from hoso.records.services.versions import Upload, record_upload, version_upload
from hoso.records.views.dashboard import parse_due, search_params, window_from
from hoso.records.views.files import blob_response, visible_version

_LIST_PARAMS = [
    OpenApiParameter(
        "q",
        str,
        description=(
            "tìm toàn văn, không phân biệt dấu, chấp nhận một lỗi gõ trong từ từ 5 chữ cái;"
            " khi có q: phù hợp nhất trước (từ đúng dấu trước), 20 hồ sơ mỗi trang, count là"
            " tổng số tìm thấy; q không có từ nào (chỉ dấu câu) cho kết quả rỗng"
        ),
    ),
    OpenApiParameter("record_type", str, description="mã loại hồ sơ"),
    OpenApiParameter("state", str),
    OpenApiParameter("unit", int),
    OpenApiParameter("school", int, description="trường (chỉ trường được xem; khi có q)"),
    OpenApiParameter("school_year", str, description="năm học, ví dụ 2025-2026 (khi có q)"),
    OpenApiParameter("owner", int),
    OpenApiParameter("mine", bool),
    OpenApiParameter(
        "sort", str, enum=["relevance", "newest"], description="khi có q: mặc định relevance"
    ),
    OpenApiParameter("page", int),
]
_WINDOW = [
    OpenApiParameter("unit", int, required=True),
    OpenApiParameter("from", str, description="dd/mm/yyyy hoặc yyyy-mm-dd"),
    OpenApiParameter("to", str, description="dd/mm/yyyy hoặc yyyy-mm-dd"),
]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


class RecordTypeList(generics.ListAPIView[RecordType]):
    serializer_class = RecordTypeOut

    def get_queryset(self) -> Any:
        types = RecordType.objects.filter(is_active=True).order_by("code")
        return visible(self.request.user, "records.type.view", types)


class RecordList(generics.ListCreateAPIView[Record]):
    serializer_class = RecordOut
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=_LIST_PARAMS)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.query_params.get("q", "").strip():
            return self._search(request)
        return super().get(request, *args, **kwargs)

    def _search(self, request: Any) -> Response:
        """The search page's results: best match first, its count, 20 a page, its filters."""
        params = dataclasses.replace(
            search_params(request.query_params), unit_id=_int(request.query_params.get("unit"))
        )
        if request.query_params.get("mine") in ("1", "true"):
            params = dataclasses.replace(params, owner_id=request.user.pk)
        found = selectors_search.search_page(request.user, params, snippets=False)
        if params.page > 1 and params.page > found.pages and not found.no_terms:
            raise NotFound(_("Không có trang này."))
        base = request.build_absolute_uri()
        return Response(
            {
                "count": found.total,
                "count_is_lower_bound": found.total_is_lower_bound,
                "next": replace_query_param(base, "page", found.page + 1)
                if found.page < found.pages
                else None,
                "previous": replace_query_param(base, "page", found.page - 1)
                if found.page > 1
                else None,
                "results": RecordOut(found.records, many=True).data,
            }
        )

    def get_queryset(self) -> QuerySet[Record]:
        p = self.request.query_params
        return selectors.record_list(
            self.request.user,
            q=p.get("q", "")[:200],
            record_type=p.get("record_type", ""),
            state=p.get("state", ""),
            unit_id=_int(p.get("unit")),
            owner_id=_int(p.get("owner")),
            mine=p.get("mine") in ("1", "true"),
        )

    @extend_schema(request=RecordCreateIn, responses={201: RecordDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RecordCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        record_type = RecordType.objects.filter(
            code=data.validated_data["record_type"], is_active=True
        ).first()
        if record_type is None:
            raise DomainError(_("Không có loại hồ sơ này."), fields={"record_type": [_("Sai mã.")]})
        version = record_upload(
            actor=request.user,
            record_type=record_type,
            upload=_upload(data.validated_data["file"]),
            title=data.validated_data.get("title", ""),
            period_key=data.validated_data.get("period", ""),
            unit_id=data.validated_data.get("unit"),
            ip=client_ip(request._request),
        )
        record = selectors.records_visible_to(request.user).get(pk=version.record_id)
        return Response(RecordDetailOut(record).data, status=status.HTTP_201_CREATED)


def _upload(uploaded: Any) -> Upload:
    return Upload(stream=uploaded, filename=uploaded.name or "", size=uploaded.size)


def _record(request: Any, pk: int) -> Record:
    return get_or_404(
        request.user, "records.record.view", selectors.records_visible_to(request.user), pk=pk
    )


class RecordDetail(generics.RetrieveDestroyAPIView[Record]):
    """GET a record; DELETE it — refused with 409 while its retention period (or any other
    registered guard) forbids it, or while other rows still refer to it."""

    serializer_class = RecordDetailOut

    def get_object(self) -> Record:
        return _record(self.request, self.kwargs["pk"])

    @extend_schema(responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        record_delete(actor=request.user, record_id=record.pk, ip=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionList(generics.ListCreateAPIView[RecordVersion]):
    serializer_class = VersionOut
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[RecordVersion]:
        return _record(self.request, self.kwargs["pk"]).versions.order_by("-number")

    @extend_schema(request=VersionCreateIn, responses={201: VersionOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = _record(request, self.kwargs["pk"])
        data = VersionCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_upload(
            actor=request.user,
            record_id=record.pk,
            upload=_upload(data.validated_data["file"]),
            ip=client_ip(request._request),
        )
        return Response(VersionOut(version).data, status=status.HTTP_201_CREATED)


class VersionFile(APIView):
    """The original file (`file`) or the PDF to read (`pdf`); every fetch is audited."""

    what = "original"

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, pk: int, number: int) -> HttpResponseBase:
        version = visible_version(request._request, pk, number)
        inline = request.query_params.get("inline") in ("1", "true")
        return blob_response(request._request, version, self.what, inline=inline)


class Transition(APIView):
    """POST submit/ approve/ return/ — `comment` is required to return."""

    action = "submit"

    @extend_schema(request=CommentIn, responses={200: RecordDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        record = _record(request, pk)
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = data.validated_data.get("comment", "")
        ip = client_ip(request._request)
        if self.action == "submit":
            workflow.record_submit(actor=request.user, record_id=record.pk, ip=ip)
        elif self.action == "approve":
            workflow.record_approve(actor=request.user, record_id=record.pk, comment=comment, ip=ip)
        else:
            workflow.record_return(actor=request.user, record_id=record.pk, comment=comment, ip=ip)
        return Response(RecordDetailOut(_record(request, pk)).data)


class SignAndSubmit(APIView):
    """POST sign-and-submit/ — "Ký và trình": the author signs with their own server-side key
    and submits, in one transaction (a refused key changes nothing). For a USB token or remote
    signing: POST submit/, then sign the author's step through the signing API."""

    @extend_schema(request=SignAndSubmitIn, responses={200: RecordDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        record = _record(request, pk)
        ip = client_ip(request._request)
        data = SignAndSubmitIn(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.record_sign_and_submit(
            actor=request.user,
            record_id=record.pk,
            passphrase=data.validated_data.get("passphrase") or None,
            pin=data.validated_data.get("pin") or None,
            certificate_id=data.validated_data.get("certificate"),
            ip=ip,
        )
        return Response(RecordDetailOut(_record(request, pk)).data)


class Withdraw(APIView):
    """POST withdraw/ — take back a record still waiting for its author's own signature."""

    @extend_schema(request=None, responses={200: RecordDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        record = _record(request, pk)
        workflow.record_withdraw(
            actor=request.user, record_id=record.pk, ip=client_ip(request._request)
        )
        return Response(RecordDetailOut(_record(request, pk)).data)


class DueItemList(generics.ListAPIView[DueItem]):
    serializer_class = DueItemOut

    @extend_schema(parameters=_WINDOW)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DueItem]:
        p = self.request.query_params
        unit = completion.overseen_unit(self.request.user, p["unit"]) if "unit" in p else None
        start, end = window_from(p)
        mine = unit is None
        return selectors.due_items_for(
            self.request.user, unit=unit, start=start, end=end, mine=mine
        )


class DueItemExtend(APIView):
    """POST {"due_at", "reason"}: a school leader gives one person a later deadline."""

    @extend_schema(request=DueItemExtendIn, responses={200: DueItemOut})
    def post(self, request: Request, pk: int) -> Response:
        items = selectors.due_items_visible_to(request.user)
        item = get_or_404(request.user, "records.due.view", items, pk=pk)
        data = DueItemExtendIn(data=request.data)
        data.is_valid(raise_exception=True)
        due_item_extend(
            actor=request.user,
            item_id=item.pk,
            until=parse_due(data.validated_data["due_at"]),
            reason=data.validated_data["reason"],
            ip=client_ip(request._request),
        )
        extended = with_status(items.filter(pk=item.pk), timezone.now()).get()
        return Response(DueItemOut(extended).data)


class CompletionView(APIView):
    @extend_schema(parameters=_WINDOW, responses={200: CompletionOut})
    def get(self, request: Request) -> Response:
        p = request.query_params
        unit = completion.overseen_unit(request.user, p.get("unit"))
        start, end = window_from(p)
        report = completion.completion_report(request.user, unit, start, end)
        return Response(
            {
                "unit": unit.pk,
                "unit_name": unit.name,
                "start": start,
                "end": end,
                "rows": [row.as_dict() for row in report.rows],
                "total": report.total.as_dict(),
            }
        )
