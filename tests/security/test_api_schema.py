"""Issue 13 item 3: the OpenAPI schema describes every operation — no generator warning or
error ("unable to guess serializer" and the like), a response body for every 2xx but 204, a
request body for every write that takes input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

# Writes that take no input at all (the URL says everything).
NO_INPUT = {
    ("post", "/api/v1/drive-import/batches/{id}/confirm/"),
    ("post", "/api/v1/drive-import/batches/{id}/reapply/"),
    ("post", "/api/v1/families/children/{id}/consent/"),
    ("post", "/api/v1/families/children/{id}/consent/withdraw/"),
    ("post", "/api/v1/families/classes/{id}/codes/"),
    ("post", "/api/v1/families/classes/{id}/contacts/"),
    ("post", "/api/v1/library/loans/{id}/renew/"),
    ("post", "/api/v1/offices/directives/{id}/remind/"),
    ("post", "/api/v1/offices/inspections/{id}/minutes/"),
    ("post", "/api/v1/offices/dx-sets/{id}/publish/"),
    ("post", "/api/v1/offices/dx-sets/{id}/close/"),
    ("post", "/api/v1/offices/dx-sets/{id}/copy/"),
    ("post", "/api/v1/offices/dx-sets/{id}/recompute/"),
    ("post", "/api/v1/offices/dx-sheets/{id}/submit/"),
    ("post", "/api/v1/records/{id}/withdraw/"),
    ("post", "/api/v1/signing/remote/{id}/cancel/"),
    ("post", "/api/v1/signing/remote/providers/{id}/test/"),
    ("post", "/api/v1/webhooks/endpoints/{id}/test/"),
    ("post", "/api/v1/webhooks/endpoints/{id}/rotate-secret/"),
    ("post", "/api/v1/webhooks/deliveries/{id}/replay/"),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target: Path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn: any warning or error of the generator fails this test.
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    loaded: dict[str, Any] = yaml.safe_load(target.read_text(encoding="utf-8"))
    return loaded


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_success_response_has_a_schema(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path} {code}"
        for method, path, op in _operations(schema)
        for code, response in op["responses"].items()
        if code.startswith("2") and code != "204" and "content" not in response
    ]
    assert missing == []


def test_every_write_describes_its_body(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, op in _operations(schema)
        if method in {"post", "put", "patch"}
        and "requestBody" not in op
        and (method, path) not in NO_INPUT
    ]
    assert missing == []


def test_the_schema_covers_the_operations_found_undescribed(schema: dict[str, Any]) -> None:
    described = {(m, p) for m, p, _ in _operations(schema)}
    for expected in [
        ("post", "/api/v1/signatures/validate/"),
        ("get", "/api/v1/records/{id}/signatures/"),
        ("post", "/api/v1/records/{id}/sign/prepare/"),
        ("get", "/api/v1/signing/batches/{id}/"),
        ("get", "/api/v1/signing/certificates/"),
    ]:
        assert expected in described
