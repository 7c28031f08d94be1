"""API: the criteria of the standards, a version's evidence tags (list, add, replace, remove)
and a school's evidence. Same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.org.models import Unit
from hoso.policy import get_or_404
from hoso.records.evidence import selectors, services
from hoso.records.evidence.criteria import normalize_code, standard, standards
from hoso.records.evidence.exports import evidence_date
from hoso.records.models import EvidenceTag, RecordVersion
from hoso.records.selectors import records_visible_to


class CriterionOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField()
    tieu_chuan = serializers.IntegerField(help_text="1–5; 0 for a Mức 4 requirement")
    checked = serializers.BooleanField(help_text="False: title to be checked against the text")


class StandardOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    circular = serializers.CharField()
    scope = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    criteria = CriterionOut(many=True)


class TagOut(serializers.ModelSerializer[EvidenceTag]):
    record = serializers.IntegerField(source="version.record_id")
    version = serializers.IntegerField(source="version.number")
    label = serializers.SerializerMethodField()
    tagged_by = serializers.IntegerField(source="tagged_by_id")

    class Meta:
        model = EvidenceTag
        fields = [
            "id",
            "school",
            "standard",
            "criterion",
            "label",
            "record",
            "version",
            "tagged_by",
            "tagged_at",
        ]

    def get_label(self, tag: EvidenceTag) -> str:
        found = standard(tag.standard)
        criterion = found.criterion(tag.criterion) if found else None
        return criterion.label if criterion else tag.criterion


class EvidenceOut(TagOut):
    record_title = serializers.CharField(source="version.record.title")
    record_type = serializers.CharField(source="version.record.record_type.code")
    date = serializers.SerializerMethodField()

    class Meta(TagOut.Meta):
        fields = [*TagOut.Meta.fields, "record_title", "record_type", "date"]

    def get_date(self, tag: EvidenceTag) -> str:
        return evidence_date(tag.version).isoformat()


class TagIn(serializers.Serializer[Any]):
    criteria = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=services.MAX_CODES,
        help_text='Criteria codes: "1.1", "TC1.1", "M4.1".',
    )
    standard = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CriteriaList(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("school", int, description="only this school's standard")],
        responses=StandardOut(many=True),
    )
    def get(self, request: Request) -> Response:
        found = list(standards())
        school_id = request.query_params.get("school", "")
        if school_id:
            pk = int(school_id) if school_id.isdigit() and len(school_id) < 19 else 0
            school = selectors.evidence_school(request.user, pk)
            mine = selectors.school_standard(school)
            found = [mine] if mine is not None else []
        data = [
            {
                "code": s.code,
                "circular": s.circular,
                "scope": s.scope,
                "levels": list(s.levels),
                "criteria": [
                    {
                        "code": c.code,
                        "label": c.label,
                        "title": c.title,
                        "tieu_chuan": c.tieu_chuan,
                        "checked": c.checked,
                    }
                    for c in s.criteria
                ],
            }
            for s in found
        ]
        return Response(StandardOut(data, many=True).data)


def _version(request: Request, pk: int, number: int) -> RecordVersion:
    record = get_or_404(
        request.user, "records.record.view", records_visible_to(request.user), pk=pk
    )
    version = record.versions.filter(number=number).first() if number < 2**31 else None
    if version is None:
        raise Http404(NOT_FOUND_MESSAGE)
    version.record = record
    return version


class VersionEvidence(APIView):
    """GET the version's tags; POST adds criteria; PUT makes them exactly the list; DELETE
    removes the criteria of `?criterion=` (comma-separated)."""

    @extend_schema(responses=TagOut(many=True))
    def get(self, request: Request, pk: int, number: int) -> Response:
        version = _version(request, pk, number)
        return Response(TagOut(selectors.tags_of_version(version), many=True).data)

    @extend_schema(request=TagIn, responses={201: TagOut(many=True)})
    def post(self, request: Request, pk: int, number: int) -> Response:
        version = _version(request, pk, number)
        body = TagIn(data=request.data)
        body.is_valid(raise_exception=True)
        tags = services.evidence_tag(
            actor=request.user,
            version_id=version.pk,
            codes=body.validated_data["criteria"],
            standard_code=body.validated_data.get("standard", ""),
            ip=client_ip(request),
        )
        return Response(TagOut(tags, many=True).data, status=201)

    @extend_schema(request=TagIn, responses=TagOut(many=True))
    def put(self, request: Request, pk: int, number: int) -> Response:
        version = _version(request, pk, number)
        body = TagIn(data=request.data)
        body.is_valid(raise_exception=True)
        tags = services.evidence_set(
            actor=request.user,
            version_id=version.pk,
            codes=body.validated_data["criteria"],
            standard_code=body.validated_data.get("standard", ""),
            ip=client_ip(request),
        )
        return Response(TagOut(tags, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("criterion", str, required=True)],
        responses={204: None},
    )
    def delete(self, request: Request, pk: int, number: int) -> Response:
        version = _version(request, pk, number)
        raw = request.query_params.get("criterion", "")
        codes = [c for c in raw.split(",") if c.strip()]
        if not codes:
            raise DomainError(
                _("Hãy nêu tiêu chí cần bỏ (criterion=1.1)."),
                fields={"criterion": [_("Bắt buộc.")]},
            )
        services.evidence_untag(
            actor=request.user, version_id=version.pk, codes=codes, ip=client_ip(request)
        )
        return Response(status=204)


class SchoolEvidence(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("standard", str, description="default: the school's standard"),
            OpenApiParameter("criterion", str, description='e.g. "1.1", "M4.1"'),
        ],
        responses=EvidenceOut(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        school: Unit = selectors.evidence_school(request.user, pk)
        found = selectors.school_standard(school)
        asked = request.query_params.get("standard", "")
        if asked:
            found = standard(asked)
            if found is None:
                raise DomainError(
                    _("Không có bộ tiêu chuẩn “%(asked)s”.") % {"asked": asked[:40]},
                    fields={"standard": [asked[:40]]},
                )
        if found is None:
            return Response([])
        criterion = ""
        raw = request.query_params.get("criterion", "")
        if raw:
            code = normalize_code(raw)
            if code is None or found.criterion(code) is None:
                raise DomainError(
                    _("%(circular)s không có tiêu chí “%(raw)s”.")
                    % {"circular": found.circular, "raw": raw[:40]},
                    fields={"criterion": [raw[:40]]},
                )
            criterion = code
        tags = selectors.evidence_of_school(
            request.user, school, standard_code=found.code, criterion=criterion
        )
        return Response(EvidenceOut(tags[:5000], many=True).data)
