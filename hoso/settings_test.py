"""Settings for the test suite: a throw-away data directory, tasks run inline, fast hashing.

Under pytest-xdist (`make test`) every worker process (PYTEST_XDIST_WORKER=gw0, gw1…) gets its
own data directory (and so its own backup directory beside it), whatever the controlling
process put in the environment; pytest-django gives each worker its own test database (suffix
_gw0, _gw1…), into which conftest.py loads the demo province once."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker or "HOSO_DATA_DIR" not in os.environ:
    _base = tempfile.mkdtemp(prefix=f"hoso-test-{_worker}-" if _worker else "hoso-test-")
    os.environ["HOSO_DATA_DIR"] = os.path.join(_base, "data")
    atexit.register(shutil.rmtree, _base, ignore_errors=True)
os.environ.setdefault("HOSO_TASKS_IMMEDIATE", "1")

from hoso.settings import *  # noqa: E402,F403
from hoso.settings import HUEY  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; prod uses argon2
HUEY = {**HUEY, "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER = True  # the demo province's demo keys; tests turn it off
# The demo province as on a fixed day (hoso.org.demo_clock), so that the tests' dates and week
# codes stay the same whatever day they run: school year 2025-2026 just ended, "this week" is
# its last week. tests/demo/ builds the demo around other days.
DEMO_TODAY = "2026-06-15"
HOSO_CPU_PROCESSES = 0  # the pool is tested on its own (hoso/core/tests/test_cores.py)
RATELIMIT_ENABLE = False  # one process serves every test; tests/security turn it on
