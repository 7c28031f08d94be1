"""Every test that uses the database builds its own world (marked `own_world`) or its file says
why it needs the demo province (docs/conventions.md, Tests); and the checker of
tests/architecture/worlds.py sees each way a test can reach the database (checked on a made-up
tree, so that it cannot pass by being blind)."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.worlds import breaches


def test_every_database_test_builds_its_world_or_says_why_it_needs_the_demo() -> None:
    found = breaches()

    assert found == [], "\n".join(str(b) for b in found)


CONFTEST = """
import pytest

@pytest.fixture
def school(db):
    return "a school"

@pytest.fixture
def plain(tmp_path):
    return tmp_path
"""
FILES = {
    "pkg/test_marked.py": "import pytest\npytestmark = pytest.mark.django_db\ndef test_a(): pass\n",
    "pkg/test_own.py": (
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.own_world]\n"
        "def test_a(school): pass\n"
    ),
    "pkg/test_said.py": (
        '"""A walk.\n\nNeeds the demo province: every role."""\n'
        "import pytest\npytestmark = pytest.mark.django_db\ndef test_a(): pass\n"
    ),
    "pkg/test_broken_line.py": (
        '"""A walk. Needs the demo\nprovince: every role."""\n'
        "import pytest\npytestmark = pytest.mark.django_db\ndef test_a(): pass\n"
    ),
    "pkg/test_no_database.py": "def test_a(plain, tmp_path): pass\n",
    "pkg/test_through_fixtures.py": (
        "import pytest\n"
        "@pytest.fixture\ndef world(school): return school\n"
        "def test_direct(school): pass\n"
        "def test_chained(world): pass\n"
        "def test_none(plain): pass\n"
    ),
    "pkg/test_class_and_mixed.py": (
        "import pytest\n"
        "@pytest.mark.django_db\nclass TestThem:\n    def test_in_class(self): pass\n"
        "@pytest.mark.django_db\n@pytest.mark.own_world\ndef test_own(): pass\n"
        "def test_live(live_server): pass\n"
        "@pytest.mark.usefixtures('transactional_db')\ndef test_used(): pass\n"
    ),
    "pkg/__init__.py": "",
    "pkg/helpers.py": "import pytest\n@pytest.fixture\ndef pki(school): return school\n",
    "pkg/test_imported.py": "from pkg.helpers import pki\n\ndef test_a(pki): pass\n",
    "pkg/test_overridden.py": (
        "import pytest\n@pytest.fixture\ndef school(tmp_path): return tmp_path\n"
        "def test_a(school): pass\n"
    ),
    "pkg/sub/conftest.py": (
        "import pytest\n@pytest.fixture(autouse=True)\ndef everywhere(school): pass\n"
    ),
    "pkg/sub/test_autouse.py": "def test_a(): pass\n",
}


def test_the_checker_sees_marks_fixtures_chains_imports_classes_and_autouse(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    found = {b.path: b.tests for b in breaches(tmp_path, ["pkg"])}

    assert found == {
        "pkg/test_marked.py": ("test_a",),
        "pkg/test_broken_line.py": ("test_a",),
        "pkg/test_through_fixtures.py": ("test_direct", "test_chained"),
        "pkg/test_class_and_mixed.py": ("TestThem::test_in_class", "test_live", "test_used"),
        "pkg/test_imported.py": ("test_a",),
        "pkg/sub/test_autouse.py": ("test_a",),
    }
