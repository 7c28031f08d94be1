"""Checking every signature on a học bạ before it is published (DOMAIN.md §10.15, §10.19).

Two independent checks, both required:
- pyHanko validation through the signing app's validator (`hoso.signing.verification`): each
  signature intact, cryptographically valid, certificate valid at signing time and chained to a
  configured trust anchor;
- what only HoSo knows: the SHA-256 of the file after every signature it made
  (`HocBaSignature.pdf_sha256`) and of the current file (`HocBaVersion.pdf_sha256`). A PDF
  validator accepts some changes after signing (an /Info-only update); the hashes do not."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from hoso.core.errors import Conflict
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.models import HocBaSignature, HocBaVersion, SignStep
from hoso.signing.engine.apart import Answer, Trust, answer_apart, answer_of
from hoso.storage import BlobNotFound

CACHE_SECONDS = 600  # a certificate revoked meanwhile shows within ten minutes


class SignaturesInvalid(Conflict):
    """A signature on the học bạ does not verify: nothing was signed or issued."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class Verification:
    """The answer for one file: `problems` empty = every signature verifies."""

    problems: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _step_label(step: str) -> str:
    return str(SignStep(step).label)


def verify_pdf(
    pdf: bytes,
    expected_sha256: str,
    signatures: list[HocBaSignature],
    *,
    cached: bool = False,
    ahead: Answers | None = None,
) -> Verification:
    """Does `pdf` carry exactly the signatures HoSo recorded, each valid and trusted? Decisions
    (signing, issuing) never use the cache; the page may. `ahead`: pyHanko's answers for these
    very bytes under the same trust, computed moments before by a batch (`checked_ahead`)."""
    from hoso.signing.verification import signed_revision_candidates

    result = Verification()
    own_file = hashlib.sha256(pdf).hexdigest() == expected_sha256
    if not own_file:
        result.problems.append(
            _("tệp học bạ trong kho không khớp mã SHA-256 HoSo đã lưu (tệp đã bị thay đổi)")
        )
    # each step's stored file may end after validation data or an archive time-stamp
    revisions = signed_revision_candidates(pdf, own_file=own_file)
    for index, signature in enumerate(signatures):
        made = revisions[index] if index < len(revisions) else set()
        if signature.pdf_sha256 not in made:
            result.problems.append(
                _("chữ ký bước «%(step)s» không khớp bản HoSo đã ký")
                % {"step": _step_label(signature.step)}
            )
    known = ahead.get(_key(pdf)) if ahead is not None else None
    error, found = known if known is not None else _validated(pdf, cached)
    if error:
        result.problems.append(error)
    if len(found) != len(signatures):
        result.problems.append(
            _("tệp có %(found)s chữ ký, lịch sử ký ghi %(signatures)s")
            % {"found": len(found), "signatures": len(signatures)}
        )
    for verdict, valid in found:
        result.verdicts.append(verdict)
        if not valid:
            result.problems.append(verdict)
    return result


def _key(pdf: bytes) -> str:
    """The bytes' SHA-256 and the trust setting: a changed file or trust is another key."""
    from hoso.signing import conf

    anchors = ",".join(str(p) for p in conf.trust_anchor_paths() + conf.intermediate_paths())
    return "hocba-verify2:" + hashlib.sha256(pdf + anchors.encode()).hexdigest()


def _validated(pdf: bytes, use_cache: bool) -> Answer:
    """pyHanko's answer per signature (verdict, valid), cached by `_key`: the page shows it on
    every visit."""
    from hoso.signing.verification import validator

    key = _key(pdf)
    found = cache.get(key) if use_cache else None
    if found is not None:
        return found  # type: ignore[no-any-return]
    answer = answer_of(validator().validate(pdf))
    cache.set(key, answer, CACHE_SECONDS)
    return answer


# --- a batch's files checked ahead, over the machine's cores ----------------------------------


def trust_now() -> Trust:
    from hoso.signing import conf

    return Trust(
        tuple(c.dump() for c in conf.trust_anchors()),
        tuple(c.dump() for c in conf.intermediates()),
        tuple(c.dump() for c in conf.fresh_crls()),
    )


class Answers:
    """pyHanko's answers for a batch's files, computed by the pool in the batch's order while
    the batch signs the first ones; `get` waits for the one asked (None: not checked ahead)."""

    def __init__(self, keys: list[str], answers: Iterator[Answer]) -> None:
        self.pending = iter(keys)
        self.answers = answers
        self.ready: dict[str, Answer] = {}

    def get(self, key: str) -> Answer | None:
        while key not in self.ready:
            waiting = next(self.pending, None)
            if waiting is None:
                return None
            self.ready[waiting] = next(self.answers)
        return self.ready.pop(key)


def checked_ahead(files: list[bytes]) -> Answers | None:
    """The files' answers from the pool's processes (None when there is no pool): the checks
    before each signature of a batch, made over the cores on the very bytes to be signed."""
    from hoso.core.cores import in_processes, processes

    if processes() < 1 or not files:
        return None
    trust = trust_now()
    keys = [_key(pdf) for pdf in files]
    return Answers(keys, in_processes(answer_apart, [(pdf, trust) for pdf in files]))


def verify_version(version: HocBaVersion, *, cached: bool = False) -> Verification:
    """Verification of the file HoSo holds for `version` against its recorded signatures."""
    signatures = list(version.signatures.order_by("signed_at", "id"))
    try:
        pdf = read_blob(version.pdf_sha256)
    except BlobNotFound:
        return Verification(problems=[_("không tìm thấy tệp học bạ trong kho lưu trữ")])
    if not signatures:
        return Verification()
    return verify_pdf(pdf, version.pdf_sha256, signatures, cached=cached)


def problems_text(problems: list[str]) -> str:
    return "; ".join(p.rstrip(".") for p in problems)


def summary(version: HocBaVersion) -> dict[str, Any] | None:
    """For the học bạ page: None when nothing is signed yet."""
    if not version.signatures.exists():
        return None
    checked = verify_version(version, cached=True)
    return {"ok": checked.ok, "problems": checked.problems, "verdicts": checked.verdicts}


def issued_files(hashes: list[str]) -> dict[str, str]:
    """For the signing app's validation page: which of `hashes` are học bạ files HoSo signed
    (after any step) — so a changed học bạ is recognised like a changed record."""
    found: dict[str, str] = {}
    rows = HocBaSignature.objects.filter(pdf_sha256__in=hashes).select_related("version")
    for row in rows:
        found[row.pdf_sha256] = _("học bạ số (bản %(number)s, bước %(step)s)") % {
            "number": row.version.number,
            "step": _step_label(row.step),
        }
    return found
