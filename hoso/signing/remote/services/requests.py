"""Remote signing (ký số từ xa): one confirmation on the phone for many documents — a person
signing with their own credential (purpose "sign"), or the văn thư sealing with the school's
organisation credential, its con dấu số at the provider (purpose "seal").

    remote_start   prepare every document (two-phase), ask the provider ONCE for all their
                   hashes (numSignatures = N): the person's phone shows one request
    remote_poll    ask the provider whether the person confirmed; refused / expired → every
                   prepared document is forgotten, nothing was signed; approved → queue the run
    remote_run     ONE signHash for all hashes, then each document completed in its own
                   transaction (signed fully, or left exactly as it was, with the reason)
    remote_cancel  the person gives up while waiting

Holder rule: the credential is linked to a Certificate registered to the actor (for a seal:
to the school, and the actor may use the school's seal credential, policy
`signing_remote.seal.use`; another school's is a 404); it must be active, valid, trusted and
not revoked (the same checks as every signing path, run by the source's prepare for each
document). The raw signature the provider returns is verified against that certificate
before it is embedded."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotFound
from hoso.policy import visible
from hoso.signing.models import CertStatus
from hoso.signing.remote import vault
from hoso.signing.remote.models import (
    ItemStatus,
    Purpose,
    RemoteCredential,
    RemoteRequest,
    RemoteRequestItem,
    RequestStatus,
)
from hoso.signing.remote.providers import Authorization, ProviderDown, client_for
from hoso.signing.remote.sources import PreparedDocument
from hoso.signing.remote.sources import source as source_named

# The prepared two-phase sessions live 15 minutes; the wait for the phone ends before.
MAX_WAIT = dt.timedelta(minutes=10)
NO_CREDENTIAL = gettext_lazy(
    "Bạn chưa liên kết chứng thư ký số từ xa (tài khoản tại nhà cung cấp) với HoSo; "
    "hãy liên kết ở trang «Chứng thư số»."
)
NOTHING = gettext_lazy("Không có hồ sơ nào đang chờ bạn ký trong lựa chọn này.")
ALREADY = gettext_lazy(
    "Bạn đang có một yêu cầu ký từ xa chờ xác nhận trên điện thoại; hãy xác nhận hoặc hủy "
    "yêu cầu đó trước."
)
REFUSED = gettext_lazy("Bạn đã từ chối yêu cầu ký trên điện thoại. Chưa có hồ sơ nào được ký.")
EXPIRED = gettext_lazy(
    "Hết thời gian chờ xác nhận trên điện thoại. Chưa có hồ sơ nào được ký; hãy ký lại khi "
    "có điện thoại bên cạnh."
)
CANCELLED = gettext_lazy("Bạn đã hủy yêu cầu ký. Chưa có hồ sơ nào được ký.")
STILL_DOWN = gettext_lazy("Tạm thời chưa liên lạc được nhà cung cấp ký số; HoSo đang thử lại.")
MAX_DOCUMENTS = 500
# The văn thư's seal: the confirmation happens at the provider, for the school's credential.
NO_SEAL_CREDENTIAL = gettext_lazy(
    "Trường chưa liên kết con dấu số ở nhà cung cấp ký số từ xa với HoSo; hiệu trưởng hoặc "
    "văn thư liên kết ở trang «Chứng thư số»."
)
CHOOSE_SEAL = gettext_lazy("Hãy chọn con dấu số của trường sẽ đóng dấu.")
NOTHING_SEAL = gettext_lazy("Không có hồ sơ nào đang chờ bạn đóng dấu trong lựa chọn này.")
SEAL_REFUSED = gettext_lazy(
    "Yêu cầu đóng dấu đã bị từ chối ở nhà cung cấp. Chưa có hồ sơ nào được đóng dấu."
)
SEAL_EXPIRED = gettext_lazy(
    "Hết thời gian chờ xác nhận đóng dấu ở nhà cung cấp. Chưa có hồ sơ nào được đóng dấu; "
    "hãy đóng dấu lại khi người xác nhận con dấu số của trường sẵn sàng."
)
SEAL_CANCELLED = gettext_lazy("Bạn đã hủy yêu cầu đóng dấu. Chưa có hồ sơ nào được đóng dấu.")


def _says(purpose: str, what: str) -> str:
    """The message of an ending (refused, expired, cancelled), for a signature or a seal."""
    if purpose == Purpose.SEAL:
        seal = {"refused": SEAL_REFUSED, "expired": SEAL_EXPIRED, "cancelled": SEAL_CANCELLED}
        return str(seal[what])
    return str({"refused": REFUSED, "expired": EXPIRED, "cancelled": CANCELLED}[what])


def credential_of(actor: Any, credential_id: int | None = None) -> RemoteCredential:
    qs = RemoteCredential.objects.select_related("provider", "certificate").filter(
        owner=actor,
        provider__is_active=True,
        certificate__status=CertStatus.ACTIVE,
        certificate__owner=actor,
    )
    if credential_id is not None:
        qs = qs.filter(pk=credential_id)
    cred = qs.order_by("-linked_at", "-id").first()
    if cred is None:
        raise DomainError(NO_CREDENTIAL)
    return cred


def seal_credential_of(actor: Any, credential_id: int | None = None) -> RemoteCredential:
    """The school's seal credential the actor seals with: the one named (another school's, or
    one the actor may not use, answers like a missing one), else the newest usable one when
    they all belong to one school."""
    from hoso.signing.remote.selectors import seal_credentials_managed, seal_credentials_usable

    if credential_id is not None:
        named = seal_credentials_managed(actor)
        found = named.filter(pk=credential_id).first() if 0 < credential_id < 2**63 else None
        if found is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        if not found.provider.is_active:
            raise DomainError(str(NO_SEAL_CREDENTIAL))
        return found
    usable = list(seal_credentials_usable(actor))
    if not usable:
        raise DomainError(str(NO_SEAL_CREDENTIAL))
    if len({c.unit_id for c in usable}) > 1:
        raise DomainError(str(CHOOSE_SEAL))
    return max(usable, key=lambda c: (c.linked_at, c.pk))


def holder_check(actor: Any, cred: RemoteCredential) -> None:
    """The rule of every signing path: the actor's own certificate (for a seal: the school's),
    active, valid now, trusted, not revoked — checked once for the whole request, before the
    provider is asked."""
    from hoso.signing.documents import ensure_not_revoked, ensure_trusted
    from hoso.signing.models import CertKind
    from hoso.signing.services.certificates import certificate_for_signing

    cert = certificate_for_signing(
        actor=actor,
        certificate_id=cred.certificate_id,
        kind=CertKind.SEAL if cred.is_seal else CertKind.PERSONAL,
        unit=cred.unit if cred.is_seal else None,
    )
    ensure_trusted(cert)
    ensure_not_revoked(cert)


def _credential(actor: Any, purpose: str, credential_id: int | None) -> RemoteCredential:
    if purpose not in Purpose.values:
        raise DomainError(_("Yêu cầu ký từ xa không hợp lệ (mục đích «%s»).") % purpose[:20])
    if purpose == Purpose.SEAL:
        cred = seal_credential_of(actor, credential_id)
    else:
        cred = credential_of(actor, credential_id)
    holder_check(actor, cred)
    return cred


def _description(purpose: str, count: int, cred: RemoteCredential) -> str:
    """What the provider shows the person who confirms."""
    if purpose == Purpose.SEAL and cred.unit is not None:
        return _("HoSo: đóng dấu %(count)s tài liệu của %(school)s") % {
            "count": count,
            "school": cred.unit.name,
        }
    return _("HoSo: ký %(count)s tài liệu") % {"count": count}


def _digest_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def remote_start(
    *,
    actor: Any,
    object_ids: list[int],
    source: str = "records",
    credential_id: int | None = None,
    purpose: str = Purpose.SIGN,
    ip: str = "",
) -> RemoteRequest:
    """Prepare the documents and ask the provider for ONE confirmation. The provider being down
    (or refusing the request) rolls everything back: nothing is prepared, nothing waits.
    `purpose` "seal": the văn thư seals with the school's credential."""
    ids = [i for i in dict.fromkeys(object_ids) if 0 < i < 2**63][:MAX_DOCUMENTS]
    docs_source = source_named(source)
    cred = _credential(actor, purpose, credential_id)
    with transaction.atomic():
        _expire_stale(actor)
        if RemoteRequest.objects.filter(user=actor, status=RequestStatus.WAITING).exists():
            raise Conflict(ALREADY)
        prepared, skipped = docs_source.prepare(
            actor=actor, object_ids=ids, certificate=cred.certificate, ip=ip, purpose=purpose
        )
        if not prepared:
            nothing = str(NOTHING_SEAL) if purpose == Purpose.SEAL else NOTHING
            raise DomainError(skipped[0][1] if len(ids) == 1 and skipped else nothing)
        digests = [_digest_b64(d.signed_attrs) for d in prepared]
        client = client_for(cred.provider)
        auth = client.begin(
            cred.credential_ref, digests, _description(purpose, len(prepared), cred)
        )
        if auth.state in ("refused", "expired"):
            raise DomainError(_says(purpose, auth.state))
        request = _create_request(actor, cred, source, purpose, auth, prepared, digests)
        audit_log(
            "signing.remote.started",
            actor=actor,
            obj=request,
            unit_id=cred.unit_id,
            ip=ip,
            data={
                "source": source,
                "purpose": purpose,
                "objects": [d.object_id for d in prepared],
                "skipped": [i for i, _why in skipped],
                "provider": cred.provider.name,
                "certificate": cred.certificate.serial,
            },
        )
        if request.status == RequestStatus.SIGNING:
            _queue_run(request.pk)
    return request


