"""Run a script in a fresh Python process with HoSo's settings, its own data folder and SQLite
file, and return what it printed last, as JSON: for checks about what a new web or worker
process does at start (the test process has imported everything already)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_fresh(script: str, args: list[str], data_dir: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOSO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "hoso.settings",
        "HOSO_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
