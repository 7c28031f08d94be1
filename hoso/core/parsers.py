"""API body parsers (kept free of app imports: DRF loads them while importing its views)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with two limits: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413
    (DRF reads the stream itself, so Django's own limit never applies to JSON) and a body nested
    deeper than Python's recursion limit is a 400 (ParseError) instead of a RecursionError."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise BodyTooLarge(
                    _("Dữ liệu gửi lên quá lớn (tối đa %(kb)s KB cho một yêu cầu JSON).")
                    % {"kb": limit // 1024}
                )
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON lồng nhau quá sâu.")) from None
