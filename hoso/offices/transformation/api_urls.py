"""API of digital-transformation measures, included in hoso/offices/api_urls.py (under
/api/v1/offices/)."""

from __future__ import annotations

from django.urls import path

from hoso.offices.transformation import api

urlpatterns = [
    path("dx-measures/", api.MeasureList.as_view(), name="api-offices-dx-measures"),
    path("dx-sets/", api.SetList.as_view(), name="api-offices-dx-sets"),
    path("dx-sets/<int:pk>/", api.SetDetail.as_view(), name="api-offices-dx-set"),
    path("dx-sets/<int:pk>/criteria/", api.SetCriteria.as_view(), name="api-offices-dx-criteria"),
    path("dx-sets/<int:pk>/publish/", api.SetPublish.as_view(), name="api-offices-dx-publish"),
    path("dx-sets/<int:pk>/close/", api.SetClose.as_view(), name="api-offices-dx-close"),
    path(
        "dx-sets/<int:pk>/recompute/", api.SetRecompute.as_view(), name="api-offices-dx-recompute"
    ),
    path("dx-sets/<int:pk>/copy/", api.SetCopy.as_view(), name="api-offices-dx-copy"),
    path("dx-sets/<int:pk>/scores/", api.SetScores.as_view(), name="api-offices-dx-scores"),
    path("dx-sheets/", api.SheetList.as_view(), name="api-offices-dx-sheets"),
    path("dx-sheets/<int:pk>/", api.SheetDetail.as_view(), name="api-offices-dx-sheet"),
    path("dx-sheets/<int:pk>/answers/", api.SheetAnswer.as_view(), name="api-offices-dx-answers"),
    path("dx-sheets/<int:pk>/submit/", api.SheetSubmit.as_view(), name="api-offices-dx-submit"),
    path("dx-sheets/<int:pk>/return/", api.SheetReturn.as_view(), name="api-offices-dx-return"),
]
