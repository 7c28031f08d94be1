"""A message a person reads goes through the catalogue. The exceptions whose text reaches a page
or an API answer (DomainError and its kin, Django's and DRF's) are raised with `_("…")` or a
variable, never with a bare string or f-string: a literal would stay Vietnamese on an English
page and would never be listed in the catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "hoso"

# Raised to a person: the views, the API's exception handler and the forms show their text.
SHOWN = {
    "DomainError",
    "NotAllowed",
    "NotFoundError",
    "ValidationError",
    "Http404",
    "PermissionDenied",
    "ParseError",
    "APIException",
    "NotFound",
}


def _user_exceptions() -> set[str]:
    """SHOWN plus every class of hoso that derives from one of them by name."""
    names = set(SHOWN)
    classes = [
        node
        for path in ROOT.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    ]
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
            if node.name not in names and bases & names:
                names.add(node.name)
                grew = True
    return names


def literal_raises(source: str, shown: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = getattr(func, "id", getattr(func, "attr", ""))
        first = node.exc.args[0] if node.exc.args else None
        literal = isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        )
        if name in shown and literal:
            found.append((node.lineno, name))
    return found


def test_messages_raised_to_people_go_through_the_catalogue() -> None:
    shown = _user_exceptions()
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line} {name}"
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for line, name in literal_raises(path.read_text(encoding="utf-8"), shown)
    ]
    assert not offenders, "Wrap these messages in _(…): " + ", ".join(offenders)


def test_the_check_sees_a_literal_and_an_f_string() -> None:
    source = (
        "def f(x):\n"
        "    raise DomainError('Sai.')\n"
        "def g(x):\n"
        "    raise NotAllowed(f'Sai {x}.')\n"
        "def h(x):\n"
        "    raise DomainError(_('Sai.'))\n"
    )
    assert literal_raises(source, {"DomainError", "NotAllowed"}) == [
        (2, "DomainError"),
        (4, "NotAllowed"),
    ]
