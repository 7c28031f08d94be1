"""Every benchmark in bench/ still imports: they run by hand, not in the suite, so a helper
renamed or moved elsewhere (bench/province.py) broke two of them unnoticed until run."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_the_benchmark_imports(name: str) -> None:
    if name == "locustfile":
        # locust patches the standard library with gevent when imported: in a process that
        # has imported ssl already (this one) that recurses forever, so it gets its own.
        if importlib.util.find_spec("locust") is None:
            pytest.skip("locust is the optional [bench] extra")
        root = BENCH.parent
        subprocess.run([sys.executable, "-c", "import bench.locustfile"], cwd=root, check=True)
        return
    importlib.import_module(f"bench.{name}")
