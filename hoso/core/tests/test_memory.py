"""A web process gives big freed blocks back to the system whichever thread freed them
(hoso.core.memory, called by hoso/wsgi.py). Measured in a fresh interpreter: the test
process's allocator has already been through everything the suite did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Eight threads, one after the other, each takes and frees a 19 MiB block (a password hash's
# size) with every page written; then the growth of the process's resident memory, in MiB.
SCRIPT = """
import ctypes, re, sys, threading
from hoso.core.memory import large_blocks_back_to_system

def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read())[1]) // 1024

if not large_blocks_back_to_system():
    sys.exit("mallopt refused")
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
size = 19 * 1024 * 1024
turn = threading.Lock()

def use_a_block():
    with turn:
        block = libc.malloc(size)
        ctypes.memset(block, 1, size)
        libc.free(block)

before = rss()
threads = [threading.Thread(target=use_a_block) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(rss() - before)
"""


def test_blocks_freed_by_eight_threads_leave_the_process() -> None:
    # Without the fixed threshold glibc keeps one block per thread: about 150 MiB here.
    done = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=True,
    )

    assert int(done.stdout) < 19
