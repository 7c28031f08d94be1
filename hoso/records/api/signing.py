"""API v1: sign / seal a record's pending step, two-phase signing for the local agent, and
the signatures of a record (under /records/, served by records; the signature itself goes
through signing's door). Thin: every write is a service call."""

from __future__ import annotations

import base64
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.records.models import Record
from hoso.records.services.signing import (
    version_seal,
    version_sign,
    version_sign_complete,
    version_sign_prepare,
)
from hoso.records.signing_work import version_report
from hoso.signing.api.keys import SignIn
from hoso.signing.models import SignatureRecord


class SignatureOut(serializers.ModelSerializer[SignatureRecord]):
    signer_name = serializers.CharField(source="signer.first_name")
    certificate_serial = serializers.CharField(source="certificate.serial")
    record = serializers.IntegerField(source="version.record_id")
    version_number = serializers.IntegerField(source="version.number")
    # set when revocation could not be checked and the Sở lets HoSo sign anyway
    warning = serializers.SerializerMethodField()

    def get_warning(self, obj: SignatureRecord) -> str:
        return str(getattr(obj, "warning", "") or "")

    class Meta:
        model = SignatureRecord
        fields = [
            "warning",
            "id",
            "record",
            "version_number",
            "step",
            "role",
            "action",
            "signer_name",
            "certificate_serial",
            "backend",
            "level",
            "field_name",
            "input_sha256",
            "output_sha256",
            "detached_sha256",
            "signed_at",
        ]


def _data(request: Request) -> dict[str, Any]:
    body = SignIn(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class RecordSign(APIView):
    """The personal signature of the step waiting for the caller; RecordSeal is the same
    request for the school seal."""

    act = staticmethod(version_sign)

    @extend_schema(request=SignIn, responses=SignatureOut)
    def post(self, request: Request, pk: int) -> Response:
        d = _data(request)
        sig = self.act(
            actor=request.user,
            record_id=pk,
            passphrase=d.get("passphrase"),
            pin=d.get("pin"),
            certificate_id=d.get("certificate"),
            ip=client_ip(request),
        )
        return Response(SignatureOut(sig).data, status=201)


class RecordSeal(RecordSign):
    act = staticmethod(version_seal)


class PrepareIn(serializers.Serializer[Any]):
    certificate = id_field(required=False)


class RecordSignPrepare(APIView):
    @extend_schema(
        request=PrepareIn,
        responses={
            201: inline_serializer(
                "SignPrepareOut",
                {
                    "session": serializers.IntegerField(),
                    "digest_b64": serializers.CharField(),
                    "algorithm": serializers.CharField(),
                    "key_id": serializers.CharField(),
                    "certificate": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        body = PrepareIn(data=request.data)
        body.is_valid(raise_exception=True)
        session, digest = version_sign_prepare(
            actor=request.user,
            record_id=pk,
            certificate_id=body.validated_data.get("certificate"),
            ip=client_ip(request),
        )
        return Response(
            {
                "session": session.pk,
                "digest_b64": base64.b64encode(digest).decode("ascii"),
                "algorithm": "sha256",
                "key_id": session.certificate.key_ref.get("key_id", ""),
                "certificate": session.certificate_id,
            },
            status=201,
        )


class CompleteIn(serializers.Serializer[Any]):
    session = id_field()
    signature_b64 = serializers.CharField()


class RecordSignComplete(APIView):
    @extend_schema(request=CompleteIn, responses=SignatureOut)
    def post(self, request: Request, pk: int) -> Response:
        body = CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        sig = version_sign_complete(
            actor=request.user,
            record_id=pk,
            session_id=body.validated_data["session"],
            signature_b64=body.validated_data["signature_b64"],
            ip=client_ip(request),
        )
        return Response(SignatureOut(sig).data, status=201)


class RecordSignatures(APIView):
    """Signatures of a record, per version, with the validation of the signed copy."""

    @extend_schema(
        responses=inline_serializer(
            "RecordSignaturesOut",
            {
                "record": serializers.IntegerField(),
                "versions": inline_serializer(
                    "RecordSignaturesVersion",
                    {
                        "number": serializers.IntegerField(),
                        "signed_sha256": serializers.CharField(allow_null=True),
                        "issued_at": serializers.DateTimeField(allow_null=True),
                        "signatures": SignatureOut(many=True),
                        "validation": serializers.JSONField(allow_null=True),
                    },
                    many=True,
                ),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        record = get_or_404(request.user, "records.record.view", Record.objects.all(), pk=pk)
        versions = []
        for version in record.versions.order_by("number"):
            sigs = SignatureRecord.objects.filter(version=version).select_related(
                "signer", "certificate", "version"
            )
            versions.append(
                {
                    "number": version.number,
                    "signed_sha256": version.signed_sha256,
                    "issued_at": version.issued_at,
                    "signatures": SignatureOut(sigs, many=True).data,
                    "validation": version_report(version) if version.signed_sha256 else None,
                }
            )
        return Response({"record": record.pk, "versions": versions})