def _create_request(
    actor: Any,
    cred: RemoteCredential,
    source: str,
    purpose: str,
    auth: Authorization,
    prepared: list[PreparedDocument],
    digests: list[str],
) -> RemoteRequest:
    now = timezone.now()
    wait = min(dt.timedelta(seconds=cred.provider.timeout_seconds), MAX_WAIT)
    request = RemoteRequest.objects.create(
        user=actor,
        credential=cred,
        source=source,
        purpose=purpose,
        status=RequestStatus.SIGNING if auth.state == "approved" else RequestStatus.WAITING,
        handle_enc=vault.seal(auth.handle),
        total=len(prepared),
        created_at=now,
        expires_at=now + wait,
    )
    RemoteRequestItem.objects.bulk_create(
        [
            RemoteRequestItem(
                request=request,
                object_id=d.object_id,
                title=d.title[:500],
                session_ref=d.session_ref,
                digest_b64=digest,
                signed_attrs_b64=base64.b64encode(d.signed_attrs).decode("ascii"),
            )
            for d, digest in zip(prepared, digests, strict=True)
        ]
    )
    return request


def _queue_run(request_id: int) -> None:
    from hoso.signing.remote.tasks import run_remote_request

    transaction.on_commit(lambda: run_remote_request(request_id))


