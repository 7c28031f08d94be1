"""Password hashing: argon2id with a bounded memory per web process (docs/decisions/0004).

Django's argon2 defaults take 100 MiB per hash (m=102400 KiB, t=2, p=8) and nothing stops the
server's threads from hashing at once: five people signing in together took a web process from
185 MB to 672 MB (docs/benchmarks.md). Here a hash takes 19 MiB (OWASP's argon2id baseline:
m=19 MiB, t=2, p=1) and a process computes one hash at a time; the others wait their turn,
about 0.1 s each. A hash stored with other parameters is still checked as it was stored (under
the same turn) and replaced by Django at the person's next sign-in (`must_update`).
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher

# One at a time: argon2's memory is taken for the hash and given back after it (a block that
# big goes back to the system: hoso.core.memory), so a process's peak is its resting size plus
# one hash, however many of its threads sign people in.
_ONE_AT_A_TIME = threading.Lock()


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1

    def encode(self, password: str, salt: str) -> Any:
        with _ONE_AT_A_TIME:
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> Any:
        with _ONE_AT_A_TIME:
            return super().verify(password, encoded)
