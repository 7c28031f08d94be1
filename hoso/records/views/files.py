"""Serving a version's original, its PDF and its preview: the policy first, then an audit entry
for every view and download (records.version.viewed / records.version.downloaded)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from hoso.conversion import Kind
from hoso.core.http import client_ip
from hoso.policy import NOT_FOUND_MESSAGE, get_or_404
from hoso.records.models import RecordVersion
from hoso.records.selectors import records_visible_to
from hoso.records.services.archive import current_signed_sha256
from hoso.records.services.versions import version_file_audit
from hoso.storage import BlobNotFound, blob_store


def visible_version(request: HttpRequest, pk: int, number: int) -> RecordVersion:
    record = get_or_404(
        request.user, "records.record.view", records_visible_to(request.user), pk=pk
    )
    version = record.versions.filter(number=number).first() if number < 2**31 else None
    if version is None:
        raise Http404(NOT_FOUND_MESSAGE)
    version.record = record
    return version


def blob_response(
    request: HttpRequest, version: RecordVersion, what: str, *, inline: bool
) -> HttpResponseBase:
    """`what` is original | pdf | preview. Audited in its own transaction before streaming."""
    sha, content_type, name = _pick(version, what)
    if not sha:
        raise Http404(_("Bản PDF hoặc ảnh xem trước chưa sẵn sàng."))
    try:
        stream = blob_store().open(sha)
    except BlobNotFound:
        raise Http404(_("Tệp không còn trong kho lưu trữ; hãy báo quản trị hệ thống.")) from None
    version_file_audit(
        actor=request.user,
        version=version,
        what=what,
        sha256=sha,
        inline=inline,
        ip=client_ip(request),
    )
    response = FileResponse(
        stream, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        )
    return response


def _pick(version: RecordVersion, what: str) -> tuple[str, str, str]:
    stem = version.filename.rsplit(".", 1)[0] or "ho-so"
    if what == "original":
        return version.original_sha256, Kind(version.kind).mime, version.filename
    if what == "pdf":  # an issued copy with its latest archive time-stamp, if renewed
        sha = current_signed_sha256(version) if version.signed_sha256 else version.pdf_sha256
        return sha, "application/pdf", f"{stem}.pdf"
    if what == "preview":
        return version.preview_sha256, "image/png", f"{stem}-trang-1.png"
    raise Http404(NOT_FOUND_MESSAGE)


@login_required
def version_file(request: HttpRequest, pk: int, number: int, what: str) -> HttpResponseBase:
    version = visible_version(request, pk, number)
    inline = request.GET.get("xem") == "1" or what == "preview"
    return blob_response(request, version, what, inline=inline)
