"""API of the Sở's remote-signing providers (ký số từ xa) — the settings page as REST:

GET   signing/remote/providers/             the providers of the Sở(s) I configure
POST  signing/remote/providers/             add one: {"unit"?, "name", "kind", "base_url",
                                            "token_url"?, "client_id", "client_secret",
                                            "timeout_seconds"?} → 201
GET   signing/remote/providers/<id>/        one provider
PATCH signing/remote/providers/<id>/        change any of those fields, and "is_active" (on/off);
                                            an empty or absent "client_secret" keeps the stored one
POST  signing/remote/providers/<id>/test/   "Kiểm tra kết nối": logs in afresh → {"ok", "message"}

The client secret is write-only: no answer ever carries it (only `has_secret`). Same services,
same policy (`signing_remote.provider.manage`) and same audit entries as the page; another
Sở's provider, or the list for someone who configures none, is a 404."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import MAX_ID, id_field
from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError, NotFound
from hoso.core.http import client_ip
from hoso.signing.remote import selectors
from hoso.signing.remote.models import RemoteProvider
from hoso.signing.remote.services import links

TEXT_ERRORS = {
    "required": gettext_lazy("Bắt buộc."),
    "null": gettext_lazy("Bắt buộc."),
    "invalid": gettext_lazy("Phải là chuỗi ký tự."),
    "max_length": gettext_lazy("Tối đa {max_length} ký tự."),
}


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    # The service checks the content (Vietnamese messages per field); this checks the shape.
    return serializers.CharField(
        max_length=max_length, allow_blank=True, error_messages=TEXT_ERRORS, **kwargs
    )


def _timeout(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=30,
        max_value=600,
        error_messages={
            "invalid": gettext_lazy("Thời gian chờ phải là số giây (30–600)."),
            "min_value": gettext_lazy("Thời gian chờ ít nhất {min_value} giây."),
            "max_value": gettext_lazy("Thời gian chờ nhiều nhất {max_value} giây."),
            "max_string_length": gettext_lazy("Thời gian chờ phải là số giây (30–600)."),
        },
        help_text="seconds the person has to confirm (30–600)",
        **kwargs,
    )


class ProviderOut(serializers.ModelSerializer[RemoteProvider]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = RemoteProvider
        fields = [
            "id",
            "unit",
            "unit_name",
            "name",
            "kind",
            "base_url",
            "token_url",
            "client_id",
            "timeout_seconds",
            "is_active",
            "has_secret",
        ]

    def get_has_secret(self, obj: RemoteProvider) -> bool:
        return bool(obj.client_secret_enc)


class ProviderCreateIn(serializers.Serializer[Any]):
    unit = id_field(required=False, help_text="the Sở; default the first one I configure")
    name = _text(200)
    kind = _text(20, default="csc")
    base_url = _text(300)
    token_url = _text(300, default="")
    client_id = _text(200)
    client_secret = _text(500, write_only=True, trim_whitespace=False)
    timeout_seconds = _timeout(default=300)


class ProviderUpdateIn(serializers.Serializer[Any]):
    name = _text(200, required=False)
    kind = _text(20, required=False)
    base_url = _text(300, required=False)
    token_url = _text(300, required=False)
    client_id = _text(200, required=False)
    client_secret = _text(
        500, required=False, write_only=True, trim_whitespace=False, help_text="empty keeps it"
    )
    timeout_seconds = _timeout(required=False)
    is_active = serializers.BooleanField(
        required=False, error_messages={"invalid": gettext_lazy("Phải là true hoặc false.")}
    )


class ProviderTestOut(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    message = serializers.CharField()


def _provider(request: Request, pk: int) -> RemoteProvider:
    found = selectors.provider_managed(request.user, pk) if 0 < pk <= MAX_ID else None
    if found is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return found


class ProviderList(APIView):
    @extend_schema(operation_id="signing_remote_providers_list", responses=ProviderOut(many=True))
    def get(self, request: Request) -> Response:
        if not selectors.units_managed(request.user).exists():
            raise NotFound(NOT_FOUND_MESSAGE)
        providers = selectors.providers_managed(request.user).order_by("unit_id", "name", "id")
        return Response(ProviderOut(providers, many=True).data)

    @extend_schema(request=ProviderCreateIn, responses={201: ProviderOut})
    def post(self, request: Request) -> Response:
        units = list(selectors.units_managed(request.user))
        if not units:
            raise NotFound(NOT_FOUND_MESSAGE)
        body = ProviderCreateIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        wanted = data.pop("unit", units[0].pk)
        unit = next((u for u in units if u.pk == wanted), None)
        if unit is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        provider = links.provider_configure(
            actor=request.user, unit=unit, ip=client_ip(request), **data
        )
        return Response(ProviderOut(provider).data, status=201)


class ProviderDetail(APIView):
    @extend_schema(responses=ProviderOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProviderOut(_provider(request, pk)).data)

    @extend_schema(request=ProviderUpdateIn, responses=ProviderOut)
    def patch(self, request: Request, pk: int) -> Response:
        provider = _provider(request, pk)
        body = ProviderUpdateIn(data=request.data)
        body.is_valid(raise_exception=True)
        kept = {f: getattr(provider, f) for f in ProviderUpdateIn().fields if f != "client_secret"}
        changed = links.provider_update(
            actor=request.user,
            provider_id=provider.pk,
            ip=client_ip(request),
            **(kept | dict(body.validated_data)),
        )
        return Response(ProviderOut(changed).data)


class ProviderTest(APIView):
    @extend_schema(request=None, responses=ProviderTestOut)
    def post(self, request: Request, pk: int) -> Response:
        provider = _provider(request, pk)
        try:
            links.provider_ping(actor=request.user, provider_id=provider.pk)
        except DomainError as exc:  # refused the client, unreachable, a kind HoSo cannot speak
            return Response({"ok": False, "message": exc.message})
        message = _("Kết nối tới «%(name)s» thành công.") % {"name": provider.name}
        return Response({"ok": True, "message": message})
