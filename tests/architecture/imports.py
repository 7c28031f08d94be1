"""The import rules of the code base, checked from the source (no import is executed).

Run by `make lint` (`python tests/architecture/imports.py`) and by the test suite.

1. Layers inside every app: faces (views, api, urls, forms, management commands) may import
   anything; services must not import faces; selectors must not import services or faces;
   models must not import services, selectors or faces. The same holds across apps.
2. `core` and `storage` import no domain app: they are the plumbing every app stands on.
3. No circle between apps: no two apps import each other, nor do longer rings
   (a -> b -> c -> a). Every group of apps that reach each other (a strongly connected
   component of the app graph) is a circle; those that still exist are listed in
   KNOWN_CIRCLES with the reason. A new one fails, an app joining a listed one fails, and so
   does a listed one that is gone (remove it from the list, so that the list stays true).
4. Writes (`transaction.atomic`) only in services, except the modules in ATOMIC_ELSEWHERE.
5. `signing` knows nothing of records: no signing module imports `hoso.records` (records
   call signing's one door, `hoso.signing.services.door`, and register what signing must
   list or show through `hoso.signing.work` and `hoso.signing.remote.sources`). Model
   foreign keys by string ("records.RecordVersion") are not imports.

Imports under `if TYPE_CHECKING:` count too: a type is a dependency.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hoso"
PLUMBING = {"core", "storage"}
FACES = ("views", "api", "urls", "forms", "management")
# Groups of apps that still reach each other, each with why; see the module docstring (rule 3).
KNOWN_CIRCLES: dict[frozenset[str], str] = {}

# App pairs where the first must never import the second, not even one way (rule 5).
NEVER_IMPORTS: dict[str, str] = {
    "signing": "records",
}

# Modules that may open a transaction without being services, each with why (rule 4).
ATOMIC_ELSEWHERE: dict[str, str] = {
    "hoso.accounts.middleware": "wraps allauth's account POSTs in one transaction (plumbing)",
    "hoso.org.demo": "loads the demo province in one transaction (a fixture, not a domain write)",
}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module that imports, e.g. hoso.records.services
    target: str  # dotted module imported, e.g. hoso.records.models
    line: int


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def kind_of(module: str) -> str:
    """face, service, selector, model or other, from the module's dotted name."""
    parts = module.split(".")[2:]
    for part in parts:
        if part.startswith(FACES) or part == "templatetags":
            return "face"
        if part.startswith("services"):
            return "service"
        if part.startswith("selectors"):
            return "selector"
        if part == "models":
            return "model"
    return "other"


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def imports_of(path: Path) -> Iterator[Import]:
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                # `from hoso.records import services` imports the module hoso.records.services
                yield Import(source, f"{base}.{alias.name}" if base else alias.name, node.lineno)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def internal_imports() -> list[Import]:
    found = []
    for path in product_modules():
        for item in imports_of(path):
            if item.target.startswith("hoso.") and app_of(item.target) != "":
                found.append(item)
    return found


FORBIDDEN = {
    "service": {"face"},
    "selector": {"face", "service"},
    "model": {"face", "service", "selector"},
}


def layer_breaches(imports: list[Import]) -> list[str]:
    breaches = []
    for item in imports:
        source_kind, target_kind = kind_of(item.source), kind_of(item.target)
        if target_kind in FORBIDDEN.get(source_kind, set()):
            breaches.append(
                f"{item.source}:{item.line} ({source_kind}) imports {item.target} ({target_kind})"
            )
    return breaches


def plumbing_breaches(imports: list[Import]) -> list[str]:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    breaches = []
    for item in imports:
        source_app, target_app = app_of(item.source), app_of(item.target)
        if source_app in PLUMBING and target_app in apps - PLUMBING:
            breaches.append(f"{item.source}:{item.line} imports the domain app {item.target}")
    return breaches