def request_for(actor: Any, request_id: int) -> RemoteRequest:
    qs = visible(actor, "signing_remote.request.view", RemoteRequest.objects.all())
    found = qs.filter(pk=request_id).first() if 0 < request_id < 2**63 else None
    if found is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return found


@transaction.atomic
def remote_poll(*, actor: Any, request_id: int, ip: str = "") -> RemoteRequest:
    """Advance a waiting request from what the provider says; returns it (any status)."""
    request_for(actor, request_id)
    request = (
        RemoteRequest.objects.select_for_update()
        .select_related("credential__provider")
        .get(pk=request_id)
    )
    if request.status != RequestStatus.WAITING:
        return request
    if timezone.now() >= request.expires_at:
        return _close(request, RequestStatus.EXPIRED, _says(request.purpose, "expired"), ip=ip)
    client = client_for(request.credential.provider)
    try:
        auth = client.check(request.credential.credential_ref, vault.unseal(request.handle_enc))
    except ProviderDown:
        if request.message != str(STILL_DOWN):  # only spares a write; the status is the code
            request.message = str(STILL_DOWN)
            request.save(update_fields=["message"])
        return request
    if auth.state == "approved":
        request.status, request.message = RequestStatus.SIGNING, ""
        request.handle_enc = vault.seal(auth.handle)
        request.save(update_fields=["status", "message", "handle_enc"])
        audit_log(
            "signing.remote.confirmed",
            actor=actor,
            obj=request,
            unit_id=request.credential.unit_id,
            ip=ip,
            data={"purpose": request.purpose},
        )
        _queue_run(request.pk)
    elif auth.state in ("refused", "expired"):
        status = RequestStatus.REFUSED if auth.state == "refused" else RequestStatus.EXPIRED
        return _close(request, status, _says(request.purpose, auth.state), ip=ip)
    elif request.message:
        request.message = ""
        request.save(update_fields=["message"])
    return request


@transaction.atomic
def remote_cancel(*, actor: Any, request_id: int, ip: str = "") -> RemoteRequest:
    request_for(actor, request_id)
    request = RemoteRequest.objects.select_for_update().get(pk=request_id)
    if request.status == RequestStatus.SIGNING:
        raise Conflict(_("Bạn đã xác nhận trên điện thoại và HoSo đang ký; không hủy được nữa."))
    if request.status != RequestStatus.WAITING:
        return request
    return _close(request, RequestStatus.CANCELLED, _says(request.purpose, "cancelled"), ip=ip)


