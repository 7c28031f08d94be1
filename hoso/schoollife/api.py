"""API of the student's school life (/api/v1/): the history, a movement, the package a
transfer made, and the receiving school's preview and taking-in of a package."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.org.models import Enrolment, Student, Unit, UnitKind
from hoso.policy import get_or_404
from hoso.schoollife import selectors
from hoso.schoollife.models import Movement, MovementKind
from hoso.schoollife.services import movements
from hoso.schoollife.services.package import Package
from hoso.schoollife.services.receive import transfer_in, transfer_in_preview
from hoso.schoollife.services.transfer import transfer_out
from hoso.storage import blob_store, max_upload_bytes


class SchoolLifeMovementOut(serializers.ModelSerializer[Movement]):
    school_name = serializers.CharField(source="school.name")
    files = serializers.SerializerMethodField()

    class Meta:
        model = Movement
        fields = [
            "id",
            "kind",
            "on",
            "school",
            "school_name",
            "from_class",
            "to_class",
            "other_school",
            "document_number",
            "reason",
            "note",
            "imported",
            "recorded_at",
            "files",
            "received_results",
        ]

    def get_files(self, movement: Movement) -> list[dict[str, Any]]:
        return [{"id": f.id, "name": f.name, "sha256": f.sha256} for f in movement.files.all()]


class SchoolLifeEnrolmentOut(serializers.ModelSerializer[Enrolment]):
    school_year = serializers.CharField(source="school_year.name")
    class_name = serializers.CharField(source="school_class.name")

    class Meta:
        model = Enrolment
        fields = ["school_year", "school_class", "class_name", "start_date", "end_date"]


class SchoolLifeOut(serializers.Serializer[Any]):
    enrolments = SchoolLifeEnrolmentOut(many=True)
    movements = SchoolLifeMovementOut(many=True)


class SchoolLifeMovementIn(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[k for k in MovementKind.values if k != MovementKind.TRANSFER_IN]
    )
    on = serializers.DateField(required=False)
    school_class = id_field(required=False, help_text="lớp nhập học, chuyển đến hoặc lưu ban")
    next_class = id_field(required=False, help_text="lớp học lại năm sau (lưu ban)")
    to_school = serializers.CharField(max_length=200, required=False, default="")
    reason = serializers.CharField(max_length=200, required=False, default="")
    document_number = serializers.CharField(max_length=60, required=False, default="")
    passphrase = serializers.CharField(required=False, default="", write_only=True)
    pin = serializers.CharField(required=False, default="", write_only=True)


def _student(request: Request, pk: int) -> Student:
    return selectors.student_for(request.user, pk)


class StudentHistory(APIView):
    """GET: the student's enrolments with their dates and every movement. POST: record one
    (CHUYEN_DI seals the package with the school's seal: passphrase or pin)."""

    @extend_schema(responses=SchoolLifeOut)
    def get(self, request: Request, pk: int) -> Response:
        student = _student(request, pk)
        data = {
            "enrolments": selectors.enrolments_of(student),
            "movements": selectors.movements_of(student),
        }
        return Response(SchoolLifeOut(data).data)

    @extend_schema(request=SchoolLifeMovementIn, responses={201: SchoolLifeMovementOut})
    def post(self, request: Request, pk: int) -> Response:
        student = _student(request, pk)
        body = SchoolLifeMovementIn(data=request.data)
        body.is_valid(raise_exception=True)
        movement = _record(request, student, body.validated_data)
        return Response(SchoolLifeMovementOut(movement).data, status=status.HTTP_201_CREATED)


def _class(student: Student, pk: int | None) -> Unit:
    found = Unit.objects.filter(pk=pk or 0, kind=UnitKind.LOP).first()
    if found is None or found.school_id != student.school_id:
        raise DomainError(
            _("Lớp không thuộc trường của học sinh."),
            fields={"school_class": [_("Lớp không thuộc trường của học sinh.")]},
        )
    return found


def _on(data: dict[str, Any]) -> Any:
    if data.get("on") is None:
        raise DomainError(_("Hãy ghi ngày."), fields={"on": [_("Hãy ghi ngày.")]})
    return data["on"]


def _record(request: Request, student: Student, data: dict[str, Any]) -> Movement:
    common = {
        "actor": request.user,
        "student": student,
        "document_number": data["document_number"],
        "ip": client_ip(request),
    }
    kind = data["kind"]
    if kind == MovementKind.ADMISSION:
        return movements.admission_record(
            **common, school_class=_class(student, data.get("school_class")), on=_on(data)
        )
    if kind == MovementKind.CLASS_CHANGE:
        return movements.class_change(
            **common,
            to_class=_class(student, data.get("school_class")),
            on=_on(data),
            reason=data["reason"],
        )
    if kind == MovementKind.DROP_OUT:
        return movements.drop_out_record(**common, on=_on(data), reason=data["reason"])
    if kind == MovementKind.REPEAT:
        nxt = data.get("next_class")
        return movements.repeat_record(
            **common,
            school_class=_class(student, data.get("school_class")),
            next_class=_class(student, nxt) if nxt else None,
        )
    if kind == MovementKind.COMPLETION:
        return movements.completion_record(**common, on=_on(data))
    return _transfer(request, student, data, common)


def _transfer(
    request: Request, student: Student, data: dict[str, Any], common: dict[str, Any]
) -> Movement:
    from hoso.signing.models import CertKind
    from hoso.signing.services.signers import signer_close, signer_for

    if not selectors.can_record(request.user, student):  # before unlocking any key
        raise DomainError(_("Bạn không được ghi quá trình học tập của học sinh này."))
    handle = signer_for(
        actor=request.user,
        kind=CertKind.SEAL,
        unit=student.school,
        passphrase=data["passphrase"] or None,
        pin=data["pin"] or None,
    )
    try:
        return transfer_out(
            **common, on=_on(data), to_school_name=data["to_school"], signer=handle.signer
        )
    finally:
        signer_close(handle)


class PackageDownload(APIView):
    """The zip a transfer out made (or a transfer in received), for the school's recorders."""

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="gói zip")
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        movement = selectors.package_for(request.user, pk)
        with blob_store().open(movement.package_sha256) as stream:
            data = stream.read()
        name = f"ho-so-chuyen-truong-{movement.student.code}.zip"
        return FileResponse(
            BytesIO(data), as_attachment=True, filename=name, content_type="application/zip"
        )