def app_edges(imports: list[Import]) -> dict[str, dict[str, Import]]:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    edges: dict[str, dict[str, Import]] = defaultdict(dict)
    for item in imports:
        source_app, target_app = app_of(item.source), app_of(item.target)
        if source_app != target_app and target_app in apps and source_app in apps:
            edges[source_app].setdefault(target_app, item)
    return edges


def circles(edges: dict[str, dict[str, Import]]) -> set[frozenset[str]]:
    """Every group of two or more apps that reach each other (directly or through other apps):
    the strongly connected components of the app graph."""
    reach = {app: _reachable(edges, app) for app in edges}
    groups = {frozenset({a, *(b for b in reach[a] if a in reach.get(b, set()))}) for a in reach}
    return {group for group in groups if len(group) > 1}


def _reachable(edges: dict[str, dict[str, Import]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges.get(todo.pop(), {}):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def circle_breaches(imports: list[Import]) -> list[str]:
    edges = app_edges(imports)
    found = circles(edges)
    messages = []
    for group in sorted(found - set(KNOWN_CIRCLES), key=sorted):
        ring = _ring(edges, group)
        apps = " -> ".join([*(item_app for item_app, _ in ring), ring[0][0]])
        where = " and ".join(_where(item) for _, item in ring)
        messages.append(f"new import circle {apps}: {where}")
    for group in sorted(set(KNOWN_CIRCLES) - found, key=sorted):
        messages.append(f"the circle {' <-> '.join(sorted(group))} is gone: drop it from the list")
    return messages


def _ring(edges: dict[str, dict[str, Import]], group: frozenset[str]) -> list[tuple[str, Import]]:
    """A shortest way round from the group's first app back to it: (app, its import) each."""
    start = min(group)
    paths: dict[str, list[tuple[str, Import]]] = {start: []}
    todo = [start]
    while todo:
        app = todo.pop(0)
        for target, item in sorted(edges.get(app, {}).items()):
            if target == start:
                return [*paths[app], (app, item)]
            if target in group and target not in paths:
                paths[target] = [*paths[app], (app, item)]
                todo.append(target)
    raise AssertionError(f"no way round {sorted(group)}")  # a component always has one


def _where(item: Import) -> str:
    return f"{item.source}:{item.line}"


def never_breaches(imports: list[Import]) -> list[str]:
    return [
        f"{_where(item)} imports {item.target}: {app_of(item.source)} must not know "
        f"{app_of(item.target)}"
        for item in imports
        if NEVER_IMPORTS.get(app_of(item.source)) == app_of(item.target)
    ]


def atomic_lines(path: Path) -> Iterator[int]:
    """Lines that open a transaction: `transaction.atomic` or a bare `atomic` imported from
    django.db.transaction."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    bare = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.db.transaction"
        and any(alias.name == "atomic" for alias in node.names)
        for node in ast.walk(tree)
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "atomic":
            if isinstance(node.value, ast.Name) and node.value.id == "transaction":
                yield node.lineno
        elif bare and isinstance(node, ast.Name) and node.id == "atomic":
            yield node.lineno


def write_breaches(files: list[tuple[str, Path]] | None = None) -> list[str]:
    """`files`: (dotted module, path) pairs; every product module by default."""
    if files is None:
        files = [(module_name(path), path) for path in product_modules()]
    breaches = []
    for module, path in files:
        if kind_of(module) == "service" or module in ATOMIC_ELSEWHERE:
            continue
        breaches += [f"{module}:{n} writes outside a services module" for n in atomic_lines(path)]
    return breaches


def all_breaches() -> list[str]:
    imports = internal_imports()
    return (
        layer_breaches(imports)
        + plumbing_breaches(imports)
        + circle_breaches(imports)
        + never_breaches(imports)
        + write_breaches()
    )


def main() -> int:
    breaches = all_breaches()
    for line in breaches:
        sys.stdout.write(line + "\n")
    sys.stdout.write(f"imports: {len(breaches)} breach(es) of the rules in {Path(__file__).name}\n")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
