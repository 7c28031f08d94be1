"""Ports for the servers a test starts (web processes, the balancer, the demo PKI, moto).

A port taken with `bind(("127.0.0.1", 0))` comes from the kernel's ephemeral range, the same
range it hands to outgoing connections: a server started minutes later on that port (after a
demo load that opened thousands of connections to PostgreSQL and S3) can find it held by one
of them ("Address already in use"). These ports are chosen below that range, where the kernel
never puts an outgoing connection, and checked free when chosen."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterable
from pathlib import Path

LOWEST = 20000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def port_block(offsets: Iterable[int] = (0,)) -> int:
    """A base port such that base + each offset is free and outside the ephemeral range."""
    wanted = sorted(set(offsets))
    highest = _ephemeral_start() - 1 - wanted[-1]
    for _ in range(200):
        base = random.randint(LOWEST, highest)  # noqa: S311 — spreads parallel tests apart
        if all(_free(base + offset) for offset in wanted):
            return base
    raise RuntimeError("no free block of ports below the ephemeral range")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
