from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hoso.audit.anchors import list_anchors, tsa_url
from hoso.audit.labels import action_groups
from hoso.audit.models import AuditEntry
from hoso.policy import can, visible


@login_required
def audit_log_page(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "audit.log.open"):
        raise Http404
    entries = visible(request.user, "audit.entry.view", AuditEntry.objects.all())
    action = request.GET.get("action", "").strip()[:80]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries.order_by("-seq"), 50).get_page(request.GET.get("page"))
    anchors = list_anchors()[-10:][::-1]
    context = {
        "page": page,
        "action": action,
        "action_groups": action_groups(),
        "anchors": anchors,
        "tsa": bool(tsa_url()),
    }
    return render(request, "audit/log.html", context)
