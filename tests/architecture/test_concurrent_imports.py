"""A fresh process (web or worker: several threads) whose threads reach for the signing engine
and the spreadsheet code for the first time at the same moment: every one of them gets working
modules. pyHanko and openpyxl import their own modules in cycles; two threads importing such a
package at once get it half initialised ("cannot import name … from partially initialized
module", or a _DeadlockError), which was a 500 on "Ký hàng loạt" under load. hoso.core.engines
imports them at start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.architecture.fresh import run_fresh

# What request and task threads import on their first signature, validation, workbook or
# remote signing; each thread takes one, 12 threads released together.
FIRST_USES = (
    "hoso.signing.engine.signers",
    "hoso.signing.engine.sign",
    "hoso.signing.engine.validate",
    "hoso.signing.engine.appearance",
    "hoso.signing.remote.csc",
    "hoso.org.importing.workbook",
    "openpyxl.workbook",
    "openpyxl.styles",
    "openpyxl.reader.excel",
    "pyhanko.sign.signers",
    "pyhanko.sign.validation",
    "pyhanko.sign.signers.pdf_cms",
)

START = """
import importlib, json, sys, threading
import django

django.setup()
from django.urls import resolve

resolve("/")
names = json.loads(sys.argv[1])
errors = []
gate = threading.Barrier(len(names))


def first_use(name):
    gate.wait()
    try:
        importlib.import_module(name)
    except Exception as error:  # the failure to report, whatever it is
        errors.append(f"{name}: {type(error).__name__}: {error}")


threads = [threading.Thread(target=first_use, args=(name,)) for name in names]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(errors))
"""

# The module names DATABASE_URL (its own SQLite file) but does not depend on the engine.
pytestmark = pytest.mark.one_pass("sqlite")


def test_threads_importing_the_engines_at_once_all_get_them(tmp_path: Path) -> None:
    """Without hoso.core.engines this failed in each of 3 runs (12 threads, 2 cores)."""
    errors = run_fresh(START, [json.dumps(FIRST_USES)], tmp_path)
    assert errors == [], "\n".join(errors)
