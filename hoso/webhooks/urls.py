from __future__ import annotations

from django.urls import path

from hoso.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("them/", views.endpoint_add, name="add"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/sua/", views.endpoint_edit, name="edit"),
    path("<int:pk>/bat-tat/", views.endpoint_toggle, name="toggle"),
    path("<int:pk>/khoa-moi/", views.endpoint_rotate, name="rotate"),
    path("<int:pk>/gui-thu/", views.endpoint_test, name="test"),
    path("lan-gui/<int:pk>/", views.delivery_detail, name="delivery"),
    path("lan-gui/<int:pk>/gui-lai/", views.delivery_replay, name="replay"),
]
