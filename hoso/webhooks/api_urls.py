from __future__ import annotations

from django.urls import path

from hoso.webhooks import api

urlpatterns = [
    path("endpoints/", api.EndpointList.as_view(), name="api-webhooks-endpoints"),
    path("endpoints/<int:pk>/", api.EndpointDetail.as_view(), name="api-webhooks-endpoint"),
    path("endpoints/<int:pk>/test/", api.EndpointTest.as_view(), name="api-webhooks-test"),
    path(
        "endpoints/<int:pk>/rotate-secret/",
        api.EndpointRotateSecret.as_view(),
        name="api-webhooks-rotate",
    ),
    path(
        "endpoints/<int:pk>/deliveries/",
        api.EndpointDeliveries.as_view(),
        name="api-webhooks-deliveries",
    ),
    path("deliveries/<int:pk>/", api.DeliveryDetail.as_view(), name="api-webhooks-delivery"),
    path("deliveries/<int:pk>/replay/", api.DeliveryReplay.as_view(), name="api-webhooks-replay"),
]
