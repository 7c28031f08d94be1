"""The import rules of tests/architecture/imports.py hold on the tree, and the checker catches
each kind of breach (checked on made-up imports, so the rules cannot pass by being blind)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.architecture.imports import (
    KNOWN_CIRCLES,
    ROOT,
    Import,
    all_breaches,
    circle_breaches,
    internal_imports,
    kind_of,
    layer_breaches,
    module_name,
    never_breaches,
    plumbing_breaches,
    product_modules,
    write_breaches,
)


def test_the_tree_keeps_every_import_rule() -> None:
    assert all_breaches() == []


def test_module_kinds_follow_the_app_skeleton() -> None:
    assert kind_of("hoso.records.services") == "service"
    assert kind_of("hoso.grading.services_assignments") == "service"
    assert kind_of("hoso.records.selectors") == "selector"
    assert kind_of("hoso.records.models") == "model"
    assert kind_of("hoso.records.views.files") == "face"
    assert kind_of("hoso.grading.api_assignments") == "face"
    assert kind_of("hoso.ops.management.commands.serve") == "face"
    assert kind_of("hoso.records.chains") == "other"


def test_a_selector_that_imports_a_service_is_caught() -> None:
    made_up = [Import("hoso.records.selectors", "hoso.records.services.upload", 7)]
    assert layer_breaches(made_up) == [
        "hoso.records.selectors:7 (selector) imports hoso.records.services.upload (service)"
    ]


def test_a_model_that_imports_a_view_is_caught() -> None:
    made_up = [Import("hoso.library.models", "hoso.offices.views.inbox", 3)]
    assert len(layer_breaches(made_up)) == 1


def test_core_importing_a_domain_app_is_caught() -> None:
    made_up = [Import("hoso.core.views", "hoso.org.selectors.roles_of", 12)]
    assert plumbing_breaches(made_up) == [
        "hoso.core.views:12 imports the domain app hoso.org.selectors.roles_of"
    ]


def test_a_new_circle_between_apps_is_caught_and_a_gone_one_must_leave_the_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(KNOWN_CIRCLES, frozenset({"audit", "org", "policy"}), "listed once")
    made_up = [
        Import("hoso.library.services", "hoso.offices.models", 5),
        Import("hoso.offices.selectors", "hoso.library.models", 9),
    ]
    messages = circle_breaches(made_up)
    assert messages[0] == (
        "new import circle library -> offices -> library: hoso.library.services:5 and "
        "hoso.offices.selectors:9"
    )
    gone = [m for m in messages if m.endswith("drop it from the list")]
    assert len(gone) == len(KNOWN_CIRCLES) == 1


def test_a_longer_circle_between_apps_is_caught() -> None:
    made_up = [
        Import("hoso.books.services", "hoso.library.models", 3),
        Import("hoso.library.selectors", "hoso.retention.models", 4),
        Import("hoso.retention.services", "hoso.books.selectors", 5),
        Import("hoso.retention.services", "hoso.core.errors", 6),
    ]
    assert circle_breaches(made_up)[0] == (
        "new import circle books -> library -> retention -> books: hoso.books.services:3 and "
        "hoso.library.selectors:4 and hoso.retention.services:5"
    )


def test_an_app_joining_a_known_circle_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KNOWN_CIRCLES, frozenset({"audit", "org", "policy"}), "listed once")
    made_up = [
        Import("hoso.audit.services", "hoso.org.models", 1),
        Import("hoso.org.services", "hoso.policy.grants", 2),
        Import("hoso.policy.grants", "hoso.search.engine", 3),
        Import("hoso.search.maintenance", "hoso.audit.models", 4),
    ]
    messages = circle_breaches(made_up)
    assert any(m.startswith("new import circle") and "search" in m for m in messages), messages


def test_signing_importing_records_is_caught_even_one_way() -> None:
    made_up = [
        Import("hoso.signing.views.queues", "hoso.records.models.Record", 4),
        Import("hoso.records.services.signing", "hoso.signing.services.door", 6),
    ]
    assert never_breaches(made_up) == [
        "hoso.signing.views.queues:4 imports hoso.records.models.Record: signing must not know "
        "records"
    ]


def test_a_transaction_outside_a_services_module_is_caught(tmp_path: Path) -> None:
    made_up = tmp_path / "workflow.py"
    made_up.write_text(
        "from django.db import transaction\n"
        "from django.db.transaction import atomic\n\n"
        "@transaction.atomic\ndef a():\n    pass\n\n"
        "def b():\n    with atomic():\n        pass\n",
        "utf-8",
    )
    assert write_breaches([("hoso.records.workflow", made_up)]) == [
        "hoso.records.workflow:4 writes outside a services module",
        "hoso.records.workflow:9 writes outside a services module",
    ]
    assert write_breaches([("hoso.records.services.workflow", made_up)]) == []


def test_the_checker_sees_the_real_imports() -> None:
    found = {(i.source, i.target) for i in internal_imports()}
    assert ("hoso.records.services.versions", "hoso.storage.blob_store") in found


def _strict_patterns() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    strict = [o for o in config["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs")]
    return [pattern for o in strict for pattern in o["module"]]


def _matches(module: str, pattern: str) -> bool:
    # mypy: `*` stands for one or more whole components (hoso.*.services, hoso.policy.*)
    regex = re.escape(pattern).replace(r"\*", r"[^.]+(\.[^.]+)*")
    return re.fullmatch(regex, module) is not None


def test_mypy_is_strict_on_every_service_selector_and_policy_module() -> None:
    modules = {module_name(path) for path in product_modules()}
    wanted = {m for m in modules if kind_of(m) in {"service", "selector"} or m.endswith("policies")}
    patterns = _strict_patterns()
    assert wanted
    assert sorted(m for m in wanted if not any(_matches(m, p) for p in patterns)) == []
