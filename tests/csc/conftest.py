from tests.csc.fixtures import csc, csc_service  # noqa: F401 — fixtures of this directory
