"""API of evidence, included in hoso/records/api/urls.py (under /api/v1/)."""

from __future__ import annotations

from django.urls import path

from hoso.records.evidence import api

urlpatterns = [
    path("evidence/criteria/", api.CriteriaList.as_view(), name="api-evidence-criteria"),
    path("evidence/schools/<int:pk>/", api.SchoolEvidence.as_view(), name="api-evidence-school"),
    path(
        "records/<int:pk>/versions/<int:number>/evidence/",
        api.VersionEvidence.as_view(),
        name="api-record-version-evidence",
    ),
]
