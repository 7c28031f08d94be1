"""hoso-signer batches: the person confirms what is signed (origin, count, titles, certificate)
before the key is used; the PIN is asked once per batch; the PKCS#11 session lives for that
batch only and signs at most the confirmed number of digests."""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "agent"))
from hoso_signer.batch import REFUSED, BatchSessions, BatchSummary, TokenAccess  # noqa: E402
from hoso_signer.cli import _parser, auto_confirm, terminal_confirm  # noqa: E402
from hoso_signer.token import TokenError  # noqa: E402

ORIGIN = "https://hoso.truong.edu.vn"
SUMMARY = BatchSummary(ORIGIN, ("Sổ điểm lớp 1A", "Kế hoạch tổ 1"), "CN=Nguyễn Văn Thêm", "01", "t")


def _digest(n: int) -> dict[str, str]:
    return {"digest_b64": base64.b64encode(hashlib.sha256(bytes([n])).digest()).decode()}


class Recorder:
    """Confirmation callback and PIN source that remember how they were called."""

    def __init__(self, answer: bool, pin: str) -> None:
        self.answer, self.pin = answer, pin
        self.summaries: list[BatchSummary] = []
        self.pins_asked = 0

    def confirm(self, summary: BatchSummary) -> bool:
        self.summaries.append(summary)
        return self.answer

    def pin_source(self) -> str:
        self.pins_asked += 1
        return self.pin


def _sessions(softhsm: Any, rec: Recorder, idle: float = 30.0) -> BatchSessions:
    access = TokenAccess(softhsm.lib, softhsm.label)
    return BatchSessions(access, ORIGIN, rec.confirm, rec.pin_source, idle_seconds=idle)


def _open(sessions: BatchSessions, *titles: str) -> dict[str, Any]:
    return sessions.open({"documents": [{"title": t} for t in titles], "key_id": "01"})


def test_terminal_prompt_shows_the_batch_and_needs_an_explicit_yes() -> None:
    out = io.StringIO()
    assert terminal_confirm(out, ask=lambda _q: "co")(SUMMARY) is True
    text = out.getvalue()
    assert ORIGIN in text and "ký 2 tài liệu" in text
    assert "1. Sổ điểm lớp 1A" in text and "2. Kế hoạch tổ 1" in text
    assert "CN=Nguyễn Văn Thêm" in text
    assert terminal_confirm(out, ask=lambda _q: "")(SUMMARY) is False
    assert terminal_confirm(out, ask=lambda _q: "không")(SUMMARY) is False

    def eof(_q: str) -> str:
        raise EOFError

    assert terminal_confirm(out, ask=eof)(SUMMARY) is False  # no terminal: refused


def test_auto_confirm_only_with_an_explicit_flag() -> None:
    assert _parser().parse_args(["--origin", ORIGIN]).yes is False
    assert _parser().parse_args(["--origin", ORIGIN, "--yes"]).yes is True
    out = io.StringIO()
    assert auto_confirm(out)(SUMMARY) is True
    assert "--yes" in out.getvalue() and "Sổ điểm lớp 1A" in out.getvalue()


@pytest.mark.softhsm
def test_refusal_signs_nothing_and_never_asks_the_pin(softhsm: Any) -> None:
    rec = Recorder(answer=False, pin=softhsm.pin)
    sessions = _sessions(softhsm, rec)
    with pytest.raises(TokenError) as err:
        _open(sessions, "Sổ điểm lớp 1A")
    assert (err.value.status, err.value.message) == (403, REFUSED)
    assert rec.pins_asked == 0 and not sessions.is_open
    summary = rec.summaries[0]
    assert summary.origin == ORIGIN and summary.count == 1
    assert "Hoàng Thị Tú Anh" in summary.signer and summary.key_id == "01"


@pytest.mark.softhsm
def test_one_pin_for_the_batch_and_no_more_signatures_than_confirmed(softhsm: Any) -> None:
    rec = Recorder(answer=True, pin=softhsm.pin)
    sessions = _sessions(softhsm, rec)
    opened = _open(sessions, "Hồ sơ 1", "Hồ sơ 2")
    assert opened["count"] == 2 and sessions.is_open
    first = sessions.sign({**_digest(1), "batch": opened["batch"]})
    second = sessions.sign({**_digest(2), "batch": opened["batch"]})
    assert (first["remaining"], second["remaining"]) == (1, 0)
    assert len(base64.b64decode(second["signature_b64"])) == 256  # RSA-2048
    assert rec.pins_asked == 1
    assert not sessions.is_open  # logged out after the last confirmed document
    with pytest.raises(TokenError) as err:
        sessions.sign({**_digest(3), "batch": opened["batch"]})
    assert err.value.status == 409 and "đã kết thúc" in err.value.message


@pytest.mark.softhsm
def test_wrong_pin_opens_nothing(softhsm: Any) -> None:
    sessions = _sessions(softhsm, Recorder(answer=True, pin="000000"))
    with pytest.raises(TokenError) as err:
        _open(sessions, "Hồ sơ 1")
    assert err.value.status == 401 and "PIN" in err.value.message
    assert not sessions.is_open


@pytest.mark.softhsm
def test_idle_batch_is_closed_and_a_forged_batch_id_refused(softhsm: Any) -> None:
    sessions = _sessions(softhsm, Recorder(answer=True, pin=softhsm.pin), idle=0.3)
    opened = _open(sessions, "Hồ sơ 1", "Hồ sơ 2")
    with pytest.raises(TokenError):
        sessions.sign({**_digest(1), "batch": "khong-phai"})
    time.sleep(1.0)
    assert not sessions.is_open
    with pytest.raises(TokenError) as err:
        sessions.sign({**_digest(1), "batch": opened["batch"]})
    assert err.value.status == 409


@pytest.mark.parametrize(
    "body",
    [{}, {"documents": []}, {"documents": [{"title": " "}]}, {"documents": "x"}],
)
def test_malformed_batch_requests_are_refused(body: dict[str, Any]) -> None:
    rec = Recorder(answer=True, pin="x")
    sessions = BatchSessions(TokenAccess("/nonexistent.so"), ORIGIN, rec.confirm, rec.pin_source)
    with pytest.raises(TokenError) as err:
        sessions.open(body)
    assert err.value.status == 400
    assert rec.summaries == [] and rec.pins_asked == 0