class TransferPackageIn(serializers.Serializer[Any]):
    package = serializers.FileField()


class TransferInBody(TransferPackageIn):
    school_class = id_field()
    on = serializers.DateField()
    document_number = serializers.CharField(max_length=60, required=False, default="")


class TransferPreviewOut(serializers.Serializer[Any]):
    sending_school = serializers.CharField()
    on = serializers.DateField()
    document_number = serializers.CharField()
    sealed_by = serializers.CharField()
    student = serializers.DictField(child=serializers.CharField())
    enrolments = serializers.ListField(child=serializers.DictField())
    movements = serializers.ListField(child=serializers.DictField())
    files = serializers.ListField(child=serializers.CharField())
    existing_student = serializers.IntegerField(allow_null=True)


def _upload(request: Request, body: serializers.Serializer[Any]) -> bytes:
    body.is_valid(raise_exception=True)
    upload = body.validated_data["package"]
    if upload.size is None or upload.size > max_upload_bytes():
        raise DomainError(_("Gói hồ sơ quá lớn."), fields={"package": [_("Gói hồ sơ quá lớn.")]})
    return bytes(upload.read())


def _school(request: Request, pk: int) -> Unit:
    schools = Unit.objects.filter(kind=UnitKind.TRUONG)
    return get_or_404(request.user, "schoollife.transfer.receive", schools, pk=pk)


def _preview_out(package: Package, existing: Student | None) -> dict[str, Any]:
    return {
        "sending_school": package.sending_school,
        "on": package.on,
        "document_number": package.document_number,
        "sealed_by": package.sealed_by,
        "student": package.student,
        "enrolments": package.enrolments,
        "movements": package.movements,
        "files": [f.name for f in package.files],
        "existing_student": existing.pk if existing else None,
    }


class TransferInPreview(APIView):
    """Verify a package for the school and say what taking it in would create."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=TransferPackageIn, responses=TransferPreviewOut)
    def post(self, request: Request, pk: int) -> Response:
        school = _school(request, pk)
        data = _upload(request, TransferPackageIn(data=request.data))
        preview = transfer_in_preview(actor=request.user, school=school, data=data)
        return Response(TransferPreviewOut(_preview_out(preview.package, preview.existing)).data)


class TransferIn(APIView):
    """Take the package's student in, in a class of the school, from a date."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=TransferInBody, responses={201: SchoolLifeMovementOut})
    def post(self, request: Request, pk: int) -> Response:
        school = _school(request, pk)
        body = TransferInBody(data=request.data)
        data = _upload(request, body)
        school_class = (
            selectors.receiving_classes(school)
            .filter(pk=body.validated_data["school_class"])
            .first()
        )
        if school_class is None:
            message = _("Hãy chọn lớp nhận học sinh.")
            raise DomainError(message, fields={"school_class": [message]})
        movement = transfer_in(
            actor=request.user,
            school_class=school_class,
            data=data,
            on=body.validated_data["on"],
            document_number=body.validated_data["document_number"],
            ip=client_ip(request),
        )
        return Response(SchoolLifeMovementOut(movement).data, status=status.HTTP_201_CREATED)
