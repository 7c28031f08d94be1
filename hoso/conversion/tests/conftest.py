"""The `tools` marker: tests that run LibreOffice, tesseract or poppler (slow, few)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tools: runs LibreOffice/OCRmyPDF/poppler; skipped where they are missing"
    )
