"""Every named URL pattern of the project, found by walking the resolver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Found:
    name: str  # "namespace:name" or "name"
    pattern: str
    namespace: str


def walk(patterns: list[object] | None = None, prefix: str = "", ns: str = "") -> Iterator[Found]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            namespace = ":".join(p for p in (ns, entry.namespace or "") if p)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), namespace)
        elif isinstance(entry, URLPattern):
            name = f"{ns}:{entry.name}" if ns and entry.name else (entry.name or "")
            yield Found(name, prefix + str(entry.pattern), ns)


def all_routes() -> list[Found]:
    return list(walk())
