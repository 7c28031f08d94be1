"""A web process starts without the heavy libraries that only some requests need (issue 20, web
process RSS ≤ 200 MB): after `django.setup()`, the URLconf and the template tag libraries, none
of the PDF, signing, spreadsheet, catalogue and search engines is loaded. They are imported
where they are used (a signing, an export, a worker's task), not by an app's start-up or a
view module's imports. A fresh process, since this one has imported everything already."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.architecture.fresh import ROOT, run_fresh

# Tens of megabytes each, and none needed to serve the usual page. Not here: pyHanko (with
# aiohttp) and openpyxl, imported at start on purpose because two threads importing them at once
# break them (hoso.core.engines; tests/architecture/test_concurrent_imports.py).
HEAVY = (
    "pikepdf",
    "reportlab",
    "fontTools",
    "pymarc",
    "weasyprint",
    "tantivy",
    "signxml",
    "xmlsec",
)
ROUTES = ("/", "/ho-so/", "/ky-so/cho-ky/")

# Runs in the fresh process: a finder placed first on sys.meta_path notes the first import of
# each heavy package with the project's frames that led to it, and finds nothing itself.
START = """
import json, os, sys, traceback

HEAVY = set(json.loads(sys.argv[1]))
ROOT = sys.argv[2]
chains = {}


class Witness:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in HEAVY and top not in chains:
            frames = traceback.extract_stack()[:-1]
            chains[top] = [
                f"{os.path.relpath(f.filename, ROOT)}:{f.lineno} {f.line}"
                for f in frames
                if f.filename.startswith(ROOT) and "site-packages" not in f.filename
            ]
        return None


sys.meta_path.insert(0, Witness())
import django

django.setup()
from django.template import engines
from django.urls import get_resolver, resolve

get_resolver().url_patterns
for route in json.loads(sys.argv[3]):
    resolve(route)
engines.all()  # Django's template engine imports every app's template tag library
print(json.dumps({top: chains.get(top, ["?"]) for top in sorted(HEAVY & set(sys.modules))}))
"""

# The module names DATABASE_URL (its own SQLite file) but does not depend on the engine.
pytestmark = pytest.mark.one_pass("sqlite")


def loaded_at_start(data_dir: Path) -> dict[str, list[str]]:
    """heavy package → the project's frames (file:line code) that first imported it"""
    args = [json.dumps(HEAVY), str(ROOT) + os.sep, json.dumps(ROUTES)]
    loaded: dict[str, list[str]] = run_fresh(START, args, data_dir)
    return loaded


def test_a_web_process_starts_without_the_heavy_libraries(tmp_path: Path) -> None:
    loaded = loaded_at_start(tmp_path)
    if loaded:
        shown = "\n\n".join(
            f"{top}, first imported by:\n  " + "\n  ".join(chain) for top, chain in loaded.items()
        )
        pytest.fail(f"loaded when a web process starts:\n\n{shown}", pytrace=False)
