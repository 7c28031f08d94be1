"""API /api/v1/offices/dx-…: the automatic measures, criteria sets (list, create with their
criteria, detail, add or remove a criterion while a draft, publish, close, copy, scores and
ranking) and school sheets (list, breakdown, an entered answer with evidence, submit, return).
Same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.offices import selectors as office_selectors
from hoso.offices.models import AnswerKind, CriteriaSet, Criterion, MeasureKind, SchoolSheet
from hoso.offices.services.reports import FileIn
from hoso.offices.transformation import selectors, services, services_figures
from hoso.offices.transformation.measures import MEASURES
from hoso.offices.transformation.scoring import Line


class DxMeasureOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()
    how = serializers.CharField()


class DxCriterionOut(serializers.ModelSerializer[Criterion]):
    class Meta:
        model = Criterion
        fields = [
            "id",
            "group",
            "code",
            "title",
            "guidance",
            "points",
            "kind",
            "measure",
            "answer_kind",
            "levels",
            "order",
        ]


class DxSetOut(serializers.ModelSerializer[CriteriaSet]):
    office = serializers.IntegerField(source="office_id")
    school_year = serializers.CharField(source="school_year.name")
    criteria = DxCriterionOut(many=True, read_only=True)

    class Meta:
        model = CriteriaSet
        fields = [
            "id",
            "office",
            "school_year",
            "title",
            "description",
            "level",
            "opens_on",
            "closes_on",
            "state",
            "version",
            "copied_from",
            "published_at",
            "closed_at",
            "figures_at",
            "criteria",
        ]


@extend_schema_serializer(component_name="DxCriterionIn")
class DxCriterionIn(serializers.Serializer[Any]):
    group = serializers.CharField(max_length=120)
    code = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=500)
    guidance = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    points = serializers.CharField(max_length=12, help_text='"10", "7.5" or "7,5"')
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    measure = serializers.ChoiceField(choices=sorted(MEASURES), required=False, allow_blank=True)
    answer_kind = serializers.ChoiceField(
        choices=AnswerKind.choices, required=False, allow_blank=True
    )
    levels = serializers.IntegerField(required=False, min_value=0, max_value=100)


class DxSetIn(serializers.Serializer[Any]):
    office = id_field(required=False)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    level = serializers.CharField(required=False, allow_blank=True, max_length=10)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    criteria = DxCriterionIn(many=True, required=False)


def _criterion(data: dict[str, Any]) -> services.CriterionIn:
    return services.CriterionIn(
        group=data["group"],
        code=data["code"],
        title=data["title"],
        points=data["points"],
        kind=data["kind"],
        measure=data.get("measure", ""),
        answer_kind=data.get("answer_kind", ""),
        levels=data.get("levels", 0),
        guidance=data.get("guidance", ""),
    )


class DxSheetOut(serializers.ModelSerializer[SchoolSheet]):
    criteria_set = serializers.IntegerField(source="criteria_set_id")
    school = serializers.IntegerField(source="school_id")
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = SchoolSheet
        fields = [
            "id",
            "criteria_set",
            "school",
            "school_name",
            "state",
            "submitted_at",
            "returned_at",
            "return_comment",
            "total",
            "rank",
        ]


class DxLineOut(serializers.Serializer[Any]):
    criterion = serializers.IntegerField(source="criterion.pk")
    code = serializers.CharField(source="criterion.code")
    kind = serializers.CharField(source="criterion.kind")
    max_points = serializers.DecimalField(source="criterion.points", max_digits=6, decimal_places=2)
    ratio = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    detail = serializers.CharField()
    counted = serializers.BooleanField()
    value = serializers.SerializerMethodField()
    evidence_filename = serializers.SerializerMethodField()
    evidence_record = serializers.SerializerMethodField()

    def get_value(self, line: Line) -> str | None:
        return str(line.answer.value) if line.answer else None

    def get_evidence_filename(self, line: Line) -> str:
        return line.answer.evidence_filename if line.answer else ""

    def get_evidence_record(self, line: Line) -> int | None:
        return line.answer.evidence_record_id if line.answer else None


class DxBreakdownOut(serializers.Serializer[Any]):
    sheet = DxSheetOut()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    from_snapshot = serializers.BooleanField()
    lines = DxLineOut(many=True)


class DxScoreRowOut(serializers.Serializer[Any]):
    sheet = serializers.IntegerField(source="sheet.pk")
    school = serializers.IntegerField(source="sheet.school_id")
    school_name = serializers.CharField(source="sheet.school.name")
    phong = serializers.IntegerField(source="phong.pk", allow_null=True, default=None)
    state = serializers.CharField(source="sheet.state")
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    rank = serializers.IntegerField()
    rank_in_phong = serializers.IntegerField(allow_null=True)


class DxAnswerIn(serializers.Serializer[Any]):
    criterion = id_field()
    value = serializers.CharField(max_length=12)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    file = serializers.FileField(required=False)
    record = id_field(required=False)


@extend_schema_serializer(component_name="DxReturnIn")
class ReturnIn(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MeasureList(APIView):
    @extend_schema(responses=DxMeasureOut(many=True))
    def get(self, request: Request) -> Response:
        data = [
            {"code": m.code, "label": str(m.label), "how": str(m.how)} for m in MEASURES.values()
        ]
        return Response(DxMeasureOut(data, many=True).data)


class SetList(generics.ListAPIView[CriteriaSet]):
    serializer_class = DxSetOut

    def get_queryset(self) -> QuerySet[CriteriaSet]:
        return selectors.sets_visible_to(self.request.user).prefetch_related("criteria")

    @extend_schema(request=DxSetIn, responses={201: DxSetOut})
    def post(self, request: Request) -> Response:
        body = DxSetIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        created = services.criteria_set_create(
            actor=request.user,
            office=office_selectors.office_of(request.user, values.get("office")),
            title=values["title"],
            description=values.get("description", ""),
            level=values.get("level", ""),
            opens_on=values["opens_on"],
            closes_on=values["closes_on"],
            criteria=[_criterion(c) for c in values.get("criteria", [])],
            ip=client_ip(request._request),
        )
        return Response(DxSetOut(created).data, status=201)


class SetDetail(APIView):
    @extend_schema(responses=DxSetOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(DxSetOut(selectors.set_for(request.user, pk)).data)


class SetCriteria(APIView):
    """POST adds a criterion to a draft; DELETE ?code= removes one."""

    @extend_schema(request=DxCriterionIn, responses={201: DxCriterionOut})
    def post(self, request: Request, pk: int) -> Response:
        cset = selectors.set_for(request.user, pk)
        body = DxCriterionIn(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.criterion_add(
            actor=request.user,
            set_id=cset.pk,
            data=_criterion(body.validated_data),
            ip=client_ip(request._request),
        )
        return Response(DxCriterionOut(row).data, status=201)

    @extend_schema(parameters=[OpenApiParameter("code", str, required=True)], responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        cset = selectors.set_for(request.user, pk)
        code = request.query_params.get("code", "")
        if not code:
            raise DomainError(
                _("Hãy nêu mã tiêu chí cần bỏ (code=1.1)."), fields={"code": [_("Bắt buộc.")]}
            )
        services.criterion_remove(
            actor=request.user, set_id=cset.pk, code=code, ip=client_ip(request._request)
        )
        return Response(status=204)


class _SetAction(APIView):
    action_name = ""

    @extend_schema(request=None, responses=DxSetOut)
    def post(self, request: Request, pk: int) -> Response:
        cset = selectors.set_for(request.user, pk)
        action = getattr(services, self.action_name)
        done = action(actor=request.user, set_id=cset.pk, ip=client_ip(request._request))
        return Response(DxSetOut(done).data, status=201 if done.pk != cset.pk else 200)


class SetPublish(_SetAction):
    action_name = "criteria_set_publish"


class SetClose(_SetAction):
    action_name = "criteria_set_close"


class SetCopy(_SetAction):
    action_name = "criteria_set_copy"


class SetRecompute(APIView):
    @extend_schema(request=None, responses=DxSetOut)
    def post(self, request: Request, pk: int) -> Response:
        """Compute every school's automatic figures of an open set now (the ranking otherwise
        shows those of the last nightly refresh; `figures_at` says when)."""
        cset = selectors.set_for(request.user, pk)
        done = services_figures.figures_recompute(
            actor=request.user, set_id=cset.pk, ip=client_ip(request._request)
        )
        return Response(DxSetOut(done).data)


class SetScores(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("unit", int, description="a Phòng: only its schools")],
        responses=DxScoreRowOut(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        """The schools' totals and ranks (over the whole set and within each Phòng), best
        first; only the schools the person may see."""
        cset = selectors.set_for(request.user, pk)
        if cset.state == "draft":
            return Response([])
        unit = selectors.phong_choice(request.user, cset, request.query_params.get("unit"))
        table = selectors.ranking(request.user, cset, unit)
        return Response(DxScoreRowOut(table.rows, many=True).data)


class SheetList(generics.ListAPIView[SchoolSheet]):
    serializer_class = DxSheetOut

    def get_queryset(self) -> QuerySet[SchoolSheet]:
        return selectors.sheets_visible_to(self.request.user).order_by("-criteria_set_id", "pk")


class SheetDetail(APIView):
    @extend_schema(responses=DxBreakdownOut)
    def get(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_for(request.user, pk)
        result = selectors.sheet_breakdown(sheet, timezone.now())
        total = sheet.total if result.from_snapshot and sheet.total is not None else result.total
        body = {
            "sheet": sheet,
            "total": total,
            "from_snapshot": result.from_snapshot,
            "lines": result.lines,
        }
        return Response(DxBreakdownOut(body).data)


class SheetAnswer(APIView):
    @extend_schema(request={"multipart/form-data": DxAnswerIn}, responses={200: DxBreakdownOut})
    def post(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_for(request.user, pk)
        body = DxAnswerIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        upload = values.get("file")
        services.answer_save(
            actor=request.user,
            sheet_id=sheet.pk,
            criterion_id=values["criterion"],
            value=values["value"],
            note=values.get("note", ""),
            upload=FileIn(upload.read(), upload.name or "") if upload is not None else None,
            record_id=values.get("record"),
            ip=client_ip(request._request),
        )
        return SheetDetail().get(request, pk)


class SheetSubmit(APIView):
    @extend_schema(request=None, responses=DxSheetOut)
    def post(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_for(request.user, pk)
        done = services.sheet_submit(
            actor=request.user, sheet_id=sheet.pk, ip=client_ip(request._request)
        )
        return Response(DxSheetOut(done).data)


class SheetReturn(APIView):
    @extend_schema(request=ReturnIn, responses=DxSheetOut)
    def post(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_for(request.user, pk)
        body = ReturnIn(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.sheet_return(
            actor=request.user,
            sheet_id=sheet.pk,
            comment=body.validated_data.get("comment", ""),
            ip=client_ip(request._request),
        )
        return Response(DxSheetOut(done).data)
