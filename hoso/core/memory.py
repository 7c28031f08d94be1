"""Large temporary blocks go back to the system as soon as they are freed (glibc's malloc).

glibc serves a request of 128 KiB or more with its own mmap and unmaps it on free, but it
raises that threshold to the size of each such block freed, up to 32 MiB. After the first
19 MiB password hash or 1 MB upload, blocks of that size come from the arena of the thread
that asks, and their pages stay with the process when freed. A threaded web server has an
arena per thread: eight threads that each free one 19 MiB block keep about 130 MiB, and a web
process under a minute of the Monday load rested at 300 MB instead of 222 MB
(docs/benchmarks.md, "Monday morning at province scale"). Setting the threshold once turns
the raising off.
"""

from __future__ import annotations

import ctypes
import os

M_MMAP_THRESHOLD = -3  # mallopt's parameter, <malloc.h>
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value


def large_blocks_back_to_system() -> bool:
    """Fix glibc's mmap threshold for this process; False where there is nothing to do (not
    glibc) or the operator chose a value (MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES)."""
    if os.environ.get("MALLOC_MMAP_THRESHOLD_") or "mmap_threshold" in os.environ.get(
        "GLIBC_TUNABLES", ""
    ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, AttributeError):  # no mallopt (macOS): its allocator is another story
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
