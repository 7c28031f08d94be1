"""`hoso-signer` command line: open the token (PIN typed here), then serve on 127.0.0.1."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from hoso_signer.server import SignerAgent
from hoso_signer.token import Token, TokenError

DEFAULT_MODULES = (
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/softhsm/libsofthsm2.so",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hoso-signer", description="Ký số HoSo bằng USB token")
    p.add_argument(
        "--origin", required=True, help="địa chỉ HoSo được phép, vd. https://hoso.truong.edu.vn"
    )
    p.add_argument("--module", default=None, help="đường dẫn thư viện PKCS#11 của token")
    p.add_argument("--token-label", default=None)
    p.add_argument("--port", type=int, default=17443)
    p.add_argument("--pin-env", default=None, help="(kiểm thử) lấy PIN từ biến môi trường này")
    return p


def _module(path: str | None) -> str:
    if path:
        return path
    for candidate in DEFAULT_MODULES:
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("Không tìm thấy thư viện PKCS#11; dùng --module.")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    pin = os.environ.get(args.pin_env, "") if args.pin_env else getpass.getpass("Mã PIN token: ")
    try:
        token = Token(_module(args.module), pin, args.token_label)
    except TokenError as exc:
        print(exc.message, file=sys.stderr)  # noqa: T201
        return 2
    agent = SignerAgent(token, args.origin, args.port)
    print(f"hoso-signer đang chạy tại {agent.url} cho {args.origin}")  # noqa: T201
    try:
        agent.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        token.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
