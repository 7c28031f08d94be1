from __future__ import annotations

from django.urls import path

from hoso.library.api import catalogue, circulation, digital, stock

urlpatterns = [
    path("records/", catalogue.RecordList.as_view(), name="api-library-records"),
    path("records/<int:pk>/", catalogue.RecordDetail.as_view(), name="api-library-record"),
    path("records/<int:pk>/copies/", catalogue.CopyList.as_view(), name="api-library-copies"),
    path(
        "schools/<int:pk>/patrons/<str:code>/",
        circulation.PatronLookup.as_view(),
        name="api-library-patron",
    ),
    path("loans/", circulation.LoanList.as_view(), name="api-library-loans"),
    path("loans/<int:pk>/", circulation.LoanDetail.as_view(), name="api-library-loan"),
    path("loans/<int:pk>/renew/", circulation.LoanRenew.as_view(), name="api-library-renew"),
    path("returns/", circulation.LoanReturn.as_view(), name="api-library-return"),
    path("holds/", circulation.HoldList.as_view(), name="api-library-holds"),
    path("my-holds/", circulation.MyHoldList.as_view(), name="api-library-my-holds"),
    path("my-holds/<int:pk>/", circulation.MyHoldDetail.as_view(), name="api-library-my-hold"),
    path("stocktakes/", stock.StockTakeList.as_view(), name="api-library-stocktakes"),
    path("stocktakes/<int:pk>/", stock.StockTakeDetail.as_view(), name="api-library-stocktake"),
    path("digital/", digital.ResourceList.as_view(), name="api-library-digital"),
    path("digital/<int:pk>/", digital.ResourceDetail.as_view(), name="api-library-resource"),
]
