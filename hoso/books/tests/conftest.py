"""The gradebook tests' helpers (demo units by key, a test CA's keys) reused by the books."""

from hoso.grading.tests.conftest import unit
from hoso.grading.tests.test_outputs_hocba import pki, pki_files

__all__ = ["pki", "pki_files", "unit"]
