"""API: signing chains set by the Sở (and the Phòng or school it allows).

GET    signing-chains/?unit=ID          every type's chain at the unit, who set it, may it set
GET    signing-chains/<unit>/<type>/    one type: chain, delegation, history
PUT    signing-chains/<unit>/<type>/    {"chain": [{"role", "action", "user"?, "together"?}], …}
DELETE signing-chains/<unit>/<type>/    back to what the unit above sets
Same services, same policy as the page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import MAX_ID
from hoso.core.errors import NotFound
from hoso.core.http import client_ip
from hoso.org.models import Unit
from hoso.records import chains, selectors, selectors_chains
from hoso.records.models import Delegation, RecordType, StepAction
from hoso.records.services.chain_settings import chain_setting_reset, chain_setting_save

NO_UNIT = gettext_lazy("Không tìm thấy đơn vị, hoặc bạn không thiết lập chuỗi ký cho đơn vị này.")


class StepSerializer(serializers.Serializer[Any]):
    role = serializers.CharField(
        max_length=10,
        help_text="AUTHOR, GVCN (the GVCN of the record's class: homeroom books), TTCM, PHT, …",
    )
    role_label = serializers.CharField(read_only=True, help_text="who performs it, in Vietnamese")
    action = serializers.ChoiceField(choices=StepAction.choices)
    user = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    together = serializers.BooleanField(
        required=False, default=False, help_text="runs with the step before (same act)"
    )


class ChainIn(serializers.Serializer[Any]):
    chain = StepSerializer(many=True)
    delegate_to = serializers.ChoiceField(
        choices=Delegation.choices, required=False, allow_blank=True, default=""
    )


class ChainRowOut(serializers.Serializer[Any]):
    record_type = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    chain = StepSerializer(many=True)
    words = serializers.ListField(child=serializers.CharField())
    source_unit = serializers.IntegerField(allow_null=True)
    own = serializers.BooleanField()
    may_set = serializers.BooleanField()
    delegate_to = serializers.CharField()


class ChainListOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    types = ChainRowOut(many=True)


class HistoryOut(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = serializers.CharField()
    action = serializers.CharField()


class ChainDetailOut(ChainRowOut):
    history = HistoryOut(many=True)


def _unit(request: Request, unit_id: Any) -> Unit:
    unit = selectors_chains.chain_unit(request.user, unit_id)
    if unit is None:
        raise NotFound(NO_UNIT)
    return unit


def _type(unit: Unit, type_id: int) -> RecordType:
    record_type = next((t for t in selectors_chains.chain_types(unit) if t.pk == type_id), None)
    if record_type is None:
        raise NotFound(_("Không tìm thấy loại hồ sơ."))
    return record_type


def _row(
    record_type: RecordType, resolved: chains.Resolved, unit: Unit, may_set: bool
) -> dict[str, Any]:
    source = resolved.source
    return {
        "record_type": record_type.pk,
        "code": record_type.code,
        "name": record_type.name,
        "chain": [
            {**step, "role_label": chains.role_label(step["role"])} for step in resolved.chain
        ],
        "words": chains.describe(resolved.chain, selectors.named_people(resolved.chain)),
        "source_unit": source.unit_id if source else None,
        "own": source is not None and source.unit_id == unit.pk,
        "may_set": may_set,
        "delegate_to": source.delegate_to if source else "",
    }


def _detail(unit: Unit, record_type: RecordType) -> dict[str, Any]:
    resolved = chains.resolve(record_type, unit)
    row = _row(record_type, resolved, unit, chains.may_set_at(record_type, unit))
    row["history"] = [
        {"at": e.created_at, "by": e.actor_name, "action": e.action.rsplit(".", 1)[-1]}
        for e in selectors_chains.chain_history(unit, record_type)
    ]
    return row


class ChainList(APIView):
    @extend_schema(
        operation_id="signing_chains_list",
        parameters=[OpenApiParameter("unit", int, required=False)],
        responses={200: ChainListOut},
    )
    def get(self, request: Request) -> Response:
        unit_id = request.query_params.get("unit")
        if unit_id is None:
            units = selectors_chains.chain_units(request.user)
            if not units:
                raise NotFound(NO_UNIT)
            unit = units[0]
        else:
            unit = _unit(request, unit_id)
        found = chains.overview(selectors_chains.chain_types(unit), unit)
        rows = [_row(t, r, unit, may_set) for t, r, may_set in found]
        return Response({"unit": unit.pk, "types": rows})


class ChainDetail(APIView):
    @extend_schema(responses={200: ChainDetailOut})
    def get(self, request: Request, unit_id: int, type_id: int) -> Response:
        unit = _unit(request, unit_id)
        return Response(_detail(unit, _type(unit, type_id)))

    @extend_schema(request=ChainIn, responses={200: ChainDetailOut})
    def put(self, request: Request, unit_id: int, type_id: int) -> Response:
        unit = _unit(request, unit_id)
        record_type = _type(unit, type_id)
        body = ChainIn(data=request.data)
        body.is_valid(raise_exception=True)
        chain_setting_save(
            actor=request.user,
            unit=unit,
            record_type=record_type,
            chain=[dict(step) for step in body.validated_data["chain"]],
            delegate_to=body.validated_data.get("delegate_to", ""),
            ip=client_ip(request._request),
        )
        return Response(_detail(unit, record_type))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, unit_id: int, type_id: int) -> Response:
        unit = _unit(request, unit_id)
        chain_setting_reset(
            actor=request.user,
            unit=unit,
            record_type=_type(unit, type_id),
            ip=client_ip(request._request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
