"""`hoso-signer` command line: serve on 127.0.0.1; for each batch of documents the person
confirms on this terminal what is about to be signed, then types the token's PIN."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TextIO

from hoso_signer.batch import BatchSummary, Confirm, PinSource, TokenAccess
from hoso_signer.server import SignerAgent
from hoso_signer.token import TokenError

DEFAULT_MODULES = (
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/softhsm/libsofthsm2.so",
)
YES_ANSWERS = ("co", "có", "c", "y", "yes")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hoso-signer", description="Ký số HoSo bằng USB token")
    p.add_argument(
        "--origin", required=True, help="địa chỉ HoSo được phép, vd. https://hoso.truong.edu.vn"
    )
    p.add_argument("--module", default=None, help="đường dẫn thư viện PKCS#11 của token")
    p.add_argument("--token-label", default=None)
    p.add_argument("--port", type=int, default=17443)
    p.add_argument("--pin-env", default=None, help="(kiểm thử) lấy PIN từ biến môi trường này")
    p.add_argument(
        "--yes",
        action="store_true",
        help="(kiểm thử tự động) tự đồng ý mọi lô ký mà không hỏi; đừng dùng khi làm việc thật",
    )
    p.add_argument("--idle-seconds", type=float, default=300.0, help=argparse.SUPPRESS)
    return p


def _module(path: str | None) -> str:
    if path:
        return path
    for candidate in DEFAULT_MODULES:
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("Không tìm thấy thư viện PKCS#11; dùng --module.")


def terminal_confirm(out: TextIO | None = None, ask: Callable[[str], str] = input) -> Confirm:
    """Show the batch and ask; anything but an explicit "có" (or end of input) is a refusal."""

    def confirm(summary: BatchSummary) -> bool:
        print(summary.text(), file=out or sys.stdout, flush=True)  # noqa: T201
        try:
            answer = ask("Ký các tài liệu trên? Gõ «co» rồi Enter để ký, Enter để từ chối: ")
        except EOFError:
            return False
        return answer.strip().lower() in YES_ANSWERS

    return confirm


def auto_confirm(out: TextIO | None = None) -> Confirm:
    """--yes: automated tests only; still prints what is signed."""

    def confirm(summary: BatchSummary) -> bool:
        print(summary.text(), "\n(tự động đồng ý: --yes)", file=out or sys.stdout, flush=True)  # noqa: T201
        return True

    return confirm


def _pin_source(pin_env: str | None) -> PinSource:
    if pin_env:
        return lambda: os.environ.get(pin_env, "")
    return lambda: getpass.getpass("Mã PIN token: ")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    access = TokenAccess(_module(args.module), args.token_label)
    try:
        label = access.open(None)
        label.close()
    except TokenError as exc:
        print(exc.message, file=sys.stderr)  # noqa: T201
        return 2
    agent = SignerAgent(
        access,
        args.origin,
        args.port,
        confirm=auto_confirm() if args.yes else terminal_confirm(),
        pin_source=_pin_source(args.pin_env),
        idle_seconds=args.idle_seconds,
    )
    print(f"hoso-signer đang chạy tại {agent.url} cho {args.origin}", flush=True)  # noqa: T201
    try:
        agent.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        agent.batches.close_current()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
