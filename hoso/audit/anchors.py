"""Time-stamp anchors of the audit chain, kept outside the database.

Anyone who can write to the database can rewrite the whole chain and its head consistently;
the chain alone cannot tell. An anchor is a file listing (seq, hash) of every entry appended
since the previous anchor, ending at the head, time-stamped by the TSA configured for signing
(HOSO_SIGNING_TSA_URL, RFC 3161): the TSA's signed token binds the SHA-256 of that file to a
time. Anchors live in HOSO_AUDIT_ANCHOR_DIR (default DATA_DIR/audit-anchors, copied by every
backup); `hoso audit verify` compares the chain with every anchor and names the first entry
whose hash no longer matches. A daily task and `hoso audit anchor` write them."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.models import AuditEntry, AuditHead
from hoso.audit.verify import ChainProblem
from hoso.core.errors import DomainError

FORMAT = 1
SUFFIX = ".json.gz"
STAMP_SUFFIX = ".tsr"
CHUNK = 5000
ANCHOR_ACTION = "audit.anchor.created"
ANCHOR_EVERY = dt.timedelta(hours=23)  # daily, checked by an hourly tick


@dataclass(frozen=True)
class Anchor:
    path: Path
    from_seq: int
    to_seq: int
    head_hash: str
    stamped_at: dt.datetime | None  # the TSA's genTime
    tsa_url: str


def anchor_dir() -> Path:
    configured = getattr(settings, "HOSO_AUDIT_ANCHOR_DIR", "") or ""
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-anchors"


@dataclass(frozen=True)
class TimestampAuthority:
    """Where anchors get their time stamps and how a token is checked: the TSA and the trust
    anchors of signing, registered by hoso.signing (hoso/signing/anchors.py) from its
    AppConfig.ready(), so that the audit log knows nothing of signing."""

    url: Callable[[], str | None]
    validate: Callable[[bytes, bytes], dict[str, Any]]  # (token, digest) -> pyHanko status


_AUTHORITY: list[TimestampAuthority] = []


def use_timestamp_authority(authority: TimestampAuthority) -> None:
    _AUTHORITY[:] = [authority]


def tsa_url() -> str | None:
    return _AUTHORITY[0].url() if _AUTHORITY else None


def anchor_now() -> Anchor | None:
    """Anchor the current head (None when nothing was appended since the last anchor).
    DomainError (Vietnamese) when no TSA is configured or it does not answer."""
    url = tsa_url()
    if not url:
        raise DomainError(
            _("Chưa cấu hình máy chủ dấu thời gian (HOSO_SIGNING_TSA_URL): không thể neo nhật ký.")
        )
    head = AuditHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    if head is None or head[0] == 0:
        return None
    last_seq, last_hash = int(head[0]), str(head[1])
    previous = list_anchors()
    from_seq = previous[-1].to_seq + 1 if previous else 1
    new = AuditEntry.objects.filter(seq__gte=from_seq, seq__lte=last_seq)
    if not new.exclude(action=ANCHOR_ACTION).exists():
        return None  # nothing but the previous anchor's own entry: nothing to anchor
    content = _content(from_seq, last_seq, last_hash, url)
    token = _timestamp(url, hashlib.sha256(content).digest())
    base = anchor_dir() / f"{last_seq:012d}"
    _write(base.with_name(base.name + SUFFIX), content)
    _write(base.with_name(base.name + STAMP_SUFFIX), token)
    from hoso.audit.services import audit_log

    audit_log(
        ANCHOR_ACTION,
        data={
            "from_seq": from_seq,
            "to_seq": last_seq,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return load_anchor(base.with_name(base.name + SUFFIX))


def anchor_due(now: dt.datetime | None = None) -> bool:
    """True when the newest anchor is older than ANCHOR_EVERY (or there is none)."""
    anchors = list_anchors()
    if not anchors:
        return True
    newest = anchors[-1].stamped_at
    return newest is None or (now or timezone.now()) - newest >= ANCHOR_EVERY


def _content(from_seq: int, to_seq: int, head_hash: str, url: str) -> bytes:
    rows = AuditEntry.objects.filter(seq__gte=from_seq, seq__lte=to_seq).order_by("seq")
    document = {
        "format": FORMAT,
        "from_seq": from_seq,
        "to_seq": to_seq,
        "head_hash": head_hash,
        "tsa_url": url,
        "written_at": timezone.now().isoformat(),
        "entries": [list(r) for r in rows.values_list("seq", "hash").iterator(chunk_size=5000)],
    }
    raw = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, mtime=0)


def _timestamp(url: str, digest: bytes) -> bytes:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    try:
        token = asyncio.run(HTTPTimeStamper(url, timeout=20).async_timestamp(digest, "sha256"))
    except Exception as exc:  # the TSA is another server: any failure is "it did not answer"
        raise DomainError(
            _("Máy chủ dấu thời gian không trả lời đúng: %(exc)s") % {"exc": exc}
        ) from exc
    return bytes(token.dump())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def list_anchors() -> list[Anchor]:
    directory = anchor_dir()
    if not directory.is_dir():
        return []
    return [load_anchor(p) for p in sorted(directory.glob("*" + SUFFIX))]


def load_anchor(path: Path) -> Anchor:
    document = _document(path)
    token_path = path.with_name(path.name.removesuffix(SUFFIX) + STAMP_SUFFIX)
    stamped = None
    if token_path.is_file():
        try:
            stamped = _tst_info(token_path.read_bytes())["gen_time"].native
        except (ValueError, KeyError, TypeError):
            stamped = None
    return Anchor(
        path=path,
        from_seq=int(document["from_seq"]),
        to_seq=int(document["to_seq"]),
        head_hash=str(document["head_hash"]),
        stamped_at=stamped,
        tsa_url=str(document.get("tsa_url", "")),
    )


def _document(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return loaded


def _tst_info(token: bytes) -> Any:
    content = cms.ContentInfo.load(token)
    signed = content["content"]
    return signed["encap_content_info"]["content"].parsed


def verify_anchors() -> tuple[int, ChainProblem | None]:
    """(anchors checked, first problem). Each anchor's token must be a valid TSA signature over
    the SHA-256 of its file, anchors must follow each other without a gap, and every (seq, hash)
    they list must still be in the database."""
    anchors = list_anchors()
    expected_from = 1
    for anchor in anchors:
        problem = _check_token(anchor) or _check_entries(anchor, expected_from)
        if problem:
            return anchors.index(anchor), problem
        expected_from = anchor.to_seq + 1
    return len(anchors), None


def _check_token(anchor: Anchor) -> ChainProblem | None:
    token_path = anchor.path.with_name(anchor.path.name.removesuffix(SUFFIX) + STAMP_SUFFIX)
    where = _("mốc neo đến mục #%(to_seq)s (%(name)s)") % {
        "to_seq": anchor.to_seq,
        "name": anchor.path.name,
    }
    if not token_path.is_file():
        return ChainProblem(
            anchor.to_seq, _("%(where)s: thiếu tệp dấu thời gian") % {"where": where}
        )
    digest = hashlib.sha256(anchor.path.read_bytes()).digest()
    try:
        status = _validate_token(token_path.read_bytes(), digest)
    except Exception as exc:  # a damaged token of any kind is a broken anchor
        return ChainProblem(
            anchor.to_seq,
            _("%(where)s: dấu thời gian không đọc được (%(exc)s)") % {"where": where, "exc": exc},
        )
    if not (status.get("intact") and status.get("valid")):
        return ChainProblem(
            anchor.to_seq,
            _("%(where)s: dấu thời gian không khớp với tệp (tệp mốc đã bị sửa)") % {"where": where},
        )
    if status.get("trust_problem_indic") is not None or status.get("validation_path") is None:
        # A token signed by any other key (one made up by whoever rewrote the log) is worthless.
        return ChainProblem(
            anchor.to_seq,
            _("%(where)s: dấu thời gian không do TSA tin cậy ký (HOSO_SIGNING_TRUST_ANCHORS)")
            % {"where": where},
        )
    return None


def _validate_token(token: bytes, digest: bytes) -> dict[str, Any]:
    if not _AUTHORITY:
        raise DomainError(_("Chưa có máy chủ dấu thời gian để kiểm tra mốc neo nhật ký."))
    return _AUTHORITY[0].validate(token, digest)


def _check_entries(anchor: Anchor, expected_from: int) -> ChainProblem | None:
    if anchor.from_seq != expected_from:
        return ChainProblem(
            expected_from,
            _("thiếu mốc neo cho các mục #%(expected_from)s–#%(last)s (tệp mốc đã bị xóa?)")
            % {"expected_from": expected_from, "last": anchor.from_seq - 1},
        )
    listed = _document(anchor.path)["entries"]
    stamped = _when(anchor)
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start : start + CHUNK]
        stored = dict(
            AuditEntry.objects.filter(seq__gte=chunk[0][0], seq__lte=chunk[-1][0]).values_list(
                "seq", "hash"
            )
        )
        for seq, anchored_hash in chunk:
            if stored.get(seq) != anchored_hash:
                return ChainProblem(
                    int(seq),
                    _(
                        "khác với mốc neo có dấu thời gian %(stamped)s: mục này đã bị viết lại "
                        "hoặc xóa trong cơ sở dữ liệu"
                    )
                    % {"stamped": stamped},
                )
    return None


def _when(anchor: Anchor) -> str:
    if anchor.stamped_at is None:
        return _("(không rõ thời điểm)")
    return timezone.localtime(anchor.stamped_at).strftime("%d/%m/%Y %H:%M")
