"""API v1: sign / seal a record's pending step, two-phase signing for the local agent,
certificates, batch signing and validation. Thin: every write is a service call."""

from __future__ import annotations

import base64
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.signing import batches, services, verification
from hoso.signing.certificates import certificate_register
from hoso.signing.models import Backend, Certificate, SignatureRecord, SignBatch
from hoso.signing.selectors import certificates_visible


class SignIn(serializers.Serializer[Any]):
    passphrase = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    pin = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    certificate = id_field(required=False)


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

    act = staticmethod(services.version_sign)

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
    act = staticmethod(services.version_seal)


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
        session, digest = services.version_sign_prepare(
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
        sig = services.version_sign_complete(
            actor=request.user,
            record_id=pk,
            session_id=body.validated_data["session"],
            signature_b64=body.validated_data["signature_b64"],
            ip=client_ip(request),
        )
        return Response(SignatureOut(sig).data, status=201)


class CertificateOut(serializers.ModelSerializer[Certificate]):
    class Meta:
        model = Certificate
        fields = [
            "id",
            "kind",
            "owner",
            "unit",
            "common_name",
            "subject",
            "issuer",
            "serial",
            "not_before",
            "not_after",
            "fingerprint",
            "status",
            "backend",
            "key_ref",
        ]


class CertificateIn(serializers.Serializer[Any]):
    file = serializers.FileField(required=False)
    pem = serializers.CharField(required=False)
    passphrase = serializers.CharField(required=False, trim_whitespace=False)
    unit = id_field(required=False)
    backend = serializers.ChoiceField(choices=Backend.choices, default=Backend.EXTERNAL)
    key_id = serializers.CharField(required=False, allow_blank=True)


class CertificateList(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=CertificateOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(CertificateOut(certificates_visible(request.user), many=True).data)

    @extend_schema(request=CertificateIn, responses=CertificateOut)
    def post(self, request: Request) -> Response:
        from hoso.org.models import Unit

        body = CertificateIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        data = d["file"].read() if d.get("file") else str(d.get("pem", "")).encode()
        if not data:
            raise DomainError("Hãy gửi tệp chứng thư số (file) hoặc nội dung PEM (pem).")
        unit = Unit.objects.filter(pk=d["unit"]).first() if d.get("unit") else None
        if d.get("unit") and unit is None:
            raise DomainError("Không tìm thấy đơn vị.")
        key_ref = {"key_id": d["key_id"]} if d.get("key_id") else {}
        cert = certificate_register(
            actor=request.user,
            data=data,
            passphrase=d.get("passphrase"),
            unit=unit,
            backend=d["backend"],
            key_ref=key_ref,
            ip=client_ip(request),
        )
        return Response(CertificateOut(cert).data, status=201)


class BatchIn(SignIn):
    records = serializers.ListField(child=id_field(), required=False, max_length=2000)
    this_week = serializers.BooleanField(default=False)
    action = serializers.ChoiceField(choices=["sign", "seal"], default="sign")


class BatchOut(serializers.ModelSerializer[SignBatch]):
    items = serializers.SerializerMethodField()

    class Meta:
        model = SignBatch
        fields = [
            "id",
            "action",
            "status",
            "total",
            "done",
            "failed",
            "percent",
            "created_at",
            "finished_at",
            "items",
        ]

    def get_items(self, obj: SignBatch) -> list[dict[str, Any]]:
        return [
            {
                "record": i.record_id,
                "title": i.record.title,
                "status": i.status,
                "message": i.message,
            }
            for i in obj.items.select_related("record")
        ]


class BatchList(APIView):
    @extend_schema(request=BatchIn, responses=BatchOut)
    def post(self, request: Request) -> Response:
        body = BatchIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        batch = batches.batch_start(
            actor=request.user,
            record_ids=d.get("records"),
            this_week=d["this_week"],
            passphrase=d.get("passphrase"),
            pin=d.get("pin"),
            certificate_id=d.get("certificate"),
            seal=d["action"] == "seal",
            ip=client_ip(request),
        )
        batch.refresh_from_db()
        return Response(BatchOut(batch).data, status=202)


class BatchDetail(APIView):
    @extend_schema(responses=BatchOut)
    def get(self, request: Request, pk: int) -> Response:
        batch = get_or_404(request.user, "signing.batch.view", SignBatch.objects.all(), pk=pk)
        return Response(BatchOut(batch).data)


class ValidateIn(serializers.Serializer[Any]):
    file = serializers.FileField()
    signature = serializers.FileField(required=False)


class Validate(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ValidateIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = ValidateIn(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        detached = body.validated_data.get("signature")
        report = verification.validate_upload(
            data=upload.read(), filename=upload.name, detached=detached.read() if detached else None
        )
        return Response(report)


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
        from hoso.records.models import Record

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
                    "validation": verification.version_report(version)
                    if version.signed_sha256
                    else None,
                }
            )
        return Response({"record": record.pk, "versions": versions})
