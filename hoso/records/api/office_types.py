"""API: record types a Sở (or a Phòng the Sở allows) defines or adapts for the schools below.

GET  office-record-types/?unit=ID        the school types concerning the office, with state
POST office-record-types/                {"unit", "name", "levels", "keeper", "period",
                                          "due_rule", "retention_years", "formats",
                                          "legal_source", "required", "effective_from"}
GET  office-record-types/<id>/           one type and its history
POST office-record-types/<id>/adapt/     the same fields (missing ones keep the type's) and
                                          "unit": a new edition from "effective_from"
POST office-record-types/<id>/retire/    {"retire_from": day, today if left out}: no new
                                          records of it from that day; records made keep it
PUT  office-record-types/delegation/<unit>/  {"allow_phong": bool} (the Sở)
Same services, same policy as the page (/ho-so/loai-ho-so/)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import NotFound
from hoso.core.http import client_ip
from hoso.policy import can, get_or_404
from hoso.records import selectors_types
from hoso.records.catalogue import ALL_FORMATS
from hoso.records.models import Keeper, Period, RecordType
from hoso.records.services import office_types as service

NO_OFFICE = gettext_lazy(
    "Không tìm thấy đơn vị, hoặc bạn không quy định loại hồ sơ cho đơn vị này."
)
TYPES = RecordType.objects.select_related("owner_unit")


class TypeFieldsIn(serializers.Serializer[Any]):
    name = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    levels = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=5
    )
    keeper = serializers.CharField(required=False, allow_blank=True, max_length=20)
    period = serializers.CharField(required=False, allow_blank=True, max_length=20)
    due_rule = serializers.CharField(
        required=False, max_length=40, help_text=", ".join(service.DUE_RULES)
    )
    retention_years = serializers.IntegerField(required=False, min_value=-1000, max_value=1000)
    formats = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=20
    )
    legal_source = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    required = serializers.BooleanField(required=False)
    effective_from = serializers.DateField(help_text="YYYY-MM-DD, today or later")


class TypeCreateIn(TypeFieldsIn):
    unit = id_field(help_text="the Sở or Phòng defining the type")


class TypeAdaptIn(TypeFieldsIn):
    unit = id_field(required=False, help_text="the office adapting (default: the type's own)")


class TypeOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    keeper = serializers.ChoiceField(choices=Keeper.choices)
    period = serializers.ChoiceField(choices=Period.choices)
    due_rule = serializers.CharField(help_text="one of the due rule names, '' for another")
    retention_years = serializers.IntegerField(help_text="0 = permanent")
    formats = serializers.ListField(child=serializers.ChoiceField(choices=ALL_FORMATS))
    legal_source = serializers.CharField()
    required = serializers.BooleanField()
    owner_unit = serializers.IntegerField(allow_null=True)
    adapts = serializers.IntegerField(allow_null=True)
    effective_from = serializers.DateField(allow_null=True)
    retired_from = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    state = serializers.CharField(
        required=False, help_text="in_force, from, until (retires later), replaced, retired"
    )


class TypeListOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    may_define = serializers.BooleanField()
    types = TypeOut(many=True)


class TypeHistoryOut(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = serializers.CharField()
    action = serializers.CharField()


class TypeDetailOut(TypeOut):
    history = TypeHistoryOut(many=True)


class TypeDelegationIn(serializers.Serializer[Any]):
    allow_phong = serializers.BooleanField()


def _out(record_type: RecordType, state: str = "") -> dict[str, Any]:
    return {
        "id": record_type.pk,
        "code": record_type.code,
        "name": record_type.name,
        "levels": record_type.levels,
        "keeper": record_type.keeper,
        "period": record_type.period,
        "due_rule": service.due_rule_key(record_type.due_rule),
        "retention_years": record_type.retention_years,
        "formats": record_type.formats,
        "legal_source": record_type.legal_source,
        "required": not record_type.optional,
        "owner_unit": record_type.owner_unit_id,
        "adapts": record_type.adapts_id,
        "effective_from": record_type.effective_from,
        "retired_from": record_type.retired_from,
        "is_active": record_type.is_active,
        "state": state,
    }


def _detail(record_type: RecordType) -> dict[str, Any]:
    row = _out(record_type)
    row["history"] = [
        {"at": e.created_at, "by": e.actor_name, "action": e.action.rsplit(".", 1)[-1]}
        for e in selectors_types.type_history(record_type)
    ]
    return row


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in service.FIELDS if key in data}


class OfficeTypeList(APIView):
    @extend_schema(
        operation_id="office_record_types_list",
        parameters=[OpenApiParameter("unit", int, required=False)],
        responses={200: TypeListOut},
    )
    def get(self, request: Request) -> Response:
        unit = selectors_types.office_unit(request.user, request.query_params.get("unit"))
        if unit is None:
            raise NotFound(NO_OFFICE)
        rows = selectors_types.office_type_rows(unit)
        return Response(
            {
                "unit": unit.pk,
                "may_define": can(request.user, "records.type.define", unit),
                "types": [_out(row.record_type, row.state) for row in rows],
            }
        )

    @extend_schema(request=TypeCreateIn, responses={201: TypeDetailOut})
    def post(self, request: Request) -> Response:
        body = TypeCreateIn(data=request.data)
        body.is_valid(raise_exception=True)
        unit = selectors_types.office_unit(request.user, body.validated_data["unit"])
        if unit is None:
            raise NotFound(NO_OFFICE)
        record_type = service.office_type_create(
            actor=request.user,
            unit=unit,
            fields=_fields(body.validated_data),
            effective_from=body.validated_data["effective_from"],
            ip=client_ip(request._request),
        )
        return Response(_detail(record_type), status=201)


class OfficeTypeDetail(APIView):
    @extend_schema(responses={200: TypeDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(get_or_404(request.user, "records.type.view", TYPES, pk=pk)))


class OfficeTypeAdapt(APIView):
    @extend_schema(request=TypeAdaptIn, responses={201: TypeDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        base = get_or_404(request.user, "records.type.view", TYPES, pk=pk)
        body = TypeAdaptIn(data=request.data)
        body.is_valid(raise_exception=True)
        unit_id = body.validated_data.get("unit") or base.owner_unit_id
        unit = selectors_types.office_unit(request.user, unit_id)
        if unit is None:
            raise NotFound(NO_OFFICE)
        record_type = service.office_type_adapt(
            actor=request.user,
            unit=unit,
            base=base,
            fields=_fields(body.validated_data),
            effective_from=body.validated_data["effective_from"],
            ip=client_ip(request._request),
        )
        return Response(_detail(record_type), status=201)


class RetireIn(serializers.Serializer[Any]):
    retire_from = serializers.DateField(required=False, allow_null=True)


class OfficeTypeRetire(APIView):
    @extend_schema(request=RetireIn, responses={200: TypeDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        """Retire the type today, or from `retire_from` (a later day)."""
        record_type = get_or_404(request.user, "records.type.view", TYPES, pk=pk)
        body = RetireIn(data=request.data)
        body.is_valid(raise_exception=True)
        retired = service.office_type_retire(
            actor=request.user,
            record_type=record_type,
            retire_from=body.validated_data.get("retire_from"),
            ip=client_ip(request._request),
        )
        return Response(_detail(retired))


class TypeDelegationView(APIView):
    @extend_schema(request=TypeDelegationIn, responses={200: TypeDelegationIn})
    def put(self, request: Request, unit_id: int) -> Response:
        unit = selectors_types.office_unit(request.user, unit_id)
        if unit is None or not can(request.user, "records.type.delegate", unit):
            raise NotFound(NO_OFFICE)
        body = TypeDelegationIn(data=request.data)
        body.is_valid(raise_exception=True)
        setting = service.type_delegation_set(
            actor=request.user,
            unit=unit,
            allow_phong=body.validated_data["allow_phong"],
            ip=client_ip(request._request),
        )
        return Response({"allow_phong": setting.allow_phong})
