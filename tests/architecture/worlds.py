"""Which test files use the database without building their own world (docs/conventions.md,
Tests): a test that uses the database and is not marked `own_world` gets the demo province
(the root conftest.py loads it), and its file must say why in its module docstring, with a line
"Needs the demo province: <why>".

Read from the source, without importing or collecting anything (collecting the suite takes a
minute): a test uses the database when it, its class or its module is marked `django_db`, or
when it asks for a fixture that does, directly or through other fixtures (each name resolved as
pytest resolves it: the module's own or imported fixture, then the conftest.py files above, then
the root conftest's plugins), or when an autouse fixture that applies to it does. pytest-django's
own fixtures that open the database are the roots."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TREES = ("hoso", "tests")
REASON = "Needs the demo province:"
# pytest-django's fixtures that give a test the database (the root conftest's `_uses_database`
# looks for the first three; the others ask for them)
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "admin_user",
        "admin_client",
    }
)


@dataclass(frozen=True)
class Fixture:
    name: str
    requests: frozenset[str]
    autouse: bool


@dataclass(frozen=True)
class Breach:
    path: str  # relative to ROOT
    tests: tuple[str, ...]  # the tests that use the database without their own world

    def __str__(self) -> str:
        shown = ", ".join(self.tests[:3]) + (" …" if len(self.tests) > 3 else "")
        return (
            f"{self.path}: {shown} use the database without pytest.mark.own_world; build the "
            f'world with factories or say "{REASON} <why>" in the module docstring'
        )


def python_files(trees: Iterable[Path]) -> Iterator[Path]:
    for tree in trees:
        yield from sorted(p for p in tree.rglob("*.py") if ".venv" not in p.parts)


def _is_fixture(decorator: ast.expr) -> tuple[bool, bool]:
    """(is a pytest fixture, is autouse) for a decorator."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    if name != "fixture":
        return False, False
    autouse = isinstance(decorator, ast.Call) and any(
        k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in decorator.keywords
    )
    return True, autouse


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    return frozenset(n for n in names if n not in ("self", "cls", "request"))