def _close(request: RemoteRequest, status: str, message: str, *, ip: str = "") -> RemoteRequest:
    """End a request before anything was signed: every prepared document is forgotten."""
    items = request.items.filter(status=ItemStatus.PENDING)
    source_named(request.source).discard(
        session_refs=list(items.values_list("session_ref", flat=True))
    )
    items.update(status=ItemStatus.FAILED, message=message[:500])
    request.status, request.message, request.handle_enc = status, message, ""
    request.failed = request.total - request.done
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "message", "handle_enc", "failed", "finished_at"])
    audit_log(
        f"signing.remote.{status}",
        actor=request.user,
        obj=request,
        unit_id=request.credential.unit_id,
        ip=ip,
        data={"purpose": request.purpose},
    )
    return request


def _expire_stale(actor: Any) -> None:
    for request in RemoteRequest.objects.filter(
        user=actor, status=RequestStatus.WAITING, expires_at__lte=timezone.now()
    ):
        _close(request, RequestStatus.EXPIRED, _says(request.purpose, "expired"))


def remote_expire_due() -> int:
    """Periodic: waiting requests nobody polls any more end as expired (sessions forgotten)."""
    due = list(
        RemoteRequest.objects.filter(
            status=RequestStatus.WAITING, expires_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        with transaction.atomic():
            request = RemoteRequest.objects.select_for_update().get(pk=pk)
            if request.status == RequestStatus.WAITING:
                _close(request, RequestStatus.EXPIRED, _says(request.purpose, "expired"))
    return len(due)


def remote_requests_stuck(minutes: float) -> list[int]:
    """Confirmed requests still signing `minutes` after they began: the worker that ran them
    died (a run takes seconds). Running them again signs only what is still pending."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    return list(
        RemoteRequest.objects.filter(status=RequestStatus.SIGNING, created_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )


def remote_run(*, request_id: int) -> RemoteRequest | None:
    """After the confirmation: one signHash for every pending document, then each document in
    its own transaction. Idempotent: a finished request or item is left alone."""
    request = (
        RemoteRequest.objects.select_related("credential__provider", "user")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status != RequestStatus.SIGNING:
        return request
    items = list(request.items.filter(status=ItemStatus.PENDING).order_by("id"))
    docs = source_named(request.source)
    if items:
        try:
            signatures = client_for(request.credential.provider).sign(
                request.credential.credential_ref,
                vault.unseal(request.handle_enc),
                [base64.b64decode(i.signed_attrs_b64) for i in items],
            )
        except DomainError as exc:  # provider down or refusing: nothing signed, say so
            with transaction.atomic():
                locked = RemoteRequest.objects.select_for_update().get(pk=request.pk)
                return _close(locked, RequestStatus.FAILED, exc.message)
        for item, signature in zip(items, signatures, strict=True):
            _complete_item(request, item, docs, signature)
    return _finish(request)


def _complete_item(request: RemoteRequest, item: RemoteRequestItem, docs: Any, sig: bytes) -> None:
    try:
        with transaction.atomic():
            docs.complete(
                actor=request.user,
                object_id=item.object_id,
                session_ref=item.session_ref,
                signature=sig,
                ip="",
            )
            _item_status(request, item, ItemStatus.DONE, "")
    except DomainError as exc:
        docs.discard(session_refs=[item.session_ref])
        _item_status(request, item, ItemStatus.FAILED, exc.message)
    except Exception as exc:  # noqa: BLE001 — one broken document must not stop the others
        docs.discard(session_refs=[item.session_ref])
        _item_status(
            request,
            item,
            ItemStatus.FAILED,
            _("Lỗi không mong đợi: %(name)s") % {"name": type(exc).__name__},
        )


def _item_status(request: RemoteRequest, item: RemoteRequestItem, status: str, msg: str) -> None:
    updated = RemoteRequestItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
        status=status, message=msg[:500]
    )
    if updated:
        counter = "done" if status == ItemStatus.DONE else "failed"
        RemoteRequest.objects.filter(pk=request.pk).update(**{counter: F(counter) + 1})


@transaction.atomic
def _finish(request: RemoteRequest) -> RemoteRequest:
    locked = RemoteRequest.objects.select_for_update().get(pk=request.pk)
    items = RemoteRequestItem.objects.filter(request=locked)
    locked.done = items.filter(status=ItemStatus.DONE).count()
    locked.failed = items.filter(status=ItemStatus.FAILED).count()
    locked.status, locked.handle_enc = RequestStatus.DONE, ""
    locked.finished_at = timezone.now()
    locked.save(update_fields=["done", "failed", "status", "handle_enc", "finished_at"])
    audit_log(
        "signing.remote.done",
        actor=locked.user,
        obj=locked,
        unit_id=locked.credential.unit_id,
        data={"purpose": locked.purpose, "done": locked.done, "failed": locked.failed},
    )
    return locked
