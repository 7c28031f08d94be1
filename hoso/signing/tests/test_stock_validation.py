"""Validation reads PDFs with pyHanko's unmodified parser; HoSo's speed-ups run only inside its
own signing path (engine/speedups.py), even in the same process."""

from __future__ import annotations

import sys
import threading

import pytest

from hoso.signing.engine import speedups
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator

FAST = [
    "fast_read_hex_string_from_stream",
    "fast_match_issuer_serial",
    "fast_read_until_class",
    "fast_decode_name",
    "fast_read_non_whitespace",
    "fast_read_string_literal_bytes",
    "fast_read_indirect",
    "fast_write_name",
]


def _poison(monkeypatch: pytest.MonkeyPatch, used: list[str]) -> None:
    for name in FAST:

        def fail(*args: object, _name: str = name, **kwargs: object) -> None:
            used.append(_name)
            raise AssertionError(f"speed-up {_name} used")

        monkeypatch.setattr(speedups, name, fail)


def _functions_run(action) -> set[tuple[str, str]]:
    """(file, function) of every Python function called while `action` runs (any thread)."""
    seen: set[tuple[str, str]] = set()

    def profile(frame, event, arg):  # noqa: ANN001, ANN202
        if event == "call":
            seen.add((frame.f_code.co_filename, frame.f_code.co_name))

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return seen


def test_validator_runs_pyhankos_own_parser(env):
    signed = sign_pdf(sample_pdf(1), env.signer(env.principal))
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    reports = []
    seen = _functions_run(lambda: reports.append(validator.validate(signed)))
    assert reports[0].all_valid, reports[0].verdict
    ours = {name for path, name in seen if path == speedups.__file__ and name in FAST}
    assert ours == set()  # not one speed-up ran
    pyhanko_parsers = {
        name
        for path, name in seen
        if "pyhanko" in path
        and name in {"read_hex_string_from_stream", "_read_until_class", "read_non_whitespace"}
    }
    assert pyhanko_parsers == {
        "read_hex_string_from_stream",
        "_read_until_class",
        "read_non_whitespace",
    }  # pyHanko's own functions parsed the file


def test_signing_path_uses_the_speed_ups(env, monkeypatch):
    used: list[str] = []
    _poison(monkeypatch, used)
    with pytest.raises((SigningError, AssertionError)):
        sign_pdf(sample_pdf(1), env.signer(env.principal))
    assert used  # the same poisoned functions do run while signing