def _marks(node: ast.AST | None) -> set[str]:
    """The names of the pytest marks in an expression (`pytest.mark.django_db`,
    `[pytest.mark.django_db, pytest.mark.own_world]`, `pytest.mark.django_db(transaction=True)`),
    and the fixtures named by `pytest.mark.usefixtures("…")` as "use:<name>"."""
    found: set[str] = set()
    for sub in ast.walk(node) if node is not None else ():
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Attribute)
            and sub.value.attr == "mark"
        ):
            found.add(sub.attr)
        if isinstance(sub, ast.Call) and getattr(sub.func, "attr", "") == "usefixtures":
            found |= {
                f"use:{a.value}"
                for a in sub.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def _decorator_marks(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> set[str]:
    return set().union(*(_marks(d) for d in node.decorator_list)) if node.decorator_list else set()


def _module_marks(tree: ast.Module) -> set[str]:
    for node in tree.body:
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            return _marks(value)
    return set()


def fixtures_of(tree: ast.Module) -> list[Fixture]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            is_fixture, autouse = _is_fixture(decorator)
            if is_fixture:
                uses = {m[4:] for m in _decorator_marks(node) if m.startswith("use:")}
                found.append(Fixture(node.name, _parameters(node) | uses, autouse))
    return found


@dataclass(frozen=True)
class TestFunction:
    name: str
    requests: frozenset[str]
    marks: frozenset[str]


def tests_of(tree: ast.Module) -> list[TestFunction]:
    module = _module_marks(tree)
    found = []

    def visit(body: list[ast.stmt], inherited: set[str], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                visit(node.body, inherited | _decorator_marks(node), f"{prefix}{node.name}::")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                node.name.startswith("test")
            ):
                marks = inherited | _decorator_marks(node)
                uses = {m[4:] for m in marks if m.startswith("use:")}
                found.append(
                    TestFunction(prefix + node.name, _parameters(node) | uses, frozenset(marks))
                )

    visit(tree.body, module, "")
    return found


class Tree:
    """The modules of a tree and the fixtures each one sees, resolved as pytest resolves them:
    a name requested in a module is the fixture defined or imported there, else the nearest
    conftest.py's above it, else a plugin's of the root conftest (`pytest_plugins`), else
    pytest's or pytest-django's own."""

    def __init__(self, root: Path, trees: Iterable[str]) -> None:
        self.root = root
        paths = [root / "conftest.py", *python_files(root / t for t in trees)]
        self.modules = {
            path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for path in paths
            if path.exists()
        }
        self.fixtures = {
            path: {f.name: f for f in fixtures_of(tree)} for path, tree in self.modules.items()
        }
        self.imports = {path: self._imports(tree) for path, tree in self.modules.items()}
        self.plugins = [
            module
            for name in self._plugin_names(self.modules.get(root / "conftest.py"))
            if (module := self._path_of(name)) is not None
        ]
        self._database: dict[tuple[Path, str], bool] = {}

    def _path_of(self, dotted: str) -> Path | None:
        base = self.root.joinpath(*dotted.split("."))
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path in self.modules:
                return path
        return None

    def _imports(self, tree: ast.Module) -> dict[str, tuple[Path, str]]:
        found: dict[str, tuple[Path, str]] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                module = self._path_of(node.module)
                if module is not None:
                    found |= {a.asname or a.name: (module, a.name) for a in node.names}
        return found

    @staticmethod
    def _plugin_names(tree: ast.Module | None) -> list[str]:
        for node in tree.body if tree is not None else []:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets
            ):
                return [
                    c.value
                    for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                ]
        return []

    def conftests_above(self, path: Path) -> list[Path]:
        """The conftest.py files that apply to `path`, nearest first."""
        found = []
        for directory in path.parents:
            if directory != self.root and self.root not in directory.parents:
                break
            if (conftest := directory / "conftest.py") in self.modules and conftest != path:
                found.append(conftest)
        return found

    def _in_module(self, path: Path, name: str, seen: frozenset[Path]) -> Fixture | None:
        """The fixture `name` as module `path` defines or imports it."""
        if path in seen:
            return None
        if name in self.fixtures[path]:
            return self.fixtures[path][name]
        if name in self.imports[path]:
            module, original = self.imports[path][name]
            return self._in_module(module, original, seen | {path})
        return None

    def resolve(self, path: Path, name: str) -> tuple[Path, Fixture] | None:
        for module in [path, *self.conftests_above(path), *self.plugins]:
            fixture = self._in_module(module, name, frozenset())
            if fixture is not None:
                return module, fixture
        return None

    def uses_database(self, path: Path, name: str) -> bool:
        """Whether fixture `name`, as a test of module `path` gets it, opens the database."""
        if name in DATABASE_FIXTURES:
            return True
        found = self.resolve(path, name)
        if found is None:
            return False
        module, fixture = found
        key = (module, name)
        if key not in self._database:
            self._database[key] = False  # a circle opens nothing by itself
            # a fixture that asks for its own name gets the one of the conftest above
            above = self.conftests_above(module) or [module]
            self._database[key] = any(
                self.uses_database(above[0] if wanted == name else module, wanted)
                for wanted in fixture.requests
            )
        return self._database[key]

    def autouse(self, path: Path) -> set[str]:
        """The autouse fixtures that apply to the tests of `path`."""
        names = set()
        for module in [path, *self.conftests_above(path), *self.plugins]:
            names |= {f.name for f in self.fixtures[module].values() if f.autouse}
        return names


def breaches(root: Path = ROOT, trees: Iterable[str] = TREES) -> list[Breach]:
    tree = Tree(root, trees)
    found = []
    for path, module in tree.modules.items():
        if not (path.name.startswith("test_") or path.name.endswith("_test.py")):
            continue
        if REASON in (ast.get_docstring(module, clean=False) or ""):
            continue
        autouse = tree.autouse(path)
        bare = [
            test.name
            for test in tests_of(module)
            if "own_world" not in test.marks
            and (
                "django_db" in test.marks
                or any(tree.uses_database(path, name) for name in test.requests | autouse)
            )
        ]
        if bare:
            found.append(Breach(str(path.relative_to(root)), tuple(bare)))
    return found
