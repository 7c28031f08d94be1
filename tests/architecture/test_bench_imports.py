"""Every benchmark in bench/ still imports: they run by hand, not in the suite, so a helper
renamed or moved elsewhere (bench/province.py) broke two of them unnoticed until run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_the_benchmark_imports(name: str) -> None:
    if name == "locustfile":
        pytest.importorskip("locust", reason="locust is the optional [bench] extra")
    importlib.import_module(f"bench.{name}")
