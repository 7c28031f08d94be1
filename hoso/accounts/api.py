"""API: POST /api/v1/auth/token/ and GET /api/v1/me/."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from hoso.accounts.selectors import requires_two_factor
from hoso.accounts.services import api_token_issue
from hoso.core.api import error_body
from hoso.core.http import client_ip
from hoso.org.selectors import roles_of


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenRequest(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(max_length=12, required=False, allow_blank=True)
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)


class TokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        form = TokenRequest(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            return Response(
                error_body(
                    "authentication_failed",
                    _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa."),
                ),
                status=401,
            )
        problem = _second_factor_problem(user, data.get("otp", ""))
        if problem:
            return Response(error_body("otp_required", problem), status=401)
        key = api_token_issue(
            user=user, name=data.get("name") or "API", ip=client_ip(request._request)
        )
        return Response({"token": key})


def _second_factor_problem(user: Any, otp: str) -> str:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        if requires_two_factor(user):
            return _(
                "Tài khoản của bạn bắt buộc xác thực hai lớp: hãy đăng nhập trên web và "
                "bật mã xác thực trước khi dùng API."
            )
        return ""
    if not otp:
        return _("Cần mã xác thực (otp) 6 chữ số từ ứng dụng xác thực.")
    if not TOTP(authenticator).validate_code(otp):
        return _("Mã xác thực không đúng hoặc đã được dùng.")
    return ""


class RoleOut(serializers.Serializer[Any]):
    role = serializers.CharField()
    role_name = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()


class MeOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = RoleOut(many=True)


class MeView(APIView):
    @extend_schema(responses=MeOut)
    def get(self, request: Request) -> Response:
        user = request.user
        roles = [
            {
                "role": a.role,
                "role_name": a.get_role_display(),
                "unit_id": a.unit_id,
                "unit_name": a.unit.name,
            }
            for a in roles_of(user)
        ]
        return Response(
            MeOut(
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "full_name": user.first_name,
                    "roles": roles,
                }
            ).data
        )
