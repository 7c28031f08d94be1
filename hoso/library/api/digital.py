"""API of the library (/api/v1/library/): digital resources."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import DigitalResource
from hoso.library.services import digital
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404

LIBRARY_UNITS = Unit.objects.filter(kind__in=[UnitKind.TRUONG, UnitKind.PHONG, UnitKind.SO])


class ResourceOut(serializers.ModelSerializer[DigitalResource]):
    class Meta:
        model = DigitalResource
        fields = [
            "id",
            "owner_unit",
            "school",
            "title",
            "authors",
            "subject",
            "grade",
            "fmt",
            "url",
            "mime",
            "size",
            "sha256",
            "state",
            "opens",
            "created_at",
        ]


class ResourceIn(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    title = serializers.CharField(max_length=400)
    authors = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.IntegerField(required=False, allow_null=True, default=None)
    fmt = serializers.ChoiceField(choices=["pdf", "epub", "audio", "video", "link"])
    url = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False)


class ResourceList(generics.ListCreateAPIView[DigitalResource]):
    """What the caller may see; POST adds to a unit's collection (its manager only)."""

    serializer_class = ResourceOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[DigitalResource]:
        return selectors.digital_visible(self.request.user, self.request.query_params.get("q", ""))

    @extend_schema(request=ResourceIn, responses={201: ResourceOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ResourceIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = get_or_404(request.user, "library.digital.manage", LIBRARY_UNITS, pk=v["unit"])
        meta = {k: v[k] for k in ("title", "authors", "subject", "grade", "fmt")}
        resource = digital.resource_add(
            actor=request.user,
            unit=unit,
            meta=meta,
            stream=v.get("file"),
            url=v["url"],
            ip=client_ip(request),
        )
        return Response(ResourceOut(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetail(generics.RetrieveAPIView[DigitalResource]):
    serializer_class = ResourceOut

    def get_object(self) -> DigitalResource:
        return get_or_404(
            self.request.user,
            "library.digital.view",
            DigitalResource.objects.all(),
            pk=self.kwargs["pk"],
        )
