"""One SoftHSM2 configuration per test process, shared by every fixture that makes a token.

SoftHSM reads `SOFTHSM2_CONF` and scans its token directory when the PKCS#11 library is
initialised, and python-pkcs11 loads the library once per process. A fixture that pointed the
variable at a directory of its own after another had initialised the library made a token the
process could not see (pytest-xdist runs many test files in one process). So every token lives in
the one directory of this process, and the library is re-initialised after a token is added: that
closes open PKCS#11 sessions, which the fixtures reopen: `generation()` tells a holder of a
long-lived session that it must open a new one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
_generation = [0]  # how many times this process re-initialised the library


def softhsm_available() -> bool:
    return os.path.exists(SOFTHSM_LIB) and shutil.which("softhsm2-util") is not None


def process_conf() -> str:
    """This process's SoftHSM2 configuration file, made on first use."""
    if not os.environ.get("SOFTHSM2_CONF"):
        directory = Path(tempfile.mkdtemp(prefix="hoso-softhsm-"))
        (directory / "tokens").mkdir()
        conf = directory / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
        )
        os.environ["SOFTHSM2_CONF"] = str(conf)
    return os.environ["SOFTHSM2_CONF"]


def run_util(args: list[str]) -> str:
    """softhsm2-util or pkcs11-tool with this process's configuration."""
    env = {**os.environ, "SOFTHSM2_CONF": process_conf()}
    done = subprocess.run(args, check=True, capture_output=True, env=env, text=True)
    return done.stdout


def token_exists(label: str) -> bool:
    lines = run_util(["softhsm2-util", "--show-slots"]).splitlines()
    return any(line.split() == ["Label:", label] for line in lines)


def init_token(label: str, pin: str, so_pin: str) -> None:
    """A new token `label` in this process's directory (kept if it is already there)."""
    if not token_exists(label):
        run_util(
            ["softhsm2-util", "--init-token", "--free", "--label", label]
            + ["--pin", pin, "--so-pin", so_pin]
        )


def refresh_library() -> None:
    """Make tokens added since the library was initialised visible to this process."""
    import pkcs11

    pkcs11.lib(SOFTHSM_LIB).reinitialize()
    _generation[0] += 1


def generation() -> int:
    """Changes each time `refresh_library` closed every open session of this process."""
    return _generation[0]
