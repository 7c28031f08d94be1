from __future__ import annotations

from django.urls import path

from hoso.library import api, api_more

urlpatterns = [
    path("records/", api.RecordList.as_view(), name="api-library-records"),
    path("records/<int:pk>/", api.RecordDetail.as_view(), name="api-library-record"),
    path("records/<int:pk>/copies/", api.CopyList.as_view(), name="api-library-copies"),
    path(
        "schools/<int:pk>/patrons/<str:code>/",
        api.PatronLookup.as_view(),
        name="api-library-patron",
    ),
    path("loans/", api.LoanList.as_view(), name="api-library-loans"),
    path("loans/<int:pk>/", api.LoanDetail.as_view(), name="api-library-loan"),
    path("loans/<int:pk>/renew/", api.LoanRenew.as_view(), name="api-library-renew"),
    path("returns/", api.LoanReturn.as_view(), name="api-library-return"),
    path("holds/", api.HoldList.as_view(), name="api-library-holds"),
    path("stocktakes/", api_more.StockTakeList.as_view(), name="api-library-stocktakes"),
    path("stocktakes/<int:pk>/", api_more.StockTakeDetail.as_view(), name="api-library-stocktake"),
    path("digital/", api_more.ResourceList.as_view(), name="api-library-digital"),
    path("digital/<int:pk>/", api_more.ResourceDetail.as_view(), name="api-library-resource"),
]
