"""API /api/v1/offices/dashboard/: the operations dashboard's figures (the page's table, its
totals, the weekly trend) for the unit the person oversees, `?unit=` to drill down."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.offices.dashboard import Dashboard, Row
from hoso.offices.views.dashboard import board_for


class RowOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pct_submitted = serializers.FloatField(allow_null=True)
    signing_waiting = serializers.IntegerField()
    signed_this_week = serializers.IntegerField()
    directives_opened = serializers.IntegerField()
    directives_received = serializers.IntegerField()
    reports_sent = serializers.IntegerField()
    reports_asked = serializers.IntegerField()
    gradebook_pct = serializers.IntegerField(allow_null=True)
    hocba_issued = serializers.IntegerField()
    pupils = serializers.IntegerField()
    library_copies = serializers.IntegerField()
    library_loans = serializers.IntegerField()
    library_overdue = serializers.IntegerField()
    behind = serializers.ListField(child=serializers.CharField())


class WeekOut(serializers.Serializer[Any]):
    week = serializers.CharField()
    due = serializers.IntegerField()
    submitted = serializers.IntegerField()


class DashboardOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    school_year = serializers.CharField()
    total = RowOut()
    rows = RowOut(many=True)
    weeks = WeekOut(many=True)


def _row(row: Row) -> dict[str, Any]:
    counts, figures = row.counts, row.figures
    return {
        "unit": row.unit.pk if row.unit is not None else None,
        "label": counts.label,
        "on_time": counts.values["on_time"],
        "late": counts.values["late"],
        "missing": counts.values["missing"],
        "pct_submitted": counts.pct_submitted,
        "signing_waiting": row.signing_waiting,
        "signed_this_week": row.signed_this_week,
        "directives_opened": row.directives[0],
        "directives_received": row.directives[1],
        "reports_sent": row.reports[0],
        "reports_asked": row.reports[1],
        "gradebook_pct": row.gradebook_pct,
        "hocba_issued": figures.get("hb_issued", 0),
        "pupils": figures.get("pupils", 0),
        "library_copies": figures.get("lib_copies", 0),
        "library_loans": figures.get("lib_loans", 0),
        "library_overdue": figures.get("lib_overdue", 0),
        "behind": [str(b) for b in row.behind],
    }


def board_json(board: Dashboard) -> dict[str, Any]:
    return {
        "unit": board.unit.pk,
        "unit_name": board.unit.name,
        "school_year": board.year.name,
        "total": _row(board.total),
        "rows": [_row(r) for r in board.rows],
        "weeks": [{"week": w, "due": d, "submitted": s} for w, d, s in board.weeks],
    }


class DashboardView(APIView):
    """Who may: whoever may see the page (hidden units answer 404, as missing ones)."""

    @extend_schema(
        responses=DashboardOut,
        parameters=[OpenApiParameter("unit", int, required=False, description="đơn vị cần xem")],
    )
    def get(self, request: Request) -> Response:
        return Response(board_json(board_for(request)))
