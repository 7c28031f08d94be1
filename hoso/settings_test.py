"""Settings for the test suite: a throw-away data directory, tasks run inline, fast hashing."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HOSO_DATA_DIR", tempfile.mkdtemp(prefix="hoso-test-"))
os.environ.setdefault("HOSO_TASKS_IMMEDIATE", "1")

from hoso.settings import *  # noqa: E402,F403
from hoso.settings import HUEY  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; prod uses argon2
HUEY = {**HUEY, "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RATELIMIT_ENABLE = False  # one process serves every test; tests/security turn it on
