"""Libraries imported once at start, in the main thread, though only some requests use them.

Two threads importing the same package for the first time at the same moment can each get it
half initialised when the package's modules import one another: "cannot import name 'Signer'
from partially initialized module 'pyhanko.sign.signers.pdf_cms'", or a `_DeadlockError`.
Measured in a fresh process with 8 threads importing at once: pyHanko failed 12 times in 12,
openpyxl 6 in 6; reportlab, pikepdf, img2pdf, Pillow, pymarc, isbnlib, lxml and signxml never
(tests/architecture/test_concurrent_imports.py). A web process's threads and a worker's
threads may well ask for a signature or a workbook at once, so these two are imported here,
whatever their memory (pyHanko with aiohttp, openpyxl: about 25 MB); the others stay where they
are used (hoso.core.engines is the only list of them)."""

from __future__ import annotations

import importlib

# Whole packages with import cycles, in an order that imports each once.
CYCLIC = (
    "openpyxl",
    "pyhanko.sign",
    "pyhanko.sign.signers",
    "pyhanko.sign.validation",
    "pyhanko.sign.timestamps",
    "pyhanko.pdf_utils.reader",
    "pyhanko.pdf_utils.incremental_writer",
    "pyhanko.sign.ades.api",
    "pyhanko_certvalidator",
)


def import_cyclic_packages() -> None:
    for name in CYCLIC:
        importlib.import_module(name)
