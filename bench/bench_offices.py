"""Offices benchmark (issue 18): summing a report template across 1,000 units.

    .venv/bin/python bench/bench_offices.py                # 1,000 units × the seed template
    .venv/bin/python bench/bench_offices.py --units 200 --cells 200

Times the same code the "Tải bảng tổng hợp" page runs (hoso.offices.cells.summed_workbook,
plus saving the workbook), on figures as stored per unit (no database: the page reads the
stored figures with one query). Reading one unit's filled copy (read_figures) is timed too."""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--cells", type=int, default=0, help="extra collected cells (column C)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from openpyxl import load_workbook

    from hoso.offices import cells as xl
    from hoso.offices.demo import filled_copy
    from hoso.offices.templates_xlsx import template_from_seed

    template, spec = template_from_seed("hoc_sinh")
    if args.cells:
        book = load_workbook(io.BytesIO(template))
        spec += f"; C2:C{args.cells + 1}"
        out = io.BytesIO()
        book.save(out)
        template = out.getvalue()
    cells = xl.parse_cells(spec, xl.open_book(template, values=False))
    rng = random.Random(18)
    rows = [
        (
            f"Trường {n:04d}",
            "01/01/2026 17:00",
            n % 7 == 0,
            {c: float(rng.randint(0, 900)) for c in cells},
        )
        for n in range(args.units)
    ]
    filled = filled_copy(template, cells, rows[0][3])
    times, reads = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        book = xl.summed_workbook(template, cells, rows, [f"Trường thiếu {n}" for n in range(50)])
        book.save(io.BytesIO())
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        xl.read_figures(filled, cells)
        reads.append(time.perf_counter() - start)
    print(  # noqa: T201
        f"units={args.units} cells={len(cells)} runs={args.runs}\n"
        f"summed workbook: median {statistics.median(times):.3f} s, max {max(times):.3f} s\n"
        f"read one unit's copy: median {1000 * statistics.median(reads):.1f} ms"
    )


if __name__ == "__main__":
    main()
