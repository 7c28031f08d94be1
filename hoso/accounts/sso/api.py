"""API of single sign-on (/api/v1/sso/): a Sở's administrator reads and sets the province's
Microsoft / Google sign-in, as on /tai-khoan/dang-nhap-mot-lan/. The client secret is
write-only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.accounts.models import SsoKind, SsoProvider
from hoso.accounts.sso import selectors
from hoso.accounts.sso.services import MAX_SECRET, sso_provider_save
from hoso.core.errors import NOT_FOUND_MESSAGE, NotFound
from hoso.core.http import client_ip
from hoso.policy import get_or_404


class SsoProviderOut(serializers.ModelSerializer[SsoProvider]):
    province_name = serializers.CharField(source="province.name")
    allowed_domains = serializers.SerializerMethodField()
    has_secret = serializers.SerializerMethodField()
    redirect_uri = serializers.SerializerMethodField()

    class Meta:
        model = SsoProvider
        fields = [
            "id",
            "province",
            "province_name",
            "kind",
            "enabled",
            "issuer_url",
            "client_id",
            "allowed_domains",
            "has_secret",
            "redirect_uri",
            "updated_at",
        ]

    def get_allowed_domains(self, obj: SsoProvider) -> list[str]:
        return obj.domains()

    def get_has_secret(self, obj: SsoProvider) -> bool:
        return bool(obj.client_secret)

    def get_redirect_uri(self, obj: SsoProvider) -> str:
        path = reverse("openid_connect_callback", kwargs={"provider_id": obj.provider_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class SsoProviderIn(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    issuer_url = serializers.CharField(max_length=300)
    client_id = serializers.CharField(max_length=200)
    client_secret = serializers.CharField(
        max_length=MAX_SECRET, required=False, allow_blank=True, default="", write_only=True
    )
    allowed_domains = serializers.ListField(
        child=serializers.CharField(max_length=253), max_length=200, required=False, default=list
    )


class SsoProviderList(generics.ListAPIView[SsoProvider]):
    serializer_class = SsoProviderOut

    def get_queryset(self) -> QuerySet[SsoProvider]:
        return selectors.providers_configurable_by(self.request.user)


class SsoProviderDetail(APIView):
    @extend_schema(responses=SsoProviderOut)
    def get(self, request: Request, province: int, kind: str) -> Response:
        config = selectors.providers_of(self._province(request, province)).get(kind)
        if config is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return Response(SsoProviderOut(config, context={"request": request}).data)

    @extend_schema(request=SsoProviderIn, responses=SsoProviderOut)
    def put(self, request: Request, province: int, kind: str) -> Response:
        unit = self._province(request, province)
        if kind not in SsoKind.values:
            raise NotFound(NOT_FOUND_MESSAGE)
        data = SsoProviderIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        config = sso_provider_save(
            actor=request.user,
            province=unit,
            kind=kind,
            enabled=values["enabled"],
            issuer_url=values["issuer_url"],
            client_id=values["client_id"],
            client_secret=values["client_secret"],
            allowed_domains="\n".join(values["allowed_domains"]),
            ip=client_ip(request._request),
        )
        return Response(SsoProviderOut(config, context={"request": request}).data)

    def _province(self, request: Request, pk: int) -> Any:
        return get_or_404(
            request.user,
            "accounts.sso.manage",
            selectors.provinces_configurable_by(request.user),
            pk=pk,
        )
